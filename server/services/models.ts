import 'server-only';
import { and, asc, desc, eq, gt, ilike, inArray, isNull, max, sql, type SQL } from 'drizzle-orm';
import { MODEL_TYPES, normalizeModel, parseModelYaml, type ModelParseResult, type ModelSpec, type ModelType } from '@/lib/aml/model-spec';
import type { JobIssue } from '@/lib/aml/issues';
import type { JobSpec } from '@/lib/aml/job-spec';
import type { DbOrTx } from '../db';
import { clusters, jobs, models, modelVersions, onlineDeployments, onlineEndpoints, users, workspaces, type ModelArtifactLocation, type ModelJobLineage } from '../db/schema';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor, type Page } from '../http/paging';
import { OUTPUTS_DIR } from '../kube/manifests/job';
import type { KubeObject } from '../kube/plan';
import { checkCodeQuota, codeFilesFor, snapshotOf, storeBlobs, type Upload } from './code-assets';
import { refuse } from './jobs-placement';

// The model registry (issue: model registry with lineage). A version records where its artifacts are — never
// fetching them (no internet; a simulated cluster's job output is a location without bytes) — and, when a job
// made it, that job's lineage: name, compute target, cluster, the output's place on the compute namespace's PVC,
// the image and the inputs, as they were when it was registered. Deployments join the lineage when online
// endpoints exist.
//
//   prepareModelVersion   parse (Azure ML model YAML or JSON) + resolve the location + the version number;
//                         throws a 4xx naming the field (409 for a version that exists); writes nothing
//   recordModelVersion    inside the action's transaction: the model (first version) and the version
//   registerJobOutputs    a completed job's outputs declared as models become versions (the registrar)

export const MAX_MODEL_UPLOAD_BYTES = 2 * 1024 ** 3;
export { MODEL_TYPES };

export type ModelSource = { format: 'yaml'; text: string } | { format: 'json'; document: unknown };

export interface ModelVersionDto {
  uid: string;
  name: string;
  version: string;
  type: ModelType;
  description: string;
  tags: Record<string, string>;
  properties: Record<string, string>;
  flavors?: Record<string, unknown>;
  stage: string | null;
  /** The artifact location as given (azureml://jobs/<job>/outputs/<o>, https://…, an uploaded folder's name). */
  path: string;
  location: ModelArtifactLocation;
  archived: boolean;
  archivedAt: string | null;
  createdAt: string;
  createdBy: string | null;
  lineage: { job: (ModelJobLineage & { exists: boolean }) | null; deployments: Array<{ endpoint: string; deployment: string; cluster: string; traffic: number }> };
}

export interface ModelSummaryDto {
  uid: string;
  name: string;
  versions: number;
  latestVersion: { version: string; type: ModelType; description: string; createdAt: string; archived: boolean } | null;
  createdAt: string;
  updatedAt: string;
}

async function workspaceIdOf(db: DbOrTx, workspace: string): Promise<string> {
  const [w] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, workspace)).limit(1);
  if (!w) throw new AppError('not_found', `workspace ${workspace} not found`);
  return w.id;
}

const numeric = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : null);

// --- a job's outputs and lineage --------------------------------------------------------------------------

type JobRow = typeof jobs.$inferSelect;

/** Where a job's output `output` was written: the compute namespace's PVC (claim + sub path) or pod scratch. */
export function jobOutputStorage(job: JobRow, output: string): { cluster: string; namespace: string; claim?: string; path?: string } {
  const base = { cluster: job.clusterName, namespace: job.namespace };
  const objs = job.objects as KubeObject[];
  const k8sJob = objs.find((o) => o.kind === 'Job') as
    | { spec?: { template?: { spec?: { volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>; containers?: Array<{ volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }> }> } } } }
    | undefined;
  const podSpec = k8sJob?.spec?.template?.spec;
  const claim = podSpec?.volumes?.find((v) => v.name === 'outputs')?.persistentVolumeClaim?.claimName;
  const mount = podSpec?.containers?.flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === 'outputs' && m.mountPath === OUTPUTS_DIR);
  if (!claim || !mount?.subPath) return base;
  return { ...base, claim, path: `${mount.subPath}/${output}` };
}

function trialOf(spec: JobSpec) {
  return spec.type === 'sweep' ? spec.trial : spec;
}

export function jobLineage(job: JobRow, output: string): ModelJobLineage {
  const spec = job.spec as JobSpec;
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.inputs ?? {})) inputs[k] = v.kind === 'literal' ? v.text : v.path;
  return {
    name: job.name,
    computeTarget: job.computeName,
    cluster: job.clusterName,
    namespace: job.namespace,
    output,
    location: `azureml://jobs/${job.name}/outputs/${output}`,
    image: trialOf(spec).environment?.image ?? null,
    inputs,
    status: job.status,
  };
}

// --- preparing a version ---------------------------------------------------------------------------------

export interface ModelRequest {
  workspace: string;
  source: ModelSource;
  upload: Upload;
}

export interface PreparedModelVersion {
  name: string;
  version: string;
  versionNum: number | null;
  spec: ModelSpec;
  path: string;
  location: ModelArtifactLocation;
  /** Files to store; field: the upload field a refusal (quota) names. */
  upload?: { data: Buffer; sha256: string; size: number; files: number; field?: 'code' | 'files' };
  job?: JobRow;
  jobOutput?: string;
  lineage?: ModelJobLineage;
  warnings: JobIssue[];
  source: { format: 'yaml' | 'json'; text: string };
  modelExists: boolean;
}

function parse(source: ModelSource): ModelParseResult {
  return source.format === 'yaml' ? parseModelYaml(source.text) : normalizeModel(source.document);
}

export async function prepareModelVersion(db: DbOrTx, req: ModelRequest, opts: { dryRun: boolean; createdBy?: string }): Promise<PreparedModelVersion> {
  const parsed = parse(req.source);
  if (!parsed.ok) throw refuse(parsed.errors);
  const spec = parsed.spec;
  const warnings: JobIssue[] = [...parsed.warnings];
  if (!spec.name) throw refuse([{ path: 'name', message: 'is required: the model’s name in this workspace' }]);
  const wid = await workspaceIdOf(db, req.workspace);
  const [model] = await db.select().from(models).where(and(eq(models.workspaceId, wid), eq(models.name, spec.name))).limit(1);

  // --- the version: explicit, or the highest numeric one + 1 -------------------------------------------
  let version = spec.version;
  if (version !== undefined) {
    if (model) {
      const [dup] = await db.select({ id: modelVersions.id }).from(modelVersions).where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, version))).limit(1);
      if (dup) {
        throw new AppError('conflict', `version: model ${spec.name} already has a version ${version}; versions are immutable — leave version out to get the next number`, {
          fieldErrors: [{ path: 'version', message: `${spec.name}:${version} already exists` }],
        });
      }
    }
  } else {
    const [{ top }] = model ? await db.select({ top: max(modelVersions.versionNum) }).from(modelVersions).where(eq(modelVersions.modelId, model.id)) : [{ top: null }];
    version = String((top ?? 0) + 1);
  }

  // --- where the artifacts are ------------------------------------------------------------------------------
  const path = spec.path;
  if (!path || !spec.location) throw refuse([{ path: 'path', message: 'is required: where the model’s files are (a job output azureml://jobs/<job>/outputs/<name>, a storage URI, or a local folder uploaded with it)' }]);
  const loc = spec.location;
  let location: ModelArtifactLocation;
  let upload: PreparedModelVersion['upload'];
  let job: JobRow | undefined;
  let jobOutput: string | undefined;
  let lineage: ModelJobLineage | undefined;
  switch (loc.kind) {
    case 'url':
      location = { kind: 'url', uri: loc.url };
      break;
    case 'blob':
    case 'adls':
    case 'datastore':
      location = { kind: loc.kind, uri: loc.uri };
      break;
    case 'local': {
      // A model's folder: archives keep the 512 MiB unpack cap they had (streamed, stopped at the cap); loose
      // files are held to MAX_MODEL_UPLOAD_BYTES below.
      const files = req.upload.files.length || req.upload.codeArchive ? await codeFilesFor(req.upload, loc.path, { caps: { maxBytes: 512 * 1024 * 1024 }, capLooseFiles: false }) : [];
      if (files.length === 0) {
        if (!opts.dryRun) throw refuse([{ path: 'path', message: `"${loc.path}" is a local path and its files did not come with the request: upload them with it (multipart, file names relative to the model file), or point at a job output or storage` }]);
        warnings.push({ path: 'path', message: `"${loc.path}" is a local path: its files are uploaded with the real request` });
        location = { kind: 'upload', sha256: 'pending-upload', size: 0, files: 0 };
        break;
      }
      const total = files.reduce((n, f) => n + f.data.byteLength, 0);
      if (total > MAX_MODEL_UPLOAD_BYTES) throw new AppError('payload_too_large', `path: the uploaded files are ${total} bytes, more than the 2 GiB a model upload may be`, { fieldErrors: [{ path: 'path', message: 'over 2 GiB' }] });
      const snap = await snapshotOf(files);
      const field = req.upload.codeArchive ? 'code' : 'files';
      // A dry run answers what the real request would (the real one checks again as it stores).
      if (opts.dryRun) await checkCodeQuota(db, { id: wid, name: req.workspace }, [snap.blob], field);
      upload = { data: snap.data, ...snap.blob, field };
      location = { kind: 'upload', sha256: snap.blob.sha256, size: snap.blob.size, files: snap.blob.files };
      break;
    }
    case 'job-output': {
      const [j] = await db.select().from(jobs).where(and(eq(jobs.workspaceId, wid), eq(jobs.name, loc.job))).limit(1);
      if (!j) throw refuse([{ path: 'path', message: `no job ${loc.job} in workspace ${req.workspace}` }]);
      const outputs = (j.spec as JobSpec).outputs ?? {};
      if (!(loc.output in outputs)) {
        const names = Object.keys(outputs);
        throw refuse([{ path: 'path', message: `job ${loc.job} has no output "${loc.output}"${names.length ? `; its outputs: ${names.join(', ')}` : ' (it declares no outputs)'}` }]);
      }
      const sub = /\/paths\/(.+)$/.exec(loc.uri)?.[1];
      if (sub !== undefined && (sub.split('/').includes('..') || sub.startsWith('/'))) {
        throw refuse([{ path: 'path', message: `"${sub}" leaves the output ${loc.output} of job ${loc.job}; a path inside the output is relative and has no ".."` }]);
      }
      if (j.status !== 'Completed') {
        throw refuse([{ path: 'path', message: `job ${loc.job} is ${j.status}: its output ${loc.output} can be registered once the job Completed` }]);
      }
      const storage = jobOutputStorage(j, loc.output);
      if (!storage.claim) warnings.push({ path: 'path', message: `job ${loc.job} wrote ${loc.output} to its pod's scratch space (no PVC labelled ml.azure.com/pvc=true in ${j.namespace}): the location is recorded, the files are gone` });
      location = { kind: 'job-output', uri: loc.uri, job: loc.job, output: loc.output, ...(sub ? { subPath: sub } : {}), storage: storage.claim ? { ...storage, path: sub ? `${storage.path}/${sub}` : storage.path } : storage };
      job = j;
      jobOutput = loc.output;
      lineage = jobLineage(j, loc.output);
      break;
    }
    case 'registry-asset':
      throw refuse([{ path: 'path', message: `${loc.uri}: models from Azure ML registries and the model catalog cannot be used with Kubernetes compute (Azure ML refuses registry assets for Kubernetes deployments); register the model's files in this workspace` }]);
    default:
      throw refuse([{ path: 'path', message: `${path} is a reference to another asset; give the model's files: a job output azureml://jobs/<job>/outputs/<name>, a storage URI or a local folder` }]);
  }
  const text = req.source.format === 'yaml' ? req.source.text : JSON.stringify(req.source.document, null, 2);
  return { name: spec.name, version, versionNum: numeric(version), spec, path, location, upload, job, jobOutput, lineage, warnings, source: { format: req.source.format, text }, modelExists: !!model };
}

/** Records the model (on its first version) and the version, in the caller's transaction. */
export async function recordModelVersion(tx: DbOrTx, workspace: string, p: PreparedModelVersion, createdBy: string | null): Promise<typeof modelVersions.$inferSelect> {
  const wid = await workspaceIdOf(tx, workspace);
  if (p.upload) await storeBlobs(tx, { id: wid, name: workspace }, [{ data: p.upload.data, files: p.upload.files }], p.upload.field ?? 'files');
  await tx.insert(models).values({ workspaceId: wid, name: p.name, createdBy }).onConflictDoNothing();
  const [model] = await tx.select().from(models).where(and(eq(models.workspaceId, wid), eq(models.name, p.name))).limit(1);
  await tx.update(models).set({ updatedAt: new Date() }).where(eq(models.id, model.id));
  const [row] = await tx
    .insert(modelVersions)
    .values({
      modelId: model.id,
      version: p.version,
      versionNum: p.versionNum,
      type: p.spec.type,
      description: p.spec.description ?? '',
      tags: p.spec.tags,
      properties: p.spec.properties,
      flavors: p.spec.flavors ?? null,
      stage: p.spec.stage ?? null,
      path: p.path,
      location: p.location,
      uploadSha256: p.upload?.sha256 ?? null,
      jobId: p.job?.id ?? null,
      jobOutput: p.jobOutput ?? null,
      lineage: p.lineage ?? null,
      source: p.source.text,
      sourceFormat: p.source.format,
      createdBy,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    throw new AppError('conflict', `version: model ${p.name} already has a version ${p.version}`, { fieldErrors: [{ path: 'version', message: `${p.name}:${p.version} already exists` }] });
  }
  return row;
}

// --- reading ----------------------------------------------------------------------------------------------

type VersionRow = typeof modelVersions.$inferSelect;

export async function versionDto(db: DbOrTx, name: string, v: VersionRow, createdBy: string | null): Promise<ModelVersionDto> {
  let job: ModelVersionDto['lineage']['job'] = null;
  if (v.lineage) {
    const [j] = v.jobId ? await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, v.jobId)).limit(1) : [];
    job = { ...v.lineage, exists: !!j, status: j?.status ?? v.lineage.status };
  }
  return {
    uid: v.id,
    name,
    version: v.version,
    type: v.type,
    description: v.description,
    tags: v.tags,
    properties: v.properties,
    ...(v.flavors ? { flavors: v.flavors } : {}),
    stage: v.stage,
    path: v.path,
    location: v.location,
    archived: v.archived,
    archivedAt: v.archivedAt?.toISOString() ?? null,
    createdAt: v.createdAt.toISOString(),
    createdBy,
    lineage: { job, deployments: await deploymentsOfModelVersion(db, v.id) },
  };
}

/** Online deployments serving a model version (its lineage). */
export async function deploymentsOfModelVersion(db: DbOrTx, versionId: string): Promise<Array<{ endpoint: string; deployment: string; cluster: string; traffic: number }>> {
  const rows = await db
    .select({ d: onlineDeployments.name, e: onlineEndpoints.name, traffic: onlineEndpoints.traffic, cluster: clusters.name })
    .from(onlineDeployments)
    .innerJoin(onlineEndpoints, eq(onlineEndpoints.id, onlineDeployments.endpointId))
    .innerJoin(clusters, eq(clusters.id, onlineEndpoints.clusterId))
    .where(eq(onlineDeployments.modelVersionId, versionId))
    .orderBy(asc(onlineEndpoints.name), asc(onlineDeployments.name));
  return rows.map((r) => ({ endpoint: r.e, deployment: r.d, cluster: r.cluster, traffic: r.traffic[r.d] ?? 0 }));
}

/** What a dry run answers: the version as it would be recorded. */
export function preparedVersionDto(p: PreparedModelVersion, createdBy: string | null): ModelVersionDto {
  return {
    uid: '',
    name: p.name,
    version: p.version,
    type: p.spec.type,
    description: p.spec.description ?? '',
    tags: p.spec.tags,
    properties: p.spec.properties,
    ...(p.spec.flavors ? { flavors: p.spec.flavors } : {}),
    stage: p.spec.stage ?? null,
    path: p.path,
    location: p.location,
    archived: false,
    archivedAt: null,
    createdAt: new Date().toISOString(),
    createdBy,
    lineage: { job: p.lineage ? { ...p.lineage, exists: true } : null, deployments: [] },
  };
}

async function modelRow(db: DbOrTx, workspace: string, name: string) {
  const wid = await workspaceIdOf(db, workspace);
  const [m] = await db.select().from(models).where(and(eq(models.workspaceId, wid), eq(models.name, name))).limit(1);
  if (!m) throw new AppError('not_found', `model ${name} not found in workspace ${workspace}`);
  return m;
}

/** Newest first: numeric versions by number, then the others by creation. */
const versionOrder = [sql`${modelVersions.versionNum} DESC NULLS LAST`, desc(modelVersions.createdAt)];

/** GET …/models: by name, `{items, next}`; each with its latest (non-archived) version. */
export async function listModels(db: DbOrTx, workspace: string, opts: { limit?: number; cursor?: string; q?: string } = {}): Promise<Page<ModelSummaryDto>> {
  const wid = await workspaceIdOf(db, workspace);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const where: SQL[] = [eq(models.workspaceId, wid)];
  if (opts.cursor) where.push(gt(models.name, String(decodeCursor<{ n: string }>(opts.cursor, ['n']).n)));
  if (opts.q) where.push(ilike(models.name, `%${opts.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`));
  const rows = await db.select().from(models).where(and(...where)).orderBy(asc(models.name)).limit(limit + 1);
  const page = rows.slice(0, limit);
  const versions = page.length ? await db.select().from(modelVersions).where(inArray(modelVersions.modelId, page.map((m) => m.id))).orderBy(...versionOrder) : [];
  const items = page.map((m): ModelSummaryDto => {
    const mine = versions.filter((v) => v.modelId === m.id);
    const latest = mine.find((v) => !v.archived) ?? mine[0];
    return {
      uid: m.id,
      name: m.name,
      versions: mine.length,
      latestVersion: latest ? { version: latest.version, type: latest.type, description: latest.description, createdAt: latest.createdAt.toISOString(), archived: latest.archived } : null,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  });
  return rows.length > limit ? { items, next: encodeCursor({ n: page[page.length - 1].name }) } : { items };
}

/** GET …/models/{name}/versions: newest first, `{items, next}`. */
export async function listModelVersions(db: DbOrTx, workspace: string, name: string, opts: { limit?: number; cursor?: string; includeArchived?: boolean } = {}): Promise<Page<ModelVersionDto>> {
  const m = await modelRow(db, workspace, name);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const rows = await db
    .select({ v: modelVersions, email: users.email })
    .from(modelVersions)
    .leftJoin(users, eq(users.id, modelVersions.createdBy))
    .where(and(eq(modelVersions.modelId, m.id), opts.includeArchived === false ? eq(modelVersions.archived, false) : undefined))
    .orderBy(...versionOrder);
  // Versions per model are few (hundreds at most): page in memory by position after the cursor's version.
  const start = opts.cursor ? rows.findIndex((r) => r.v.version === String(decodeCursor<{ v: string }>(opts.cursor!, ['v']).v)) + 1 : 0;
  const page = rows.slice(start, start + limit);
  const items = await Promise.all(page.map((r) => versionDto(db, name, r.v, r.email)));
  return start + limit < rows.length ? { items, next: encodeCursor({ v: page[page.length - 1].v.version }) } : { items };
}

/** One version; `latest` is the newest version that is not archived. */
export async function getModelVersion(db: DbOrTx, workspace: string, name: string, version: string): Promise<{ row: VersionRow; dto: ModelVersionDto }> {
  const m = await modelRow(db, workspace, name);
  const [r] = await db
    .select({ v: modelVersions, email: users.email })
    .from(modelVersions)
    .leftJoin(users, eq(users.id, modelVersions.createdBy))
    .where(and(eq(modelVersions.modelId, m.id), version === 'latest' ? eq(modelVersions.archived, false) : eq(modelVersions.version, version)))
    .orderBy(...versionOrder)
    .limit(1);
  if (!r) throw new AppError('not_found', version === 'latest' ? `model ${name} has no version that is not archived` : `model ${name} has no version ${version}`);
  return { row: r.v, dto: await versionDto(db, name, r.v, r.email) };
}

/** Archives or restores a version (archived versions stay readable and are skipped by `@latest`). */
export async function setArchived(tx: DbOrTx, workspace: string, name: string, version: string, archived: boolean): Promise<{ before: boolean; row: VersionRow }> {
  const { row } = await getModelVersion(tx, workspace, name, version);
  if (row.archived === archived) return { before: row.archived, row };
  const [u] = await tx.update(modelVersions).set({ archived, archivedAt: archived ? new Date() : null }).where(eq(modelVersions.id, row.id)).returning();
  return { before: row.archived, row: u };
}

// --- references from jobs -----------------------------------------------------------------------------------

/** `azureml:<name>:<version>` or `azureml:<name>@latest` → the version, or why not (a sentence). */
export async function resolveModelReference(db: DbOrTx, workspace: string, name: string, version: string | undefined, label: string | undefined): Promise<{ ok: true; row: VersionRow } | { ok: false; message: string }> {
  const wid = await workspaceIdOf(db, workspace);
  const [m] = await db.select().from(models).where(and(eq(models.workspaceId, wid), eq(models.name, name))).limit(1);
  if (!m) return { ok: false, message: `no model ${name} in workspace ${workspace}` };
  if (label !== undefined && label !== 'latest') return { ok: false, message: `label @${label} is not known; use a version (azureml:${name}:<version>) or @latest` };
  const [r] = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, m.id), version ? eq(modelVersions.version, version) : eq(modelVersions.archived, false)))
    .orderBy(...versionOrder)
    .limit(1);
  if (!r) return { ok: false, message: version ? `model ${name} has no version ${version}` : `model ${name} has no version that is not archived` };
  return { ok: true, row: r };
}

/** The model versions a job's outputs became (for the job's page). */
export async function modelVersionsOfJob(db: DbOrTx, jobId: string): Promise<Array<{ name: string; version: string; output: string | null }>> {
  const rows = await db
    .select({ name: models.name, version: modelVersions.version, output: modelVersions.jobOutput })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(eq(modelVersions.jobId, jobId));
  return rows;
}

/** Completed jobs (not trials) with model outputs that were not registered yet. */
export async function jobsWithUnregisteredModels(db: DbOrTx, since: Date): Promise<Array<{ job: JobRow; workspace: string }>> {
  const rows = await db
    .select({ j: jobs, ws: workspaces.name })
    .from(jobs)
    .innerJoin(workspaces, eq(workspaces.id, jobs.workspaceId))
    .where(
      and(
        eq(jobs.status, 'Completed'),
        isNull(jobs.modelsRegisteredAt),
        isNull(jobs.parentJobId),
        gt(jobs.finishedAt, since),
        sql`EXISTS (SELECT 1 FROM jsonb_each(${jobs.spec} -> 'outputs') o WHERE o.value ->> 'type' IN ('custom_model', 'mlflow_model', 'triton_model'))`,
      ),
    );
  return rows.map((r) => ({ job: r.j, workspace: r.ws }));
}

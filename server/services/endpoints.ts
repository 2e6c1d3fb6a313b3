import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ExtensionSettings, InstanceTypeSpec } from '@/lib/domain';
import { DEFAULT_INSTANCE_TYPE_NAME } from '@/lib/instance-types';
import { curatedImage, parseEnvironmentReference } from '@/lib/aml/environment';
import type { JobIssue } from '@/lib/aml/issues';
import { normalizeDeployment, normalizeEndpoint, parseDeploymentYaml, parseEndpointYaml } from '@/lib/aml/online-spec';
import type { DeploymentState, OnlineDeploymentDto, OnlineDeploymentSpec, OnlineEndpointDto, OnlineEndpointSpec } from '@/lib/endpoints/spec';
import type { DbOrTx } from '../db';
import { clusters, computeTargets, modelVersions, models, onlineDeployments, onlineEndpoints, users, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { decryptSecret, encryptSecret } from '../secrets';
import { applyPlan, applySteps, kubeObject, planFieldErrors, type KubeObject, type ObjectRef } from '../kube/plan';
import { checkResourcesFit, deploymentObjectName, onlineDeploymentManifests } from '../kube/manifests/online-deployment';
import { simulationAnnotations } from '../kube/manifests/job';
import { getComputeTarget, type ComputeTargetRecord } from './compute-targets';
import { environmentLookup, listEnvironments } from './environments';
import { jobPlacement, jobTaints, refuse, resolveInstanceType, resolveTarget, type JobPlacement } from './jobs-placement';
import { resolveModelReference } from './models';
import { routerAddress, type RouterAddress } from './extension';
import { extensionRow, getClusterRow, liveCache, type ClusterRow } from './clusters';
import { CODE_ASSET_RE } from './jobs';
import { bindBlob, getWorkspaceCodeAsset, issueFetchToken, snapshotOf, storeBlobs, codeFilesFor, type Upload } from './code-assets';

// Online endpoints and deployments (issue 14): validated from Azure ML CLI v2 files or JSON, recorded in the DB,
// and turned into effects the runtime core carries out after commit:
//   a deployment   its Deployment + Service (+ HPA) in the compute target's namespace (kube.plan intent);
//   any change     the cluster's inference router configuration, re-rendered from these rows (router.sync
//                  intent, server/services/router-sync.ts), which nginx reloads in place.
// Keys are 32 random bytes (base64url), stored AES-256-GCM encrypted under purpose endpoint-keys:<id>; no DTO
// carries them, only the endpoints.listKeys action answers them.

export type EndpointRow = typeof onlineEndpoints.$inferSelect;
export type DeploymentRow = typeof onlineDeployments.$inferSelect;

export interface EndpointKeys {
  primaryKey: string;
  secondaryKey: string;
}

const keysPurpose = (endpointId: string) => `endpoint-keys:${endpointId}`;
export const newEndpointKey = () => randomBytes(32).toString('base64url');
export const sealKeys = (endpointId: string, keys: EndpointKeys) => encryptSecret(JSON.stringify(keys), keysPurpose(endpointId));
export const readKeys = (row: Pick<EndpointRow, 'id' | 'keysEnc'>): EndpointKeys => JSON.parse(decryptSecret(row.keysEnc, keysPurpose(row.id))) as EndpointKeys;

/** How long a deployment's pods may fetch its uploaded scoring code: they start whenever they are rescheduled. */
const DEPLOYMENT_CODE_TOKEN_TTL_SECONDS = 365 * 24 * 3600;

export type EndpointSource = { format: 'yaml'; text: string } | { format: 'json'; document: unknown };

// --- reading ---------------------------------------------------------------------------------------

async function workspaceRow(db: DbOrTx, workspace: string) {
  const [ws] = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.name, workspace)).limit(1);
  if (!ws) throw new AppError('not_found', `workspace ${workspace} not found`);
  return ws;
}

export interface EndpointRecord {
  row: EndpointRow;
  target: ComputeTargetRecord;
}

async function targetOf(db: DbOrTx, workspace: string, row: EndpointRow): Promise<ComputeTargetRecord> {
  const [t] = await db.select({ name: computeTargets.name }).from(computeTargets).where(eq(computeTargets.id, row.computeTargetId)).limit(1);
  return getComputeTarget(db, workspace, t.name);
}

export async function getEndpointRecord(db: DbOrTx, workspace: string, name: string): Promise<EndpointRecord> {
  const ws = await workspaceRow(db, workspace);
  const [row] = await db.select().from(onlineEndpoints).where(and(eq(onlineEndpoints.workspaceId, ws.id), eq(onlineEndpoints.name, name))).limit(1);
  if (!row) throw new AppError('not_found', `no online endpoint ${name} in workspace ${workspace}`);
  return { row, target: await targetOf(db, workspace, row) };
}

export async function deploymentRows(db: DbOrTx, endpointIds: string[]): Promise<DeploymentRow[]> {
  if (!endpointIds.length) return [];
  return db.select().from(onlineDeployments).where(inArray(onlineDeployments.endpointId, endpointIds)).orderBy(asc(onlineDeployments.name));
}

export async function getDeploymentRow(db: DbOrTx, endpoint: EndpointRow, name: string): Promise<DeploymentRow> {
  const [row] = await db.select().from(onlineDeployments).where(and(eq(onlineDeployments.endpointId, endpoint.id), eq(onlineDeployments.name, name))).limit(1);
  if (!row) throw new AppError('not_found', `online endpoint ${endpoint.name} has no deployment ${name}`);
  return row;
}

/**
 * Where a cluster's scoring URIs start: the router's address (https://<sslCname>, the load balancer's, a node
 * port) or, when it has none a client could use yet, its in-cluster name.
 */
export async function scoringBase(cluster: ClusterRow, settings: ExtensionSettings | null): Promise<{ base: string; address: RouterAddress }> {
  const address = await routerAddress(cluster, settings);
  return { base: address.baseUrl ?? `${settings && !settings.allowInsecureConnections ? 'https' : 'http'}://azureml-fe.azureml.svc`, address };
}

/** Scoring URI bases per cluster, read once per list. */
async function scoringBases(db: DbOrTx, clusterIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of [...new Set(clusterIds)]) {
    const [c] = await db.select().from(clusters).where(eq(clusters.id, id)).limit(1);
    if (!c) continue;
    const ext = await extensionRow(db, id);
    out.set(id, (await scoringBase(c, ext?.settings ? (ext.settings as ExtensionSettings) : null)).base);
  }
  return out;
}

export const scoringUri = (base: string, endpoint: string) => `${base}/api/v1/endpoint/${endpoint}/score`;

function endpointDto(row: EndpointRow, target: { name: string; cluster: string }, workspace: string, deps: DeploymentRow[], base: string, createdBy: string | null): OnlineEndpointDto {
  return {
    name: row.name,
    workspace,
    computeTarget: target.name,
    cluster: target.cluster,
    authMode: row.authMode,
    description: row.description,
    tags: row.tags,
    traffic: Object.fromEntries(deps.map((d) => [d.name, row.traffic[d.name] ?? 0])),
    mirrorTraffic: row.mirrorTraffic,
    scoringUri: scoringUri(base, row.name),
    provisioningState: row.provisioningState,
    provisioningMessage: row.provisioningMessage,
    deployments: deps.map((d) => ({ name: d.name, state: d.state, readyReplicas: d.readyReplicas, desiredReplicas: d.desiredReplicas })),
    createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The workspace's endpoints (or the one named) with their deployments' states (no keys). */
async function endpointDtos(db: DbOrTx, workspace: string, name?: string): Promise<OnlineEndpointDto[]> {
  const ws = await workspaceRow(db, workspace);
  const rows = await db
    .select({ e: onlineEndpoints, target: computeTargets.name, cluster: clusters.name, email: users.email })
    .from(onlineEndpoints)
    .innerJoin(computeTargets, eq(computeTargets.id, onlineEndpoints.computeTargetId))
    .innerJoin(clusters, eq(clusters.id, onlineEndpoints.clusterId))
    .leftJoin(users, eq(users.id, onlineEndpoints.createdBy))
    .where(and(eq(onlineEndpoints.workspaceId, ws.id), name === undefined ? undefined : eq(onlineEndpoints.name, name)))
    .orderBy(asc(onlineEndpoints.name));
  const deps = await deploymentRows(db, rows.map((r) => r.e.id));
  const bases = await scoringBases(db, rows.map((r) => r.e.clusterId));
  return rows.map((r) =>
    endpointDto(r.e, { name: r.target, cluster: r.cluster }, workspace, deps.filter((d) => d.endpointId === r.e.id), bases.get(r.e.clusterId)!, r.email),
  );
}

/** Every endpoint of a workspace with its deployments' states (no keys). */
export const listEndpoints = (db: DbOrTx, workspace: string) => endpointDtos(db, workspace);

export async function getEndpoint(db: DbOrTx, workspace: string, name: string): Promise<OnlineEndpointDto> {
  const [found] = await endpointDtos(db, workspace, name);
  if (!found) throw new AppError('not_found', `no online endpoint ${name} in workspace ${workspace}`);
  return found;
}

/** Deployments as the API shows them; their creators and registered model versions are read in one query each. */
export async function deploymentDtos(db: DbOrTx, rec: EndpointRecord, rows: DeploymentRow[]): Promise<OnlineDeploymentDto[]> {
  const userIds = [...new Set(rows.flatMap((d) => (d.createdBy ? [d.createdBy] : [])))];
  const versionIds = [...new Set(rows.flatMap((d) => (d.modelVersionId ? [d.modelVersionId] : [])))];
  const emails = new Map((userIds.length ? await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds)) : []).map((u) => [u.id, u.email]));
  const versions = new Map(
    (versionIds.length
      ? await db.select({ id: modelVersions.id, version: modelVersions.version, name: models.name }).from(modelVersions).innerJoin(models, eq(models.id, modelVersions.modelId)).where(inArray(modelVersions.id, versionIds))
      : []
    ).map((v) => [v.id, { name: v.name, version: v.version }]),
  );
  const modelOf = (d: DeploymentRow): OnlineDeploymentDto['model'] => {
    const registered = d.modelVersionId ? versions.get(d.modelVersionId) : undefined;
    if (registered) return registered;
    const m = d.spec.model;
    if (!m) return null;
    return m.kind === 'path' ? { path: m.path } : { name: m.name, version: m.version ?? 'latest' };
  };
  return rows.map((d) => ({
    name: d.name,
    endpoint: rec.row.name,
    workspace: rec.target.workspace,
    computeTarget: rec.target.row.name,
    cluster: rec.target.cluster.name,
    namespace: rec.target.ref.namespace,
    objectName: d.objectName,
    state: d.state,
    reasons: d.reasons,
    readyReplicas: d.readyReplicas,
    desiredReplicas: d.desiredReplicas,
    trafficPercent: rec.row.traffic[d.name] ?? 0,
    instanceType: d.instanceType,
    model: modelOf(d),
    image: d.spec.environment.image,
    spec: d.spec,
    createdBy: d.createdBy ? (emails.get(d.createdBy) ?? null) : null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}

export const deploymentDto = async (db: DbOrTx, rec: EndpointRecord, d: DeploymentRow): Promise<OnlineDeploymentDto> => (await deploymentDtos(db, rec, [d]))[0];

export async function listDeployments(db: DbOrTx, workspace: string, endpoint: string): Promise<OnlineDeploymentDto[]> {
  const rec = await getEndpointRecord(db, workspace, endpoint);
  return deploymentDtos(db, rec, await deploymentRows(db, [rec.row.id]));
}

export async function getDeployment(db: DbOrTx, workspace: string, endpoint: string, name: string): Promise<OnlineDeploymentDto> {
  const rec = await getEndpointRecord(db, workspace, endpoint);
  return deploymentDto(db, rec, await getDeploymentRow(db, rec.row, name));
}

// --- traffic --------------------------------------------------------------------------------------

/**
 * Traffic and mirror traffic against the endpoint's deployments: every name must be a deployment, percentages
 * integers 0–100 summing to 0 or 100; mirror at most one deployment, ≤ 50 %, not one that takes live traffic.
 */
export function trafficProblems(traffic: Record<string, number>, mirror: Record<string, number>, deployments: readonly string[], endpoint: string): JobIssue[] {
  const errors: JobIssue[] = [];
  let sum = 0;
  for (const [d, p] of Object.entries(traffic)) {
    if (!deployments.includes(d)) errors.push({ path: `traffic.${d}`, message: `endpoint ${endpoint} has no deployment ${d}${deployments.length ? ` (it has ${deployments.join(', ')})` : ' (create the deployment first, then give it traffic)'}` });
    if (!Number.isInteger(p) || p < 0 || p > 100) errors.push({ path: `traffic.${d}`, message: `${p} is not a whole percentage from 0 to 100` });
    else sum += p;
  }
  if (!errors.length && sum !== 0 && sum !== 100) errors.push({ path: 'traffic', message: `the percentages sum to ${sum}; they must sum to 100 (or 0: no traffic)` });
  const mirrored = Object.entries(mirror).filter(([, p]) => p !== 0);
  if (mirrored.length > 1) errors.push({ path: 'mirror_traffic', message: `mirrors to ${mirrored.length} deployments; at most one deployment can receive mirrored traffic` });
  for (const [d, p] of Object.entries(mirror)) {
    if (!deployments.includes(d)) errors.push({ path: `mirror_traffic.${d}`, message: `endpoint ${endpoint} has no deployment ${d}` });
    if (!Number.isInteger(p) || p < 0 || p > 50) errors.push({ path: `mirror_traffic.${d}`, message: `${p} is not a whole percentage from 0 to 50 (Azure ML's limit for mirrored traffic)` });
    if (p > 0 && (traffic[d] ?? 0) > 0) errors.push({ path: `mirror_traffic.${d}`, message: `deployment ${d} takes ${traffic[d]} % of live traffic; a deployment cannot also receive mirrored traffic` });
  }
  return errors;
}

// --- endpoints: prepare -----------------------------------------------------------------------------

export interface PreparedEndpoint {
  spec: OnlineEndpointSpec;
  target: ComputeTargetRecord;
  placement: JobPlacement;
  warnings: JobIssue[];
  source: { format: 'yaml' | 'json'; text: string };
}

function parseEndpointSource(source: EndpointSource, compute?: string) {
  return source.format === 'yaml' ? parseEndpointYaml(source.text, { compute }) : normalizeEndpoint(source.document, { compute });
}

/** Whether inference runs on the target's cluster: refused when its extension has enableInference=false. */
function checkInference(target: ComputeTargetRecord, p: JobPlacement, warnings: JobIssue[]) {
  if (p.extensionStatus === 'installed' && !p.settings.enableInference) {
    throw refuse([{ path: 'compute', message: `inference is not enabled on cluster ${target.cluster.name} (extension setting enableInference=false); an ops admin enables it` }]);
  }
  if (p.extensionStatus !== 'installed') {
    warnings.push({ path: 'compute', message: `the ML extension is not installed on cluster ${target.cluster.name} (${p.extensionStatus}): the endpoint is recorded, and served once an ops admin installs it with enableInference=true` });
  }
}

/** Validates an endpoint document for create (existing undefined) or update; nothing is written. */
export async function prepareEndpoint(db: DbOrTx, req: { workspace: string; source: EndpointSource; compute?: string; name?: string }, existing?: EndpointRecord): Promise<PreparedEndpoint> {
  const parsed = parseEndpointSource(req.source, req.compute ?? existing?.target.row.name);
  if (!parsed.ok) throw refuse(parsed.errors);
  const spec = parsed.spec;
  const warnings = [...parsed.warnings];
  if (req.name !== undefined && spec.name !== req.name) throw refuse([{ path: 'name', message: `the file names endpoint "${spec.name}" but the request is for "${req.name}"` }]);
  const ws = await workspaceRow(db, req.workspace);
  const target = await resolveTarget(db, req.workspace, spec.compute, warnings);
  if (existing && existing.target.row.id !== target.row.id) {
    throw refuse([{ path: 'compute', message: `an endpoint cannot move: ${spec.name} is on compute target ${existing.target.row.name}, the file names ${target.row.name} (create a new endpoint there)` }]);
  }
  const placement = await jobPlacement(db, target, 3000);
  checkInference(target, placement, warnings);
  if (!existing) {
    const [dup] = await db.select({ workspaceId: onlineEndpoints.workspaceId }).from(onlineEndpoints).where(and(eq(onlineEndpoints.clusterId, target.cluster.id), eq(onlineEndpoints.name, spec.name))).limit(1);
    if (dup) {
      const where = dup.workspaceId === ws.id ? `workspace ${req.workspace}` : `cluster ${target.cluster.name} (in another workspace; endpoint names are unique per cluster, as in Azure ML, since the router serves /api/v1/endpoint/<name>/score)`;
      throw new AppError('conflict', `name: an online endpoint named ${spec.name} already exists in ${where}; choose another name`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
    }
    const [dupWs] = await db.select({ id: onlineEndpoints.id }).from(onlineEndpoints).where(and(eq(onlineEndpoints.workspaceId, ws.id), eq(onlineEndpoints.name, spec.name))).limit(1);
    if (dupWs) throw new AppError('conflict', `name: an online endpoint named ${spec.name} already exists in workspace ${req.workspace}`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
  }
  const deps = existing ? (await deploymentRows(db, [existing.row.id])).map((d) => d.name) : [];
  const problems = trafficProblems(spec.traffic ?? existing?.row.traffic ?? {}, spec.mirrorTraffic ?? existing?.row.mirrorTraffic ?? {}, deps, spec.name);
  if (problems.length) throw refuse(problems);
  const text = req.source.format === 'yaml' ? req.source.text : JSON.stringify(req.source.document, null, 2);
  return { spec, target, placement, warnings, source: { format: req.source.format, text } };
}

// --- deployments: prepare -----------------------------------------------------------------------------

export interface PreparedDeployment {
  spec: OnlineDeploymentSpec;
  endpoint: EndpointRecord;
  instanceType: InstanceTypeSpec;
  objectName: string;
  objects: KubeObject[];
  modelVersionId: string | null;
  code?: { data: Buffer; sha256: string; size: number; files: number };
  codeSha256: string | null;
  warnings: JobIssue[];
  source: { format: 'yaml' | 'json'; text: string };
}

function parseDeploymentSource(source: EndpointSource, endpointName: string) {
  return source.format === 'yaml' ? parseDeploymentYaml(source.text, { endpointName }) : normalizeDeployment(source.document, { endpointName });
}

/** An environment reference (azureml:name:version, curated) → its image; refused at `environment` when unknown. */
async function resolveEnvironmentImage(db: DbOrTx, workspace: string, spec: OnlineDeploymentSpec): Promise<string> {
  const ref = spec.environment.reference;
  if (spec.environment.image || !ref) return spec.environment.image;
  const parsed = parseEnvironmentReference(ref);
  if (!parsed.ok) throw refuse([{ path: 'environment', message: parsed.message }]);
  if (parsed.ref.kind === 'curated') {
    const img = curatedImage(parsed.ref);
    if (!img.ok) throw refuse([{ path: 'environment', message: img.message }]);
    return img.image;
  }
  if (parsed.ref.kind === 'registry') throw refuse([{ path: 'environment', message: `registry environments (${ref}) cannot be resolved here; register the environment in the workspace or give an inline image` }]);
  const envs = await listEnvironments(db, workspace);
  const hit = environmentLookup(envs)(parsed.ref);
  if (!hit) throw refuse([{ path: 'environment', message: `no environment ${ref} in workspace ${workspace}${envs.length ? `; registered: ${[...new Set(envs.map((e) => e.name))].join(', ')}` : ''}` }]);
  return hit.image;
}

/**
 * Validates a deployment (create, or update of `existing`) and computes its Kubernetes objects; nothing is written.
 * `deploymentId` is the record's id (new or existing): the code fetch token is issued for it.
 */
export async function prepareDeployment(
  db: DbOrTx,
  req: { workspace: string; endpoint: string; source: EndpointSource; upload: Upload; origin?: string; name?: string; deploymentId: string },
  existing?: DeploymentRow,
): Promise<PreparedDeployment> {
  const rec = await getEndpointRecord(db, req.workspace, req.endpoint);
  const parsed = parseDeploymentSource(req.source, rec.row.name);
  if (!parsed.ok) throw refuse(parsed.errors);
  let spec = parsed.spec;
  const warnings: JobIssue[] = [...parsed.warnings];
  if (req.name !== undefined && spec.name !== req.name) throw refuse([{ path: 'name', message: `the file names deployment "${spec.name}" but the request is for "${req.name}"` }]);
  if (!existing) {
    const [dup] = await db.select({ id: onlineDeployments.id }).from(onlineDeployments).where(and(eq(onlineDeployments.endpointId, rec.row.id), eq(onlineDeployments.name, spec.name))).limit(1);
    if (dup) throw new AppError('conflict', `name: endpoint ${rec.row.name} already has a deployment named ${spec.name}; update it (PUT …/deployments/${spec.name}) or choose another name`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
  }
  const target = rec.target;
  const placement = await jobPlacement(db, target, 3000);
  checkInference(target, placement, warnings);

  // --- environment, instance type, resources ---
  const image = await resolveEnvironmentImage(db, req.workspace, spec);
  spec = { ...spec, environment: { ...spec.environment, image } };
  const itName = spec.instanceType ?? target.row.defaultInstanceType ?? DEFAULT_INSTANCE_TYPE_NAME;
  const instanceType = resolveInstanceType(target, placement, itName, 'instance_type');
  const fit = checkResourcesFit(spec.resources, instanceType);
  if (fit.length) throw refuse(fit);
  if (existing && existing.instanceType !== itName) {
    warnings.push({ path: 'instance_type', message: `instance type changes from ${existing.instanceType} to ${itName}: the pods are replaced one at a time (a new pod must be ready before an old one stops)` });
  }

  // --- model ---
  let modelVersionId: string | null = null;
  let model: Parameters<typeof onlineDeploymentManifests>[0]['model'];
  if (spec.model?.kind === 'registered') {
    const r = await resolveModelReference(db, req.workspace, spec.model.name, spec.model.version, spec.model.label);
    if (!r.ok) throw refuse([{ path: 'model', message: r.message }]);
    modelVersionId = r.row.id;
    const loc = r.row.location;
    if (loc.kind === 'job-output' && loc.storage?.claim && loc.storage.cluster === target.cluster.name && loc.storage.namespace === target.ref.namespace) {
      model = { kind: 'pvc', claimName: loc.storage.claim, subPath: loc.storage.path };
    } else {
      model = { kind: 'uri', uri: 'uri' in loc ? loc.uri : r.row.path };
    }
  } else if (spec.model?.kind === 'path') {
    model = { kind: 'uri', uri: spec.model.path };
  }

  // --- scoring code ---
  let code: PreparedDeployment['code'];
  let codeSha256: string | null = null;
  let codeInput: Parameters<typeof onlineDeploymentManifests>[0]['code'];
  const base = process.env.HARBORMASTER_PUBLIC_URL?.replace(/\/$/, '') ?? req.origin ?? 'http://harbormaster.invalid';
  const codeRef = spec.codeConfiguration?.code;
  if (codeRef) {
    const asset = CODE_ASSET_RE.exec(codeRef);
    if (/^git\+https:\/\//.test(codeRef)) {
      const m = /^git\+(https:\/\/[^@#]+?)(?:@([^@/]+))?$/.exec(codeRef);
      if (!m) throw refuse([{ path: 'code_configuration.code', message: `"${codeRef}" is not git+https://<host>/<repo>.git[@<ref>]` }]);
      codeInput = { kind: 'git', url: m[1], ref: m[2] };
    } else if (asset) {
      const ws = await workspaceRow(db, req.workspace);
      if (!(await getWorkspaceCodeAsset(db, ws.id, asset[1]))) throw refuse([{ path: 'code_configuration.code', message: `no uploaded code ${codeRef} in workspace ${req.workspace}; upload it with POST /api/v1/workspaces/${req.workspace}/code` }]);
      codeSha256 = asset[1];
    } else if (/^[a-z][a-z0-9+.-]*:/i.test(codeRef)) {
      throw refuse([{ path: 'code_configuration.code', message: `"${codeRef}" is not supported: use a local folder uploaded with the deployment, azureml:code-<sha256> (POST …/code), or git+https://…` }]);
    } else {
      const files = req.upload.files.length || req.upload.codeArchive ? await codeFilesFor(req.upload, codeRef) : [];
      if (!files.length) throw refuse([{ path: 'code_configuration.code', message: `"${codeRef}" is a local folder and its files did not come with the request: upload the folder (or a zip of it) with the deployment, or use git+https://…` }]);
      const snap = await snapshotOf(files);
      code = { data: snap.data, ...snap.blob };
      codeSha256 = snap.blob.sha256;
    }
    if (codeSha256) codeInput = { kind: 'fetch', url: `${base}/api/v1/code/${codeSha256}`, secretName: `${deploymentObjectName(rec.row.name, spec.name)}-code` };
  }

  // --- objects ---
  let built: ReturnType<typeof onlineDeploymentManifests>;
  try {
    built = onlineDeploymentManifests({
      spec,
      endpointName: rec.row.name,
      target: target.ref,
      instanceType,
      settings: placement.settings,
      tolerations: jobTaints(instanceType, placement),
      model,
      code: codeInput,
      annotations: simulationAnnotations(spec.tags),
    });
  } catch (e) {
    const field = (e as { field?: string }).field;
    if (field) throw refuse([{ path: field, message: (e as Error).message.replace(`${field}: `, '') }]);
    throw e;
  }
  warnings.push(...built.warnings.map((message) => ({ path: '', message })));
  const objects = [...built.objects];
  if (codeInput?.kind === 'fetch') {
    const token = issueFetchToken(req.deploymentId, Date.now(), DEPLOYMENT_CODE_TOKEN_TTL_SECONDS);
    objects.unshift(
      kubeObject({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: codeInput.secretName, namespace: target.ref.namespace, labels: (built.objects[0].metadata.labels ?? {}) as Record<string, string> },
        type: 'Opaque',
        stringData: { token },
      } as never),
    );
  }
  const text = req.source.format === 'yaml' ? req.source.text : JSON.stringify(req.source.document, null, 2);
  return { spec, endpoint: rec, instanceType, objectName: built.objectName, objects, modelVersionId, code, codeSha256, warnings, source: { format: req.source.format, text } };
}

/**
 * The API server's verdict on a deployment's objects (server-side dry run, nothing stored): a refusal names the
 * object and field; an unreachable cluster is a warning (the objects were only checked by Harbormaster).
 */
export async function dryRunObjects(db: DbOrTx, target: ComputeTargetRecord, objects: KubeObject[]): Promise<JobIssue[]> {
  const cluster = await getClusterRow(db, target.cluster.name);
  const r = await applyPlan(liveCache(cluster).client, applySteps(objects), { dryRun: true, timeoutMs: 8000 });
  if (r.unreachable) return [{ path: 'compute', message: `cluster ${cluster.name} could not be reached (${r.message}); the objects were validated by Harbormaster but not by the API server` }];
  if (!r.ok) throw refuse(planFieldErrors(r), `the API server refused the deployment's objects: ${r.message}`);
  return [];
}

/** Stores the uploaded scoring code (quota-checked) and binds it to the workspace; inside the caller's transaction. */
export async function storeDeploymentCode(tx: DbOrTx, workspace: string, p: PreparedDeployment): Promise<void> {
  const ws = await workspaceRow(tx, workspace);
  if (p.code) await storeBlobs(tx, ws, [{ data: p.code.data, files: p.code.files }], 'code_configuration.code');
  else if (p.codeSha256) await bindBlob(tx, ws.id, p.codeSha256);
}

/** What a deployment's objects are, for deleting them (HPA, Service, Deployment, code Secret). */
export function deploymentObjectRefs(namespace: string, objectName: string): ObjectRef[] {
  return [
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: objectName, namespace },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: objectName, namespace },
    { apiVersion: 'v1', kind: 'Service', name: objectName, namespace },
    { apiVersion: 'v1', kind: 'Secret', name: `${objectName}-code`, namespace },
  ];
}

/** The state a freshly recorded or updated deployment shows until the status reconciler reads its pods. */
export const initialState = (existing?: DeploymentRow): DeploymentState => (existing ? 'Updating' : 'Provisioning');

export async function clusterOfEndpoint(db: DbOrTx, row: EndpointRow) {
  const [c] = await db.select({ id: clusters.id, name: clusters.name }).from(clusters).where(eq(clusters.id, row.clusterId)).limit(1);
  return c;
}

import 'server-only';
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { V1Secret } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ComputeTargetRef, type InstanceTypeSpec } from '@/lib/domain';
import { normalizeJob, parseJobYaml, type JobIssue, type JobParseOptions, type JobParseResult, type JobSpec, type JobInput, type SweepJobSpec, type TrialSpec } from '@/lib/aml/job-spec';
import { JOB_NAME_RE } from '@/lib/aml/job-yaml-schema';
import { loadPyYaml } from '@/lib/aml/yaml';
import { DEFAULT_INSTANCE_TYPE, DEFAULT_INSTANCE_TYPE_NAME, type ListedInstanceType } from '@/lib/instance-types';
import type { DbOrTx } from '../db';
import { jobs, jobTransitions, workspaces } from '../db/schema';
import { env } from '../env';
import { AppError, isAppError, type FieldError } from '../errors';
import { jobManifests, ManifestError, type JobManifestInput, type ResolvedInput } from '../kube/manifests/job';
import { sweepPlan, sweepTrialManifests, type SweepTrial } from '../kube/manifests/sweep.job';
import { generateMpiSshKeys, mpiSshSecret, mpiSshSecretName } from '../kube/manifests/mpi-ssh.job';
import { jobObjectName, labelValue, trialObjectName } from '../kube/manifests/names.job';
import type { ComputeBackend, JobPlan } from '../compute/backend';
import { kubeObject, type KubeObject, type PlanStep } from '../kube/plan';
import { KubernetesBackend } from '../compute/kubernetes-backend';
import { AzureMlBackend } from '../compute/azureml-backend';
import { allowsInstanceType, getComputeTarget, listComputeTargets, type ComputeTargetRecord, type ComputeTargetRow } from './compute-targets';
import { azureJobTarget } from './compute-targets-azure';
import { environmentLookup, listEnvironments } from './environments';
import { bindBlob, checkCodeQuota, codeFilesFor, getWorkspaceCodeAsset, hasFolder, inputFileFor, issueFetchToken, snapshotOf, storeBlobs, type ArchiveFile, type Upload } from './code-assets';
import { sha256Hex } from './code-assets-archive';
import { MODEL_TYPES, resolveModelReference } from './models';
import { jobCapacity, jobPlacement, jobTaints, mlPvcs, refuse, resolveInstanceType, resolveTarget } from './jobs-placement';
import { liveCache, type ClusterRow } from './clusters';
import { getObject } from '../kube/apply';
import { clusterAppError } from '../kube/errors';

// Job submission (DESIGN §3 submitJob): one spec from three doors (Azure ML YAML, the JSON the form and the
// API send, multipart with the code), validated down to the leaf, placed on a compute target and an
// instance type, turned into the Kubernetes objects it becomes, checked by the API server, then created.
//
//   prepareJob   parse + normalize + resolve (compute target, instance type, environment, code, inputs,
//                outputs) + objects + warnings; throws a 400 naming every refused field
//   submitJob    stores the code, records the job and hands the objects to the target's backend
// Warnings never block (local files not sent with a dry run, no capacity now, quota used up now, an unused
// input); a real submit refuses what a dry run only warns about when it concerns missing files.

export type JobSource = { format: 'yaml'; text: string } | { format: 'json'; document: unknown };

export interface JobRequest {
  workspace: string;
  source: JobSource;
  upload: Upload;
  /** The console's address as the request reached it; HARBORMASTER_PUBLIC_URL wins. Pods fetch code from it. */
  origin?: string;
}

export interface Placement {
  computeTarget: string;
  cluster: string;
  namespace: string;
  instanceType: { name: string; nodeSelector: Record<string, string>; resources: InstanceTypeSpec['resources'] };
  instanceCount: number;
  /** Instances that could start now (nodes and quota), when the cluster could be read. */
  canStartNow?: number;
  reachable: boolean;
}

export interface PreparedJob {
  id: string;
  name: string;
  spec: JobSpec;
  warnings: JobIssue[];
  target: ComputeTargetRecord;
  placement: Placement;
  /** The objects to create (with Secret values); for a sweep, those of its first trials. */
  objects: KubeObject[];
  runContext: RunContext;
  code?: { data: Buffer; sha256: string; size: number; files: number };
  inputFiles: Record<string, { data: Buffer; sha256: string }>;
  /** The upload field a refusal of the stored files names (`code` for an archive, else `files`). */
  uploadField: 'code' | 'files';
  source: { format: 'yaml' | 'json'; text: string };
  cluster: ClusterRow;
}

/** `code: azureml:code-<sha256>[:1]` names a snapshot uploaded on its own (POST …/code answers this reference). */
export const CODE_ASSET_RE = /^azureml:code-([0-9a-f]{64})(?::1)?$/;


/** Secret values never leave the server: shown objects carry this instead. */
export const REDACTED = '<redacted>';

export function redactObjects(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Secret') return o;
    const r = (m: unknown) => (m && typeof m === 'object' ? Object.fromEntries(Object.keys(m).map((k) => [k, REDACTED])) : m);
    return { ...o, ...(o.stringData ? { stringData: r(o.stringData) } : {}), ...(o.data ? { data: r(o.data) } : {}) };
  });
}

function parseSource(source: JobSource, opts: JobParseOptions): JobParseResult {
  return source.format === 'yaml' ? parseJobYaml(source.text, opts) : normalizeJob(source.document, opts);
}

/** The raw document (for questions the normalized spec no longer answers, e.g. where resources were written). */
function rawDocument(source: JobSource): Record<string, unknown> {
  if (source.format === 'json') return (source.document && typeof source.document === 'object' ? source.document : {}) as Record<string, unknown>;
  const r = loadPyYaml(source.text);
  return r.ok ? r.value : {};
}

const trialOf = (spec: JobSpec): TrialSpec => (spec.type === 'sweep' ? spec.trial : spec);

function generatedName(spec: JobSpec): string {
  const base = (spec.displayName ?? spec.experimentName ?? 'job')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return `${base || 'job'}-${randomBytes(4).readUInt32BE().toString(36).padStart(7, '0').slice(-7)}`;
}

/** Where pods fetch uploaded files from. */
function publicBase(origin: string | undefined): { base: string; configured: boolean } {
  const e = env();
  if (e.HARBORMASTER_PUBLIC_URL) return { base: e.HARBORMASTER_PUBLIC_URL.replace(/\/+$/, ''), configured: true };
  return { base: (origin ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''), configured: false };
}

/**
 * The backend that runs jobs on a target: the target's (compute_targets.backend) — `azureml` for targets attached
 * through Azure ML, else `kubernetes`. Without a target (logs of a cluster's pods): kubernetes.
 */
export function backendFor(row: ClusterRow, target?: Pick<ComputeTargetRow, 'backend' | 'azureComputeId' | 'azureComputeName'> | null): ComputeBackend {
  const kube = new KubernetesBackend(() => liveCache(row).client, () => undefined, `cluster ${row.name}`);
  if (target?.backend === 'azureml') return new AzureMlBackend(target, (...a) => kube.streamLogs(...a));
  return kube;
}

function tokenSecret(objectName: string, target: ComputeTargetRef, token: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: `${objectName}-code`,
      namespace: target.namespace,
      labels: {
        [LABELS.managedBy]: MANAGED_BY,
        [LABELS.workspace]: labelValue(target.workspace),
        [LABELS.compute]: labelValue(target.name),
        [LABELS.job]: objectName,
      },
      annotations: { 'harbormaster.io/purpose': 'fetches this job’s uploaded code and input files from Harbormaster (expires)' },
    },
    stringData: { token },
  };
}

/**
 * Everything a job's objects are rendered from besides its spec: placement, extension settings, storage, where
 * pods fetch uploaded files, the resolved inputs. A sweep keeps it (jobs.run_context) so that its controller
 * renders trial i later exactly as the first trials were; it holds no secret (tokens and MPI keys are made
 * when the objects are).
 */
export interface RunContext {
  manifest: Omit<JobManifestInput, 'spec' | 'jobName' | 'codeFetch' | 'inputs' | 'mpiSshSecretName'>;
  /** Pods fetch the uploaded code from here (with the job's token). */
  codeUrl?: string;
  /** Pods fetch uploaded files, so each Job gets a token Secret. */
  fetch: boolean;
  /** Inputs resolved to URLs or PVCs (a URL's secret is the Job's token Secret). */
  inputs: Record<string, ResolvedInput>;
  /** Multi-node MPI: each Job gets its own ssh key Secret. */
  mpi: boolean;
}

/** Secrets of one Job: the code fetch token (issued for the record that owns the uploaded files) and MPI keys. */
export interface JobSecrets {
  token?: string;
  mpiKeys?: { privateKey: string; publicKey: string };
}

/** A Job's objects and their dependents (token Secret, MPI key Secret) from a run context. */
function renderWithDependents(ctx: RunContext, jobName: string, objectName: string, secrets: JobSecrets, render: (extra: Partial<JobManifestInput>) => KubeObject[]): KubeObject[] {
  const secretName = `${objectName}-code`;
  const inputs = Object.fromEntries(Object.entries(ctx.inputs).map(([k, v]) => [k, v.kind === 'url' ? { ...v, secretName } : v]));
  const objs = render({
    codeFetch: ctx.codeUrl ? { url: ctx.codeUrl, secretName } : undefined,
    inputs,
    mpiSshSecretName: ctx.mpi ? mpiSshSecretName(jobName) : undefined,
  });
  if (ctx.fetch) objs.push(kubeObject(tokenSecret(objectName, ctx.manifest.target, secrets.token ?? '<issued at submit>')));
  if (ctx.mpi) objs.push(kubeObject(mpiSshSecret(jobName, ctx.manifest.target, secrets.mpiKeys ?? { privateKey: '<generated at submit>', publicKey: '<generated at submit>' })));
  return objs;
}

/** The objects of trial `index` of a sweep (its parameters sampled from the search space). */
export function renderTrial(ctx: RunContext, spec: SweepJobSpec, sweepName: string, index: number, secrets: JobSecrets): SweepTrial & { objects: KubeObject[] } {
  let trial: SweepTrial | undefined;
  const objects = renderWithDependents(ctx, trialObjectName(sweepName, index), trialObjectName(sweepName, index), secrets, (extra) => {
    trial = sweepTrialManifests({ ...ctx.manifest, ...extra, spec, sweepName, trialIndex: index });
    return trial.objects.map(kubeObject);
  });
  return { ...trial!, objects };
}

/** Fresh secrets for a Job of the record `ownerId` (whose uploaded files the token may fetch). */
export function issueSecrets(ctx: RunContext, ownerId: string): JobSecrets {
  return { token: ctx.fetch ? issueFetchToken(ownerId) : undefined, mpiKeys: ctx.mpi ? generateMpiSshKeys() : undefined };
}

/** Validates a job and computes everything it becomes; nothing is written. */
/** Job names are unique per workspace: 409 naming `name` (prepareJob, and again in the recording transaction). */
export async function assertJobNameFree(db: DbOrTx, workspace: string, name: string, workspaceId?: string) {
  const wsId = workspaceId ?? (await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, workspace)).limit(1))[0]?.id;
  if (!wsId) throw new AppError('not_found', `workspace ${workspace} not found`);
  const [dup] = await db.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.workspaceId, wsId), eq(jobs.name, name))).limit(1);
  if (dup) throw new AppError('conflict', `name: a job named ${name} already exists in ${workspace}; job names are unique, choose another or leave name out`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
}

export async function prepareJob(db: DbOrTx, req: JobRequest, opts: { dryRun: boolean }): Promise<PreparedJob> {
  const { dryRun } = opts;
  const envs = await listEnvironments(db, req.workspace);
  const lookup = environmentLookup(envs);

  // Pass 1 finds the local code folder, so that pass 2 can say whether its files came with the request.
  const first = parseSource(req.source, { dryRun: true, environments: lookup, hasLocalPath: () => true });
  const firstCode = first.ok ? trialOf(first.spec).code : undefined;
  const codePath = firstCode?.kind === 'local' ? firstCode.path : undefined;
  let codeFiles: ArchiveFile[] = [];
  if (codePath !== undefined && (req.upload.files.length || req.upload.codeArchive)) codeFiles = await codeFilesFor(req.upload, codePath);

  const parsed = parseSource(req.source, {
    dryRun,
    environments: lookup,
    hasLocalPath: (rel) => (rel === codePath ? codeFiles.length > 0 : !!inputFileFor(req.upload, rel) || hasFolder(req.upload, rel)),
  });
  if (!parsed.ok) throw refuse(parsed.errors);
  const warnings: JobIssue[] = [...parsed.warnings];
  const errors: JobIssue[] = [];
  let spec = parsed.spec;
  const raw = rawDocument(req.source);

  // --- name -------------------------------------------------------------------------------------
  const name = spec.name ?? generatedName(spec);
  if (!JOB_NAME_RE.test(name)) throw refuse([{ path: 'name', message: `"${name}" is not a valid job name` }]);
  const [ws] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, req.workspace)).limit(1);
  if (!ws) throw new AppError('not_found', `workspace ${req.workspace} not found`);
  await assertJobNameFree(db, req.workspace, name, ws.id);

  // --- compute target and instance type -----------------------------------------------------------
  const target = await resolveTarget(db, req.workspace, spec.compute, warnings);
  const trial = trialOf(spec);
  const itField = spec.type === 'sweep' && !raw.resources ? 'trial.resources.instance_type' : 'resources.instance_type';
  const itName = trial.resources.instanceType ?? target.row.defaultInstanceType ?? DEFAULT_INSTANCE_TYPE_NAME;
  const snap = await jobPlacement(db, target, 3000);
  const instanceType = resolveInstanceType(target, snap, itName, itField);
  if (!snap.live) {
    warnings.push({ path: 'compute', message: `cluster ${target.cluster.name} could not be read (${snap.problem ?? 'unreachable'}): capacity and quota were not checked` });
  }
  if (snap.extensionStatus === 'installed' && snap.settings.enableTraining === false) {
    throw refuse([{ path: 'compute', message: `training is not enabled on cluster ${target.cluster.name} (extension setting enableTraining=false); an ops admin enables it` }]);
  }
  const count = trial.resources.instanceCount;
  const concurrent = spec.type === 'sweep' ? sweepPlan(spec, name).maxConcurrentTrials : 1;

  // --- capacity and quota (warnings) ----------------------------------------------------------------
  const taints = jobTaints(instanceType, snap);
  const storage = await mlPvcs(snap, target.ref.namespace);
  const wanted = count * concurrent;
  const what = spec.type === 'sweep' ? `${concurrent} concurrent trial(s) × ${count} instance(s)` : `${count} instance(s)`;
  let capacity: Awaited<ReturnType<typeof jobCapacity>>;
  try {
    capacity = await jobCapacity(db, target, snap, itName);
  } catch (e) {
    warnings.push({ path: itField, message: `capacity was not computed: ${(e as Error).message}` });
  }
  if (capacity) {
    if (capacity.fit.maxReplicas === 0) {
      const why = capacity.fit.warnings.map((w) => w.message).join(' ');
      warnings.push({ path: itField, message: `no node of cluster ${target.cluster.name} can run an instance of ${itName}${why ? `: ${why}` : ''}; the job stays Queued until suitable nodes are added` });
    } else if (capacity.fit.maxReplicas < wanted) {
      warnings.push({ path: itField, message: `cluster ${target.cluster.name} holds at most ${capacity.fit.maxReplicas} instance(s) of ${itName} even when empty, fewer than the ${what} this job needs; it stays Queued until nodes are added` });
    } else if (capacity.fit.availableNow < wanted) {
      warnings.push({ path: itField, message: `no capacity right now: ${capacity.fit.availableNow} of the ${what} of ${itName} can start now; the job waits Queued until nodes free up` });
    }
    if (capacity.quotaAllows !== null && capacity.quotaAllows < wanted) {
      warnings.push({ path: 'compute', message: `quota exhausted now: the quota of ${target.row.name} leaves room for ${capacity.quotaAllows} of the ${what}; the job waits until running work finishes` });
    }
  }
  if (storage.problem) warnings.push({ path: 'compute', message: `the namespace ${target.ref.namespace} could not be read: ${storage.problem}` });

  // --- code and local files -----------------------------------------------------------------------
  const id = randomUUID();
  const { base, configured } = publicBase(req.origin);
  const blobUrl = (sha: string, file?: string) => `${base}/api/v1/code/${sha}${file ? `/${encodeURIComponent(file)}` : ''}`;
  const pendingSha = 'pending-upload';
  let code: PreparedJob['code'];
  let uploadedCode: string | undefined;
  let needsFetch = false;
  const codeSpec = trial.code;
  const codeField = spec.type === 'sweep' ? 'trial.code' : 'code';
  if (codeSpec?.kind === 'local') {
    if (codeFiles.length > 0) {
      const snapData = await snapshotOf(codeFiles);
      code = { data: snapData.data, ...snapData.blob };
    } else if (!dryRun) {
      errors.push({ path: codeField, message: `"${codeSpec.path}" is a local folder and its files did not come with the submission: upload the folder (or a zip of it) with the job, or use git+https://…` });
    }
    needsFetch = true;
  } else if (codeSpec?.kind === 'url') {
    errors.push({ path: codeField, message: `code from a plain https:// URL is not supported; use git+https://<repo>.git@<ref> or upload the folder with the job` });
  } else if (codeSpec?.kind === 'asset' && CODE_ASSET_RE.test(codeSpec.reference)) {
    // A snapshot uploaded before with POST /api/v1/workspaces/{ws}/code.
    const sha = CODE_ASSET_RE.exec(codeSpec.reference)![1];
    // Only a snapshot this workspace uploaded: another workspace's looks exactly like one never uploaded.
    const asset = await getWorkspaceCodeAsset(db, ws.id, sha);
    if (!asset) errors.push({ path: codeField, message: `code snapshot ${sha.slice(0, 12)}… was never uploaded; upload it with POST /api/v1/workspaces/${req.workspace}/code` });
    else uploadedCode = sha;
    needsFetch = true;
  } else if (codeSpec?.kind === 'asset') {
    errors.push({ path: codeField, message: `code asset ${codeSpec.reference} is not known to Harbormaster (Azure ML code assets live in Azure); upload the folder with the job, or use git+https://…` });
  }
  if (req.upload.skipped.length) warnings.push({ path: codeField, message: `skipped ${req.upload.skipped.length} entr${req.upload.skipped.length === 1 ? 'y' : 'ies'} that are not regular files: ${req.upload.skipped.slice(0, 5).join(', ')}` });

  const resolved: Record<string, ResolvedInput> = {};
  const inputFiles: PreparedJob['inputFiles'] = {};
  const renderedInputs: Record<string, JobInput> = { ...spec.inputs };
  for (const [inputName, input] of Object.entries(spec.inputs)) {
    if (input.kind !== 'data') continue;
    const at = `inputs.${inputName}.path`;
    const loc = input.location as { kind: string };
    // Models: azureml:<name>:<version> and azureml:<name>@latest resolve against this workspace's registry.
    if ((MODEL_TYPES as readonly string[]).includes(input.type) && (loc.kind === 'asset' || loc.kind === 'registry-asset')) {
      if (loc.kind === 'registry-asset') {
        errors.push({ path: at, message: `${input.path}: models from Azure ML registries and the model catalog cannot be used with Kubernetes compute; register the model in workspace ${req.workspace} and use azureml:<name>:<version>` });
        continue;
      }
      const a = input.location as unknown as { name: string; version?: string; label?: string };
      const found = await resolveModelReference(db, req.workspace, a.name, a.version, a.label);
      if (!found.ok) {
        errors.push({ path: at, message: `${input.path}: ${found.message}` });
        continue;
      }
      const v = found.row.location;
      const storage = v.kind === 'job-output' ? v.storage : undefined;
      if (storage?.claim && storage.path && storage.cluster === target.cluster.name && storage.namespace === target.ref.namespace && input.mode !== 'direct') {
        // The job that made it wrote it to this namespace's PVC: mounted read-only where the input is expected.
        resolved[inputName] = { kind: 'pvc', claimName: storage.claim, subPath: storage.path };
      } else {
        renderedInputs[inputName] = { ...input, mode: 'direct', path: v.kind === 'upload' ? `${input.path} (uploaded files sha256:${v.sha256})` : v.uri };
        if (input.mode !== 'direct') {
          warnings.push({
            path: `inputs.${inputName}`,
            message: `model ${a.name}:${found.row.version} is at ${v.kind === 'upload' ? 'files uploaded to Harbormaster' : v.uri}${storage ? ` (${storage.claim ? `PVC ${storage.claim} in ${storage.cluster}/${storage.namespace}` : 'a pod’s scratch space, gone'})` : ''}, which this job's pods cannot mount; the command gets the location as text (mode: direct)`,
          });
        }
      }
      continue;
    }
    if (input.mode === 'direct') continue;
    if (loc.kind === 'local') {
      if (input.type !== 'uri_file') {
        errors.push({ path: at, message: `"${input.path}" is a local ${input.type}: only single files can be uploaded as inputs; put the folder inside the code folder and pass its relative path as a literal, or use storage (https://, wasbs://, abfss://)` });
        continue;
      }
      const file = inputFileFor(req.upload, input.path);
      if (file) {
        const sha = sha256Hex(file.data); // input files are stored as they are
        inputFiles[inputName] = { data: file.data, sha256: sha };
        resolved[inputName] = { kind: 'url', url: blobUrl(sha, file.path.split('/').pop()), secretName: '' };
      } else if (dryRun) {
        resolved[inputName] = { kind: 'url', url: blobUrl(pendingSha, input.path.split('/').pop()), secretName: '' };
      } else {
        errors.push({ path: at, message: `"${input.path}" is a local file and it did not come with the submission: upload it with the job (as ${input.path}), or point at storage` });
      }
      needsFetch = true;
      continue;
    }
    const fetchable = (loc.kind === 'url' || loc.kind === 'blob' || loc.kind === 'adls') && input.type === 'uri_file';
    if (!fetchable) {
      // Harbormaster cannot mount Azure datastores, data assets or storage folders: the command gets the URI.
      renderedInputs[inputName] = { ...input, mode: 'direct' };
      warnings.push({
        path: `inputs.${inputName}`,
        message: `${input.path} (${input.type}) cannot be mounted by Harbormaster (${loc.kind === 'asset' || loc.kind === 'registry-asset' ? 'data assets' : loc.kind === 'datastore' ? 'datastores' : loc.kind === 'job-output' ? 'outputs of other jobs' : 'folders over HTTPS'} are read through Azure ML); the command gets the URI as text (mode: direct) and reads it itself`,
      });
    }
  }
  // Nothing uploaded is dropped silently: files the job does not use are named.
  if (req.upload.codeArchive && codePath === undefined) {
    warnings.push({ path: 'files', message: `the uploaded archive ${req.upload.codeArchive.name} is not used: the job names no local code folder (code: <folder>)` });
  }
  const used = new Set<Buffer>([...codeFiles.map((f) => f.data), ...Object.values(inputFiles).map((f) => f.data)]);
  const unused = req.upload.files.filter((f) => !used.has(f.data));
  if (unused.length) {
    warnings.push({
      path: 'files',
      message: `${unused.length} uploaded file${unused.length === 1 ? ' is' : 's are'} not used by the job (not under its code folder${codePath ? ` "${codePath}"` : ''}, not a local input): ${unused.slice(0, 5).map((f) => f.path).join(', ')}${unused.length > 5 ? ', …' : ''}`,
    });
  }
  if (needsFetch && !configured) {
    warnings.push({ path: codeField, message: `HARBORMASTER_PUBLIC_URL is not set: pods fetch the uploaded files from ${base}, which must be reachable from cluster ${target.cluster.name}` });
  } else if (needsFetch && base.startsWith('http://')) {
    warnings.push({ path: codeField, message: `pods fetch the uploaded files over plain HTTP (${base}); set HARBORMASTER_PUBLIC_URL to an https:// address` });
  }
  if (errors.length) throw refuse(errors);
  const uploadField = req.upload.codeArchive ? 'code' : 'files';
  if (dryRun) {
    // A real submit checks the quota as it stores (recordJob); a dry run says now what it would answer.
    const blobs = [...(code ? [code] : []), ...Object.values(inputFiles).map((f) => ({ sha256: f.sha256, size: f.data.byteLength }))];
    await checkCodeQuota(db, { id: ws.id, name: req.workspace }, blobs, uploadField);
  }

  // --- outputs ---------------------------------------------------------------------------------------
  const outputNames = Object.keys(spec.outputs);
  const outputPvc = storage.pvcs[0];
  if (outputNames.length && !outputPvc && snap.live) {
    warnings.push({
      path: `outputs.${outputNames[0]}`,
      message: `no PVC labelled ml.azure.com/pvc=true in namespace ${target.ref.namespace}: outputs are written to the pod's scratch space and lost when it ends (an ops admin adds a labelled PVC)`,
    });
  }

  // --- the normalized spec as it runs, and its objects ---------------------------------------------
  const resolvedResources = { ...trial.resources, instanceType: itName };
  spec =
    spec.type === 'sweep'
      ? { ...spec, name, compute: target.row.name, inputs: renderedInputs, trial: { ...spec.trial, resources: resolvedResources } }
      : { ...spec, name, compute: target.row.name, inputs: renderedInputs, resources: resolvedResources };

  const codeUrl = blobUrl(code?.sha256 ?? uploadedCode ?? pendingSha);
  const runContext: RunContext = {
    manifest: {
      instanceType,
      target: target.ref,
      settings: snap.settings,
      tolerations: taints,
      outputVolume: outputNames.length && outputPvc ? { claimName: outputPvc.name } : undefined,
      pvcMounts: storage.pvcs.filter((p) => p.mountPath).map((p) => ({ claimName: p.name, mountPath: p.mountPath! })),
    },
    codeUrl: needsFetch && (codeSpec?.kind === 'local' || uploadedCode) ? codeUrl : undefined,
    fetch: needsFetch,
    inputs: resolved,
    mpi: trialOf(spec).distribution?.type === 'mpi' && count > 1,
  };
  // A dry run shows placeholders where secrets go; a real submit makes them (sweeps: per trial, when created).
  const secrets: JobSecrets = dryRun ? {} : issueSecrets(runContext, id);
  // A dry run with an environment that did not resolve (a warning says so) shows its objects with a
  // placeholder image that can never be pulled; a real submit was refused above.
  const unresolved = (env: TrialSpec['environment']): TrialSpec['environment'] =>
    env.image ? env : { ...env, image: `unresolved.invalid/${(env.reference ?? 'environment').replace(/^azureml:\/*/, '').replace(/[^A-Za-z0-9._/-]+/g, '-').toLowerCase()}:unresolved` };
  const renderSpec: JobSpec = spec.type === 'sweep' ? { ...spec, trial: { ...spec.trial, environment: unresolved(spec.trial.environment) } } : { ...spec, environment: unresolved(spec.environment) };
  let objects: KubeObject[] = [];
  try {
    if (renderSpec.type === 'command') {
      const s = renderSpec;
      objects = renderWithDependents(runContext, name, jobObjectName(name), secrets, (extra) => jobManifests({ ...runContext.manifest, ...extra, spec: s, jobName: name }).map(kubeObject));
    } else {
      // The first trials, as the API server checks them (the sweep's controller creates them and the rest).
      for (let i = 0; i < concurrent; i++) objects.push(...renderTrial(runContext, renderSpec, name, i, secrets).objects);
    }
  } catch (e) {
    if (e instanceof ManifestError) throw refuse([{ path: e.field, message: e.message.replace(`${e.field}: `, '') }]);
    throw e;
  }

  // The azureml backend creates nothing on the cluster itself: Azure ML does (its CommandJob goes through ARM).
  if (target.row.backend === 'azureml') objects = [];
  const source = req.source.format === 'yaml' ? { format: 'yaml' as const, text: req.source.text } : { format: 'json' as const, text: JSON.stringify(req.source.document, null, 2) };
  return {
    id,
    name,
    spec,
    warnings,
    target,
    placement: {
      computeTarget: target.row.name,
      cluster: target.cluster.name,
      namespace: target.ref.namespace,
      instanceType: { name: instanceType.name, nodeSelector: instanceType.nodeSelector, resources: instanceType.resources },
      instanceCount: count,
      canStartNow: capacity?.canStartNow,
      reachable: snap.live,
    },
    objects,
    runContext,
    code,
    inputFiles,
    uploadField,
    source,
    cluster: snap.row,
  };
}

/** The server-side dry run of the objects (or a warning when the cluster cannot be reached). */
export async function dryRunJob(prepared: PreparedJob): Promise<JobIssue[]> {
  const plan: JobPlan = { jobName: prepared.name, spec: prepared.spec, target: prepared.target.ref, objects: prepared.objects };
  // A Kubernetes Job of that name may already be there (left by another console's database, or made by hand):
  // Harbormaster never takes it over — say so plainly instead of the API server's "field is immutable".
  try {
    const client = liveCache(prepared.cluster).client;
    for (const o of prepared.objects.filter((x) => x.kind === 'Job')) {
      const existing = await getObject<{ metadata?: { creationTimestamp?: string; annotations?: Record<string, string> } }>(client, { apiVersion: 'batch/v1', kind: 'Job', name: o.metadata.name, namespace: o.metadata.namespace }, 8000);
      if (existing) {
        const msg = `a Kubernetes Job named ${o.metadata.name} already exists in namespace ${o.metadata.namespace} on cluster ${prepared.cluster.name} (created ${existing.metadata?.creationTimestamp ?? 'earlier'}), and no job of this workspace owns it: choose another job name, or have it deleted`;
        throw new AppError('conflict', `name: ${msg}`, { fieldErrors: [{ path: 'name', message: msg }] });
      }
    }
  } catch (e) {
    if (isAppError(e)) throw e;
    // Unreachable: the dry run below says so.
  }
  let outcome;
  const backend = backendFor(prepared.cluster, prepared.target.row);
  try {
    outcome = await backend.dryRun(plan);
  } catch (e) {
    return [{ path: 'compute', message: `the objects were not checked by the API server: ${(e as Error).message}` }];
  }
  const who = backend.kind === 'azureml' ? `compute target ${prepared.target.row.name} (attached through Azure ML) cannot run this job` : `the API server refused the job's objects`;
  if (outcome.errors.length) throw refuse(outcome.errors, `${who}: ${outcome.errors.map((e) => e.message).join('; ')}`);
  return outcome.warnings;
}

export type JobRow = typeof jobs.$inferSelect;

/** A Job created on a cluster: the record that owns it and the steps that create it (carried out after commit). */
export interface RecordedJob {
  row: JobRow;
  steps: PlanStep[];
  /** azureml backend: the change through ARM that submits it (an `azure.arm` intent) instead of steps. */
  azure?: { operation: 'job.submit'; args: Record<string, unknown> };
}

/**
 * Stores the files and records the job (NotStarted) inside the caller's transaction, and answers what to create
 * on its cluster: the action declares each as an effect, carried out after commit. A command job is one Job; a
 * sweep records its first trials (max_concurrent_trials of them) and its controller creates the others.
 */
export async function recordJob(tx: DbOrTx, prepared: PreparedJob, createdBy: string): Promise<{ row: JobRow; created: RecordedJob[] }> {
  const [ws] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, prepared.target.workspace)).limit(1);
  const inputEntries = Object.entries(prepared.inputFiles);
  // Stored for this workspace (within its quota, else nothing is written), in one go.
  await storeBlobs(tx, { id: ws.id, name: prepared.target.workspace }, [...(prepared.code ? [{ data: prepared.code.data, files: prepared.code.files }] : []), ...inputEntries.map(([, f]) => ({ data: f.data }))], prepared.uploadField);
  const referenced = (() => {
    const c = trialOf(prepared.spec).code;
    return c?.kind === 'asset' ? CODE_ASSET_RE.exec(c.reference)?.[1] : undefined;
  })();
  // A snapshot referenced (azureml:code-<sha>, a re-run) counts as used by this workspace now.
  if (!prepared.code && referenced) await bindBlob(tx, ws.id, referenced);
  const codeSha = prepared.code?.sha256 ?? referenced;
  const inputShas: Record<string, string> = Object.fromEntries(inputEntries.map(([k, f]) => [k, f.sha256]));
  const trial = trialOf(prepared.spec);
  const sweep = prepared.spec.type === 'sweep';
  const azureml = prepared.target.row.backend === 'azureml';
  const arm = azureml ? await azureJobTarget(tx, ws.id, prepared.target.row.id) : undefined;
  const message = azureml
    ? `submitting it to Azure ML (compute ${prepared.target.row.azureComputeName} on cluster ${prepared.cluster.name})`
    : sweep
      ? `starting its first trials on cluster ${prepared.cluster.name}`
      : `creating its Kubernetes objects on cluster ${prepared.cluster.name}`;
  const [row] = await tx
    .insert(jobs)
    .values({
      id: prepared.id,
      workspaceId: ws.id,
      name: prepared.name,
      displayName: prepared.spec.displayName ?? '',
      experimentName: prepared.spec.experimentName ?? '',
      type: prepared.spec.type,
      computeTargetId: prepared.target.row.id,
      computeName: prepared.target.row.name,
      clusterName: prepared.target.cluster.name,
      namespace: prepared.target.ref.namespace,
      instanceType: prepared.placement.instanceType.name,
      instanceCount: trial.resources.instanceCount,
      backend: prepared.target.row.backend,
      spec: prepared.spec,
      source: prepared.source.text,
      sourceFormat: prepared.source.format,
      codeSha256: codeSha ?? null,
      inputFiles: inputShas,
      objects: redactObjects(prepared.objects),
      warnings: prepared.warnings,
      status: 'NotStarted',
      statusMessage: message,
      createdBy,
      runContext: sweep ? prepared.runContext : null,
    })
    .returning();
  await tx.insert(jobTransitions).values({ jobId: row.id, status: 'NotStarted', message });
  if (prepared.spec.type === 'sweep') {
    const first = Array.from({ length: sweepPlan(prepared.spec, prepared.name).maxConcurrentTrials }, (_, i) => i);
    return { row, created: await recordTrials(tx, row, first, prepared.cluster) };
  }
  const plan: JobPlan = { jobName: prepared.name, spec: prepared.spec, target: prepared.target.ref, objects: prepared.objects };
  const backend = backendFor(prepared.cluster, prepared.target.row);
  if (backend instanceof AzureMlBackend && arm) {
    // The ARM job name is the job's name (Azure ML job names are unique in its workspace, as ours are in ours).
    const args = { ...arm, jobId: row.id, armJobName: row.name, body: backend.armJob(plan, prepared.target.workspace) };
    return { row, created: [{ row, steps: [], azure: { operation: 'job.submit', args } }] };
  }
  return { row, created: [{ row, steps: backend.submitSteps(plan) }] };
}

/** Name of trial `index` of sweep `sweepName` as Azure ML names child jobs: `<sweep>_<index>`. */
export const trialName = (sweepName: string, index: number) => `${sweepName}_${index}`;

/**
 * Records trials of a sweep (NotStarted) and answers the steps that create each one. The unique
 * (parent_job_id, trial_index) index makes a second attempt at the same trial fail instead of duplicating it.
 */
export async function recordTrials(tx: DbOrTx, sweep: JobRow, indices: number[], cluster: ClusterRow): Promise<RecordedJob[]> {
  const spec = sweep.spec as SweepJobSpec;
  const ctx = sweep.runContext as RunContext | null;
  if (!ctx) throw new AppError('conflict', `sweep ${sweep.name} has no recorded run context (submitted before trials were controlled); re-run it`);
  const out: RecordedJob[] = [];
  for (const index of indices) {
    const t = renderTrial(ctx, spec, sweep.name, index, issueSecrets(ctx, sweep.id));
    const name = trialName(sweep.name, index);
    const message = `creating its Kubernetes objects on cluster ${cluster.name}`;
    const trialSpec: JobSpec = {
      type: 'command',
      ...spec.trial,
      name,
      displayName: `${spec.displayName ?? sweep.name} · trial ${index}`,
      experimentName: spec.experimentName,
      description: spec.description,
      tags: spec.tags,
      properties: spec.properties,
      compute: spec.compute,
      inputs: spec.inputs,
      outputs: spec.outputs,
      limits: { timeoutSeconds: spec.limits.trialTimeoutSeconds },
    };
    const [row] = await tx
      .insert(jobs)
      .values({
        workspaceId: sweep.workspaceId,
        name,
        displayName: trialSpec.displayName ?? '',
        experimentName: sweep.experimentName,
        type: 'command',
        computeTargetId: sweep.computeTargetId,
        computeName: sweep.computeName,
        clusterName: sweep.clusterName,
        namespace: sweep.namespace,
        instanceType: sweep.instanceType,
        instanceCount: sweep.instanceCount,
        backend: sweep.backend,
        spec: trialSpec,
        source: '',
        sourceFormat: 'json',
        codeSha256: sweep.codeSha256,
        inputFiles: sweep.inputFiles,
        objects: redactObjects(t.objects),
        status: 'NotStarted',
        statusMessage: message,
        createdBy: sweep.createdBy,
        parentJobId: sweep.id,
        trialIndex: index,
        objectName: t.name,
        parameters: Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, v.value])),
      })
      .returning();
    await tx.insert(jobTransitions).values({ jobId: row.id, status: 'NotStarted', message });
    const plan: JobPlan = { jobName: name, spec: trialSpec, target: ctx.manifest.target, objects: t.objects };
    out.push({ row, steps: backendFor(cluster).submitSteps(plan) });
  }
  return out;
}


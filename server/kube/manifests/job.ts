import 'server-only';
// Kubernetes objects for a command job (and, through sweep.job.ts, for each trial of a sweep).
//
//   jobManifests({spec, jobName, instanceType, target, settings, …}) → [Job] or [Job, headless Service]
//
// One instance → a batch/v1 Job. Several (resources.instance_count > 1) → an Indexed Job with
// completions = parallelism = instance_count plus a headless Service, so pod i is reachable as
// `<job>-<i>.<service>` and the distribution's environment (PyTorch, TensorFlow, MPI) can name its peers.
// The objects follow Azure ML's Kubernetes compute where it is observable:
// - placement: the instance type's resources (a GPU request equals its limit), its nodeSelector AND the
//   extension's, tolerations for the taints passed in plus Azure ML's automatic ml.azure.com/* ones;
// - /dev/shm is a memory emptyDir sized from resources.shm_size (default 2g) — it counts against the memory
//   limit, as shared memory does on a node;
// - limits.timeout → activeDeadlineSeconds; the user's command failing fails the job at once (no retries of
//   a crashing script) while node disruptions (eviction, preemption, drain) are retried, like Azure ML's
//   automatic retry after node failures; init containers (code and data fetch) get 3 attempts;
// - files: code at /mnt/azureml/code (the working directory), inputs read-only under
//   /mnt/azureml/inputs/<name>, outputs under /mnt/azureml/outputs/<name>; PVCs the caller passes are
//   mounted like Azure ML mounts PVCs labelled ml.azure.com/pvc: "true".
// The functions are pure: no I/O, same input → same objects. Problems that only the caller can fix (an input
// nobody resolved, code that was not uploaded) throw ManifestError naming the field.

import type { V1Container, V1EnvVar, V1Job, V1Service, V1Toleration, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ComputeTargetRef, type ExtensionSettings, type InstanceTypeSpec, type Taint } from '@/lib/domain';
import { renderCommand } from '@/lib/aml/command-template';
import { rewriteImage } from '@/lib/extension/images';
import { amlWorkloadTolerations } from '@/lib/instance-types/tolerations';
import { fileNameOf } from '@/lib/aml/data-uri';
import type { CommandJobSpec, JobInput, TrialSpec } from '@/lib/aml/job-spec';
import { FETCH_CODE_SCRIPT, FETCH_GIT_SCRIPT, FETCH_INPUTS_SCRIPT, LAUNCHER_SCRIPT } from './launcher.job';
import { jobObjectName, labelValue } from './names.job';

export const MAIN_CONTAINER = 'main';
export const CODE_DIR = '/mnt/azureml/code';
export const INPUTS_DIR = '/mnt/azureml/inputs';
export const OUTPUTS_DIR = '/mnt/azureml/outputs';
export const PROXY_CA_DIR = '/etc/harbormaster/proxy-ca';
export const MPI_SSH_DIR = '/etc/harbormaster/mpi-ssh';
export const PORTS = { pytorch: 29500, tensorflow: 2222, mpiSsh: 2222 } as const;
/** Images of the helper containers; imageRegistry (air-gapped clusters) replaces their registry. */
export const FETCH_IMAGE = 'docker.io/curlimages/curl:8.11.1';
export const GIT_IMAGE = 'docker.io/alpine/git:2.47.2';
/** Annotation with the job name as the user wrote it (object names may be shortened). */
export const JOB_NAME_ANNOTATION = 'harbormaster.io/job-name';
/** The Job controller's annotation on pods of an Indexed Job. */
const COMPLETION_INDEX = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
const INIT_RETRIES = 3;

/** A problem with the inputs to jobManifests that the caller must fix; `field` is a dotted path. */
export class ManifestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ManifestError';
  }
}

/** Where the caller found the data of an input that is not a plain public URL. */
export type ResolvedInput =
  /** A PVC in the compute namespace holding the data (mounted read-only). */
  | { kind: 'pvc'; claimName: string; subPath?: string }
  /** An HTTPS URL of the file, with an optional bearer token in a Secret (key `token` unless given). */
  | { kind: 'url'; url: string; secretName?: string; secretKey?: string };

export interface JobManifestInput {
  /** The job (for a sweep trial: the trial spec with its parameters, see sweep.job.ts). */
  spec: Pick<CommandJobSpec, 'inputs' | 'outputs'> & Partial<Pick<CommandJobSpec, 'tags'>> & TrialSpec & { limits?: { timeoutSeconds?: number } };
  /** The Harbormaster job name; object names are derived from it (jobObjectName). */
  jobName: string;
  instanceType: InstanceTypeSpec;
  target: ComputeTargetRef;
  settings: ExtensionSettings;
  /** Taints on the nodes the instance type selects (e.g. nvidia.com/gpu on a GPU pool): tolerated. */
  tolerations?: Taint[];
  /** Azure resource group of the workspace, for Azure ML's ml.azure.com/resource-group toleration. */
  resourceGroup?: string;
  /** The uploaded code snapshot (gzip tarball) and the Secret holding the job-scoped token to fetch it. */
  codeFetch?: { url: string; secretName: string; secretKey?: string };
  /** Data inputs the caller resolved (data assets, datastores, folders, private files), by input name. */
  inputs?: Record<string, ResolvedInput>;
  /** PVC (labelled ml.azure.com/pvc: "true") that keeps outputs; without one outputs vanish with the pod. */
  outputVolume?: { claimName: string };
  /** PVCs labelled ml.azure.com/pvc: "true", mounted at their ml.azure.com/mountpath, as Azure ML does. */
  pvcMounts?: { claimName: string; mountPath: string; readOnly?: boolean }[];
  /** Secret with `id_rsa` and `authorized_keys` for multi-node MPI (see mpi-ssh.job.ts). */
  mpiSshSecretName?: string;
  /** Extra labels and annotations (e.g. the sweep a trial belongs to). */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** PVC sub-directory for this job's files; defaults to jobs/<job object name>. */
  storagePrefix?: string;
  /** Values for ${{search_space.x}} (sweep trials). */
  searchSpaceValues?: Record<string, string>;
}

/** A Kubernetes object as sent to the API server. */
export type JobObject = V1Job | V1Service;

function quantity(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}

function containerResources(it: InstanceTypeSpec): V1Container['resources'] {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const [k, v] of Object.entries(it.resources.requests ?? {})) if (v !== undefined) requests[k] = quantity(v);
  for (const [k, v] of Object.entries(it.resources.limits ?? {})) if (v !== undefined) limits[k] = quantity(v);
  // Extended resources (GPUs) cannot be overcommitted: Kubernetes requires request == limit. InstanceTypes
  // give GPUs in limits only; zero GPUs is no GPU.
  for (const k of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') continue;
    const v = limits[k] ?? requests[k];
    if (Number(v) === 0) {
      delete limits[k];
      delete requests[k];
    } else {
      limits[k] = v;
      requests[k] = v;
    }
  }
  return { requests, limits };
}

function nodeSelector(it: InstanceTypeSpec, settings: ExtensionSettings): Record<string, string> {
  const out: Record<string, string> = { ...settings.nodeSelector };
  for (const [k, v] of Object.entries(it.nodeSelector ?? {})) {
    if (k in out && out[k] !== v) {
      throw new ManifestError(
        'resources.instance_type',
        `instance type "${it.name}" selects nodes with ${k}=${v} but the ML extension pins workloads to ${k}=${out[k]}; no node can match both`,
      );
    }
    out[k] = v;
  }
  return out;
}

function tolerations(input: JobManifestInput): V1Toleration[] {
  // Azure ML's automatic tolerations for ML workloads, then the taints of the nodes the caller found.
  const list: V1Toleration[] = amlWorkloadTolerations({ workspace: input.target.workspace, compute: input.target.name, resourceGroup: input.resourceGroup });
  for (const t of input.tolerations ?? []) {
    list.push(t.value === undefined || t.value === '' ? { key: t.key, operator: 'Exists', effect: t.effect } : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect });
  }
  const seen = new Set<string>();
  return list.filter((t) => {
    const k = JSON.stringify([t.key, t.operator, t.value, t.effect]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function proxyEnv(settings: ExtensionSettings, extraNoProxy: string[]): V1EnvVar[] {
  const p = settings.proxy;
  if (!p || (!p.httpProxy && !p.httpsProxy)) return [];
  // In-cluster names must bypass the proxy, or ranks cannot reach each other (Azure ML's documented
  // failure: missing 127.0.0.1 in the skip range kills the job).
  const noProxy = [...new Set([...(p.noProxy ?? '').split(',').map((s) => s.trim()).filter(Boolean), 'localhost', '127.0.0.1', '.svc', '.svc.cluster.local', 'kubernetes.default.svc', ...extraNoProxy])].join(',');
  const env: V1EnvVar[] = [];
  for (const [name, value] of [['HTTP_PROXY', p.httpProxy], ['HTTPS_PROXY', p.httpsProxy], ['NO_PROXY', noProxy]] as const) {
    if (!value) continue;
    env.push({ name, value }, { name: name.toLowerCase(), value });
  }
  return env;
}

interface InputPlan {
  /** What ${{inputs.x}} becomes. */
  values: Record<string, string>;
  mounts: V1VolumeMount[];
  volumes: V1Volume[];
  /** "<url> <destination>" lines for the fetch init container, with optional token Secrets. */
  fetches: { url: string; dest: string; secretName?: string; secretKey?: string }[];
}

function planInputs(inputs: Record<string, JobInput>, resolved: Record<string, ResolvedInput>): InputPlan {
  const plan: InputPlan = { values: {}, mounts: [], volumes: [], fetches: [] };
  for (const [name, input] of Object.entries(inputs)) {
    if (input.kind === 'literal') {
      plan.values[name] = input.text;
      continue;
    }
    const field = `inputs.${name}`;
    const r = resolved[name];
    const loc = input.location as { kind: string; url?: string; httpsUrl?: string };
    if (input.mode === 'direct') {
      plan.values[name] = r?.kind === 'url' ? r.url : input.path;
      continue;
    }
    const dir = `${INPUTS_DIR}/${name}`;
    if (r?.kind === 'pvc') {
      const volume = `input-${plan.volumes.length}`;
      plan.volumes.push({ name: volume, persistentVolumeClaim: { claimName: r.claimName, readOnly: true } });
      plan.mounts.push({ name: volume, mountPath: dir, readOnly: true, ...(r.subPath ? { subPath: r.subPath } : {}) });
      plan.values[name] = dir;
      continue;
    }
    const url = r?.kind === 'url' ? r.url : loc.kind === 'url' ? loc.url : loc.kind === 'blob' || loc.kind === 'adls' ? loc.httpsUrl : undefined;
    if (!url) {
      throw new ManifestError(
        field,
        `${input.path} (${loc.kind}) must be resolved by the caller to a PVC or an HTTPS URL before the job can run`,
      );
    }
    if (input.type !== 'uri_file') {
      throw new ManifestError(field, `a ${input.type} input cannot be fetched from a URL (folders have no listing over plain HTTPS); resolve it to a PVC`);
    }
    const file = r?.kind === 'url' ? fileNameOf({ kind: 'url', url: r.url }) : fileNameOf(input.location as never);
    plan.fetches.push({ url, dest: `/work/inputs/${name}/${file}`, secretName: r?.kind === 'url' ? r.secretName : undefined, secretKey: r?.kind === 'url' ? r.secretKey : undefined });
    plan.mounts.push({ name: 'inputs', mountPath: dir, subPath: name, readOnly: true });
    plan.values[name] = `${dir}/${file}`;
  }
  return plan;
}

function envValue(name: string, value: string): V1EnvVar {
  return { name, value };
}

/** The Kubernetes objects that run a command job (or one sweep trial). */
/**
 * Tags `harbormaster.io/sim-*` become pod annotations: the local testbed's simulated nodes (KWOK stages) read
 * them to make a pod fail with an exit code, run for a given time or never start (tests, the demo). On a real
 * cluster nothing reads them.
 */
export function simulationAnnotations(tags: Record<string, string | null> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter(([k, v]) => k.startsWith('harbormaster.io/sim-') && typeof v === 'string') as Array<[string, string]>);
}

/** The ports of the TensorFlow tasks an instance runs (one per task, from 2222). */
function tfPorts(tasks: number, instances: number) {
  const perPod = Math.ceil(tasks / instances);
  return Array.from({ length: perPod }, (_, k) => ({ name: k === 0 ? 'rendezvous' : `tf-task-${k}`, containerPort: PORTS.tensorflow + k }));
}

export function jobManifests(input: JobManifestInput): JobObject[] {
  const { spec, target, settings, instanceType } = input;
  const name = jobObjectName(input.jobName);
  const count = spec.resources.instanceCount;
  const multi = count > 1;
  const service = name;
  const dist = spec.distribution;

  const labels: Record<string, string> = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.workspace]: labelValue(target.workspace),
    [LABELS.compute]: labelValue(target.name),
    [LABELS.job]: name,
    ...input.labels,
  };
  const annotations: Record<string, string> = { [JOB_NAME_ANNOTATION]: input.jobName, ...input.annotations };
  const metadata = { name, namespace: target.namespace, labels, annotations };

  // --- volumes and mounts ---
  const volumes: V1Volume[] = [
    { name: 'code', emptyDir: {} },
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: spec.resources.shmSize } },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'code', mountPath: CODE_DIR },
    { name: 'dshm', mountPath: '/dev/shm' },
  ];
  const inputPlan = planInputs(spec.inputs, input.inputs ?? {});
  if (inputPlan.fetches.length > 0) volumes.push({ name: 'inputs', emptyDir: {} });
  volumes.push(...inputPlan.volumes);
  mounts.push(...inputPlan.mounts);

  const storage = input.storagePrefix ?? `jobs/${name}`;
  const outputNames = Object.keys(spec.outputs);
  if (input.outputVolume) {
    volumes.push({ name: 'outputs', persistentVolumeClaim: { claimName: input.outputVolume.claimName } });
    mounts.push({ name: 'outputs', mountPath: OUTPUTS_DIR, subPath: `${storage}/outputs` });
    // Azure ML keeps what a script writes to ./outputs and ./logs; so does Harbormaster.
    mounts.push({ name: 'outputs', mountPath: `${CODE_DIR}/outputs`, subPath: `${storage}/artifacts/outputs` });
    mounts.push({ name: 'outputs', mountPath: `${CODE_DIR}/logs`, subPath: `${storage}/artifacts/logs` });
  } else if (outputNames.length > 0) {
    volumes.push({ name: 'outputs', emptyDir: {} });
    mounts.push({ name: 'outputs', mountPath: OUTPUTS_DIR });
  }
  for (const [i, pvc] of (input.pvcMounts ?? []).entries()) {
    volumes.push({ name: `pvc-${i}`, persistentVolumeClaim: { claimName: pvc.claimName, readOnly: pvc.readOnly ?? false } });
    mounts.push({ name: `pvc-${i}`, mountPath: pvc.mountPath, readOnly: pvc.readOnly ?? false });
  }
  const proxyCa = settings.proxy?.caBundleConfigMap;
  if (proxyCa) {
    volumes.push({ name: 'proxy-ca', configMap: { name: proxyCa, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    mounts.push({ name: 'proxy-ca', mountPath: PROXY_CA_DIR, readOnly: true });
  }
  const mpiMulti = dist?.type === 'mpi' && multi;
  if (mpiMulti) {
    if (!input.mpiSshSecretName) throw new ManifestError('distribution', 'multi-node MPI needs an ssh key Secret (mpiSshSecretName; see mpi-ssh.job.ts)');
    volumes.push({ name: 'mpi-ssh', secret: { secretName: input.mpiSshSecretName, defaultMode: 0o400 } });
    mounts.push({ name: 'mpi-ssh', mountPath: MPI_SSH_DIR, readOnly: true });
  }

  // --- the command ---
  const outputValues = Object.fromEntries(outputNames.map((o) => [o, `${OUTPUTS_DIR}/${o}`]));
  let command: string;
  try {
    command = renderCommand(spec.command, { inputs: inputPlan.values, outputs: outputValues, searchSpace: input.searchSpaceValues });
  } catch (e) {
    throw new ManifestError('command', (e as Error).message);
  }

  // --- environment ---
  const host = (i: number) => `${name}-${i}.${service}`;
  const env: V1EnvVar[] = [
    envValue('AZUREML_RUN_ID', input.jobName),
    envValue('HARBORMASTER_JOB', input.jobName),
    envValue('AZUREML_NODE_COUNT', String(count)),
    multi ? { name: 'NODE_RANK', valueFrom: { fieldRef: { fieldPath: COMPLETION_INDEX } } } : envValue('NODE_RANK', '0'),
  ];
  const folders = outputNames.filter((o) => spec.outputs[o].type !== 'uri_file').map((o) => outputValues[o]);
  if (folders.length) env.push(envValue('HM_OUTPUT_DIRS', folders.join(' ')));
  if (proxyCa) env.push(envValue('HM_PROXY_CA', `${PROXY_CA_DIR}/ca.crt`));
  if (dist?.type === 'pytorch') {
    const procs = dist.processCountPerInstance;
    env.push(
      envValue('HM_DIST', 'pytorch'),
      envValue('HM_PROCS', String(procs)),
      envValue('MASTER_ADDR', multi ? host(0) : '127.0.0.1'),
      envValue('MASTER_PORT', String(PORTS.pytorch)),
      envValue('WORLD_SIZE', String(count * procs)),
      envValue('LOCAL_WORLD_SIZE', String(procs)),
      // torchrun reads PET_<OPTION> as the default of --<option>.
      envValue('PET_NNODES', String(count)),
      envValue('PET_NPROC_PER_NODE', String(procs)),
      envValue('PET_NODE_RANK', '$(NODE_RANK)'),
      envValue('PET_MASTER_ADDR', '$(MASTER_ADDR)'),
      envValue('PET_MASTER_PORT', '$(MASTER_PORT)'),
    );
  } else if (dist?.type === 'tensorflow') {
    // As Azure ML: worker_count workers and parameter_server_count servers, spread over the instances round
    // robin — task t runs on instance t mod N, on port 2222 + ⌊t / N⌋ — each with its own TF_CONFIG.
    const tasks = dist.workerCount + dist.parameterServerCount;
    const addr = (t: number) => `${multi ? host(t % count) : 'localhost'}:${PORTS.tensorflow + Math.floor(t / count)}`;
    const cluster: Record<string, string[]> = { worker: Array.from({ length: dist.workerCount }, (_, t) => addr(t)) };
    if (dist.parameterServerCount > 0) cluster.ps = Array.from({ length: dist.parameterServerCount }, (_, k) => addr(dist.workerCount + k));
    env.push(
      envValue('HM_DIST', 'tensorflow'),
      envValue('HM_TF_WORKERS', String(dist.workerCount)),
      envValue('HM_TF_TASKS', String(tasks)),
      envValue('HM_TF_INSTANCES', String(count)),
      envValue('HM_TF_CLUSTER', JSON.stringify(cluster)),
    );
  } else if (dist?.type === 'mpi') {
    env.push(envValue('HM_DIST', 'mpi'), envValue('HM_PROCS', String(dist.processCountPerInstance)), envValue('HM_NODES', String(count)));
    if (mpiMulti) {
      const forward = [...new Set(['PATH', 'LD_LIBRARY_PATH', 'AZUREML_RUN_ID', 'HARBORMASTER_JOB', ...Object.keys(spec.environmentVariables), ...proxyEnv(settings, []).map((e) => e.name)])];
      env.push(
        envValue('HM_MPI_HOSTS', Array.from({ length: count }, (_, i) => host(i)).join(' ')),
        envValue('HM_MPI_SSH_PORT', String(PORTS.mpiSsh)),
        envValue('HM_MPI_SSH_DIR', MPI_SSH_DIR),
        envValue('HM_MPI_FORWARD_ENV', forward.join(' ')),
      );
    }
  }
  const system = [...env, ...proxyEnv(settings, multi ? [`.${service}.${target.namespace}.svc`, `.${service}`] : [])];
  // The user's variables win over ours, as in Azure ML; Kubernetes would warn about duplicates.
  const userNames = new Set(Object.keys(spec.environmentVariables));
  const containerEnv = [...system.filter((e) => !userNames.has(e.name)), ...Object.entries(spec.environmentVariables).map(([k, v]) => envValue(k, v))];

  const image = spec.environment.image;
  if (!image) throw new ManifestError('environment', `environment ${spec.environment.reference ?? ''} was not resolved to an image`);
  const main: V1Container = {
    name: MAIN_CONTAINER,
    image: spec.environment.source === 'curated' ? rewriteImage(image, settings.imageRegistry) : image,
    command: ['/bin/sh', '-c', LAUNCHER_SCRIPT, 'harbormaster-launcher', command],
    workingDir: CODE_DIR,
    env: containerEnv,
    resources: containerResources(instanceType),
    volumeMounts: mounts,
    ...(multi && dist?.type === 'tensorflow'
      ? { ports: tfPorts(dist.workerCount + dist.parameterServerCount, count) }
      : multi && dist
        ? { ports: [{ name: 'rendezvous', containerPort: dist.type === 'pytorch' ? PORTS.pytorch : PORTS.mpiSsh }] }
        : {}),
  };

  // --- init containers: code, then inputs ---
  const initContainers: V1Container[] = [];
  const helperResources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } };
  const helperSecurity = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  const helperEnv = proxyEnv(settings, []);
  const helperMounts: V1VolumeMount[] = proxyCa ? [{ name: 'proxy-ca', mountPath: PROXY_CA_DIR, readOnly: true }] : [];
  const caEnv: V1EnvVar[] = proxyCa ? [envValue('CURL_CA_BUNDLE', `${PROXY_CA_DIR}/ca.crt`), envValue('GIT_SSL_CAINFO', `${PROXY_CA_DIR}/ca.crt`)] : [];
  const code = spec.code;
  if (input.codeFetch) {
    initContainers.push({
      name: 'fetch-code',
      image: rewriteImage(FETCH_IMAGE, settings.imageRegistry),
      command: ['/bin/sh', '-c', FETCH_CODE_SCRIPT],
      env: [
        envValue('HM_CODE_URL', input.codeFetch.url),
        envValue('HM_CODE_DIR', CODE_DIR),
        { name: 'HM_CODE_TOKEN', valueFrom: { secretKeyRef: { name: input.codeFetch.secretName, key: input.codeFetch.secretKey ?? 'token' } } },
        ...helperEnv,
        ...caEnv,
      ],
      volumeMounts: [{ name: 'code', mountPath: CODE_DIR }, ...helperMounts],
      resources: helperResources,
      securityContext: helperSecurity,
    });
  } else if (code?.kind === 'git') {
    initContainers.push({
      name: 'fetch-code',
      image: rewriteImage(GIT_IMAGE, settings.imageRegistry),
      command: ['/bin/sh', '-c', FETCH_GIT_SCRIPT],
      env: [envValue('HM_GIT_URL', code.url), ...(code.ref ? [envValue('HM_GIT_REF', code.ref)] : []), envValue('HM_CODE_DIR', CODE_DIR), ...helperEnv, ...caEnv],
      volumeMounts: [{ name: 'code', mountPath: CODE_DIR }, ...helperMounts],
      resources: helperResources,
      securityContext: helperSecurity,
    });
  } else if (code) {
    const what = code.kind === 'local' ? `the local folder "${code.path}"` : code.kind === 'url' ? code.url : code.reference;
    throw new ManifestError('code', `${what} must be uploaded or resolved first: pass codeFetch (a tarball URL and the Secret with its token)`);
  }
  if (inputPlan.fetches.length > 0) {
    initContainers.push({
      name: 'fetch-inputs',
      image: rewriteImage(FETCH_IMAGE, settings.imageRegistry),
      command: ['/bin/sh', '-c', FETCH_INPUTS_SCRIPT],
      env: [
        envValue('HM_FETCH', inputPlan.fetches.map((f) => `${f.url} ${f.dest}`).join('\n')),
        ...inputPlan.fetches.flatMap((f, i) =>
          f.secretName ? [{ name: `HM_TOKEN_${i + 1}`, valueFrom: { secretKeyRef: { name: f.secretName, key: f.secretKey ?? 'token' } } }] : [],
        ),
        ...helperEnv,
        ...caEnv,
      ],
      volumeMounts: [{ name: 'inputs', mountPath: '/work/inputs' }, ...helperMounts],
      resources: helperResources,
      securityContext: helperSecurity,
    });
  }

  const podSpec: NonNullable<V1Job['spec']>['template']['spec'] = {
    restartPolicy: 'Never',
    serviceAccountName: target.serviceAccountName,
    // Ranks find each other through DNS; the Kubernetes API is not needed, so no token is mounted.
    automountServiceAccountToken: false,
    // Service links flood the environment in busy namespaces and can shadow MASTER_* style variables.
    enableServiceLinks: false,
    nodeSelector: nodeSelector(instanceType, settings),
    tolerations: tolerations(input),
    initContainers: initContainers.length ? initContainers : undefined,
    containers: [main],
    volumes,
    ...(settings.imagePullSecret ? { imagePullSecrets: [{ name: settings.imagePullSecret }] } : {}),
    ...(multi ? { subdomain: service } : {}),
  };

  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata,
    spec: {
      backoffLimit: INIT_RETRIES,
      podFailurePolicy: {
        rules: [
          // The user's command failed: retrying a crashing script wastes the GPUs; fail now.
          { action: 'FailJob', onExitCodes: { containerName: MAIN_CONTAINER, operator: 'NotIn', values: [0] } },
          // Eviction, preemption, node drain or loss: not the job's fault; run it again without counting.
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      ...(spec.limits?.timeoutSeconds ? { activeDeadlineSeconds: spec.limits.timeoutSeconds } : {}),
      completions: count,
      parallelism: count,
      ...(multi ? { completionMode: 'Indexed' } : {}),
      // Parameter servers and MPI workers never finish on their own: the job is done when the workers
      // (TensorFlow) or the launcher (MPI) are; Kubernetes then stops the rest.
      ...(multi && dist?.type === 'tensorflow' && dist.parameterServerCount > 0
        ? { successPolicy: { rules: [{ succeededIndexes: Math.min(dist.workerCount, count) === 1 ? '0' : `0-${Math.min(dist.workerCount, count) - 1}` }] } }
        : {}),
      ...(mpiMulti ? { successPolicy: { rules: [{ succeededIndexes: '0' }] } } : {}),
      template: { metadata: { labels: { ...labels }, annotations: { [JOB_NAME_ANNOTATION]: input.jobName, ...simulationAnnotations(spec.tags) } }, spec: podSpec },
    },
  };
  if (!multi) return [job];

  const svc: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service, namespace: target.namespace, labels: { ...labels }, annotations: { ...annotations } },
    spec: {
      clusterIP: 'None',
      // Peers must resolve before they are Ready (they only become ready by starting).
      publishNotReadyAddresses: true,
      selector: { [LABELS.job]: name },
      ports: [{ name: 'rendezvous', port: main.ports?.[0]?.containerPort ?? PORTS.pytorch, protocol: 'TCP' }],
    },
  };
  return [job, svc];
}

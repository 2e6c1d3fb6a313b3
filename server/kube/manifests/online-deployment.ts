import 'server-only';
// Kubernetes objects for one online deployment of an online endpoint (blue/green behind the inference router).
//
//   onlineDeploymentManifests({spec, endpointName, target, instanceType, settings, …})
//     → Deployment + ClusterIP Service (+ HorizontalPodAutoscaler for scale_settings.type: target_utilization)
//
// All three share one name, deploymentObjectName(endpoint, deployment), and the labels of DESIGN §4 plus
// harbormaster.io/endpoint and harbormaster.io/deployment; the router sends traffic to
// `<objectName>.<namespace>.svc:80`. The pod follows Azure ML's Kubernetes online deployments where it is
// observable (reference/aml-kubernetes.md §5):
// - scoring-script deployments (code_configuration) run Azure ML's inference server on port 5001, liveness
//   and readiness on `/`; the code is fetched by an init container into /var/azureml-app (AML_APP_ROOT) and
//   AZUREML_ENTRY_SCRIPT names the script; custom containers (no code_configuration) keep their image's
//   files and listen where environment.inference_config says (default 5001, /score, /, /);
// - the model is mounted read-only at model_mount_path (default /var/azureml-app/azureml-models) from the
//   PVC the caller resolved; AZUREML_MODEL_DIR and MODEL_FILE_PATH point there;
// - placement as for training jobs: the instance type's nodeSelector AND the extension's, Azure ML's automatic
//   tolerations plus the taints of the instance type's nodes; resources are the deployment's own
//   (`resources`) or else the instance type's;
// - a changed instance_type rolls out (maxSurge 1, maxUnavailable 0): no downtime; Azure ML ignores it.
// The functions are pure: no I/O, same input → same objects. Problems only the caller can fix throw
// ManifestError naming the field; whether the resources fit the instance type is checkResourcesFit's answer
// (the caller refuses the spec with its field paths).

import type { V1Container, V1Deployment, V1EnvVar, V1Probe, V1Service, V1Volume, V1VolumeMount, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ComputeTargetRef, type ExtensionSettings, type InstanceTypeSpec, type ResourceMap, type Taint } from '@/lib/domain';
import { ENDPOINT_DEFAULTS, type InferenceRoute, type OnlineDeploymentSpec, type ProbeSpec } from '@/lib/endpoints/spec';
import { parseEnvironmentReference } from '@/lib/aml/environment';
import { rewriteImage } from '@/lib/extension/images';
import { combineNodeSelectors } from '@/lib/instance-types/fit';
import { GPU_RESOURCE } from '@/lib/instance-types/resources';
import { amlWorkloadTolerations, type Toleration } from '@/lib/instance-types/tolerations';
import { parseQuantity } from '@/lib/quantity';
import { kubeObject, type KubeObject } from '../plan';
import { FETCH_IMAGE, GIT_IMAGE, ManifestError, PROXY_CA_DIR, simulationAnnotations } from './job';
import { FETCH_CODE_SCRIPT, FETCH_GIT_SCRIPT } from './launcher.job';
import { jobObjectName, labelValue } from './names.job';

export { ManifestError } from './job';

export const INFERENCE_CONTAINER = 'inference-server';
/** Azure ML's app root: the scoring code lives here (AML_APP_ROOT). */
export const APP_ROOT = '/var/azureml-app';
export const DEFAULT_MODEL_MOUNT_PATH = '/var/azureml-app/azureml-models';
/** The Service's port; the router proxies to `<objectName>.<namespace>.svc:80`. */
export const SERVICE_PORT = 80;
const PORT_NAME = 'http';

/** Where the caller found the model files (a registered model's PVC, or a URI that is only recorded). */
export type ResolvedModel = { kind: 'pvc'; claimName: string; subPath?: string } | { kind: 'uri'; uri: string };
/** The uploaded code snapshot (tarball URL + Secret with its token, key `token` unless given), or a public git ref. */
export type ResolvedCode = { kind: 'fetch'; url: string; secretName: string; secretKey?: string } | { kind: 'git'; url: string; ref?: string };

export interface OnlineDeploymentManifestInput {
  spec: OnlineDeploymentSpec;
  endpointName: string;
  /** The endpoint's compute target: namespace, service account, workspace and compute labels. */
  target: ComputeTargetRef;
  /** The instance type spec.instanceType names (or the target's default), already looked up. */
  instanceType: InstanceTypeSpec;
  settings: ExtensionSettings;
  /** Taints on the nodes the instance type selects (e.g. nvidia.com/gpu on a GPU pool): tolerated. */
  tolerations?: Taint[];
  /** Azure resource group of the workspace, for Azure ML's ml.azure.com/resource-group toleration. */
  resourceGroup?: string;
  /** Required when spec.model is set. */
  model?: ResolvedModel;
  /** Required when spec.codeConfiguration is set. */
  code?: ResolvedCode;
  /** Pod template annotations (e.g. the local testbed's simulation annotations). */
  annotations?: Record<string, string>;
}

export interface OnlineDeploymentManifests {
  /** Deployment, Service and, for target_utilization, a HorizontalPodAutoscaler (in that order). */
  objects: KubeObject[];
  /** Name of the Deployment, Service and HPA. */
  objectName: string;
  /** The container port the Service forwards to (named `http`). */
  port: number;
  warnings: string[];
}

/**
 * The Deployment/Service/HPA name of a deployment: `<endpoint>-<deployment>` lower-cased, a DNS-1035 label
 * (a Service name) of at most 63 characters; a name that had to change or be shortened gets a stable hash of
 * the original (names.job.ts). Endpoint names are unique per cluster, so names only meet when one endpoint's
 * name is another's plus `-<part of a deployment name>` (`a-b`/`c` and `a`/`b-c`): the caller refuses that.
 */
export function deploymentObjectName(endpoint: string, deployment: string): string {
  return jobObjectName(`${endpoint}-${deployment}`, 63);
}

// --- resources ------------------------------------------------------------------------------------------

function asText(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}

/**
 * The container's requests/limits: the deployment's own `resources` or else the instance type's. A deployment
 * that sets no cpu/memory limit gets the instance type's (a deployment must stay within them anyway). GPUs are
 * only given when asked for (Azure ML: limits are needed for GPUs) and, as extended resources cannot be
 * overcommitted, their request equals their limit; zero GPUs is no GPU.
 */
function containerResources(spec: OnlineDeploymentSpec, it: InstanceTypeSpec): { requests: Record<string, string>; limits: Record<string, string> } {
  const own = spec.resources;
  const requests: ResourceMap = { ...(own ? own.requests : it.resources.requests) };
  const limits: ResourceMap = { ...(own ? own.limits : it.resources.limits) };
  if (own) {
    for (const k of ['cpu', 'memory'] as const) {
      const inherited = it.resources.limits?.[k];
      if (limits[k] === undefined && inherited !== undefined) limits[k] = inherited;
    }
  }
  const out = { requests: {} as Record<string, string>, limits: {} as Record<string, string> };
  for (const k of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
    const req = requests[k];
    const lim = limits[k];
    if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') {
      if (req !== undefined && req !== null) out.requests[k] = asText(req);
      if (lim !== undefined && lim !== null) out.limits[k] = asText(lim);
      continue;
    }
    const v = lim ?? req;
    if (v === undefined || v === null || Number(v) === 0) continue;
    out.requests[k] = asText(v);
    out.limits[k] = asText(v);
  }
  return out;
}

export interface ResourceProblem {
  /** `resources.requests.cpu`, `resources.limits.memory`, `resources.limits.nvidia.com/gpu`, … */
  path: string;
  message: string;
}

const FIT_RESOURCES = ['cpu', 'memory', GPU_RESOURCE] as const;

/**
 * Azure ML's rule for Kubernetes online deployments: the deployment's requests and limits stay within the
 * instance type's limits (equal is fine), and a request is not above its own limit ("Resource request was
 * greater than limits"). Quantities are compared by value ("1500Mi" < "2Gi"); each problem names the field
 * and both numbers as written. No `resources`: the instance type's own, nothing to check.
 */
export function checkResourcesFit(resources: OnlineDeploymentSpec['resources'], instanceType: InstanceTypeSpec): ResourceProblem[] {
  if (!resources) return [];
  const problems: ResourceProblem[] = [];
  const parsed: Record<string, Record<string, number | undefined>> = { requests: {}, limits: {} };
  for (const kind of ['requests', 'limits'] as const) {
    for (const r of FIT_RESOURCES) {
      const v = resources[kind]?.[r];
      if (v === undefined || v === null) continue;
      const path = `resources.${kind}.${r}`;
      const q = parseQuantity(v);
      if (!q.ok) {
        problems.push({ path, message: `${path}: ${q.reason}` });
        continue;
      }
      parsed[kind][r] = q.value;
      const max = instanceType.resources.limits?.[r];
      // The instance type sets no cpu/memory limit (never, once validated): nothing to hold to. No GPU limit: 0.
      const allowed = max === undefined || max === null ? (r === GPU_RESOURCE ? 0 : undefined) : max;
      if (allowed === undefined) continue;
      const limit = parseQuantity(allowed);
      if (limit.ok && q.value > limit.value) {
        problems.push({ path, message: `${path} ${asText(v)} is more than instance type "${instanceType.name}" allows (limit ${asText(allowed)})` });
      }
    }
  }
  for (const r of FIT_RESOURCES) {
    const req = parsed.requests[r];
    const lim = parsed.limits[r];
    if (req !== undefined && lim !== undefined && req > lim) {
      const path = `resources.requests.${r}`;
      problems.push({ path, message: `${path} ${asText(resources.requests[r]!)} is more than resources.limits.${r} ${asText(resources.limits[r]!)}: a request cannot exceed its limit` });
    }
  }
  return problems;
}

// --- placement and environment ----------------------------------------------------------------------------

function placement(input: OnlineDeploymentManifestInput): { nodeSelector: Record<string, string>; tolerations: Toleration[] } {
  const { selector, conflicts } = combineNodeSelectors(input.instanceType.nodeSelector, input.settings.nodeSelector);
  const c = conflicts[0];
  if (c) {
    throw new ManifestError(
      'instance_type',
      `instance type "${input.instanceType.name}" selects nodes with ${c.key}=${c.instanceType} but the ML extension pins workloads to ${c.key}=${c.extension}; no node can match both`,
    );
  }
  const list = amlWorkloadTolerations({ workspace: input.target.workspace, compute: input.target.name, resourceGroup: input.resourceGroup });
  for (const t of input.tolerations ?? []) {
    const tol: Toleration = t.value ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect } : { key: t.key, operator: 'Exists', effect: t.effect };
    if (!list.some((x) => x.key === tol.key && x.operator === tol.operator && x.value === tol.value && x.effect === tol.effect)) list.push(tol);
  }
  return { nodeSelector: selector, tolerations: list };
}

/** HTTP(S)_PROXY/NO_PROXY (both cases) for the extension's proxy; in-cluster names bypass it. */
function proxyVars(settings: ExtensionSettings): V1EnvVar[] {
  const p = settings.proxy;
  if (!p?.httpProxy && !p?.httpsProxy) return [];
  const skip = new Set([...(p.noProxy ?? '').split(',').map((s) => s.trim()), 'localhost', '127.0.0.1', '.svc', '.svc.cluster.local', 'kubernetes.default.svc']);
  skip.delete('');
  const vars: Array<[string, string | undefined]> = [['HTTP_PROXY', p.httpProxy], ['HTTPS_PROXY', p.httpsProxy], ['NO_PROXY', [...skip].join(',')]];
  return vars.flatMap(([name, value]) => (value ? [{ name, value }, { name: name.toLowerCase(), value }] : []));
}

/** The image of a curated environment comes from the mirror (imageRegistry), as for jobs; the user's own image as written. */
function inferenceImage(spec: OnlineDeploymentSpec, settings: ExtensionSettings): string {
  const image = spec.environment.image;
  if (!image) throw new ManifestError('environment', `environment ${spec.environment.reference ?? ''} was not resolved to an image`);
  const ref = spec.environment.reference ? parseEnvironmentReference(spec.environment.reference) : undefined;
  return ref?.ok && ref.ref.kind === 'curated' ? rewriteImage(image, settings.imageRegistry) : image;
}

/** The init container that puts the scoring code into the app root (the job launcher's fetch scripts). */
function codeFetcher(code: ResolvedCode, settings: ExtensionSettings): V1Container {
  const proxyCa = settings.proxy?.caBundleConfigMap;
  const caEnv: V1EnvVar[] = proxyCa ? [{ name: 'CURL_CA_BUNDLE', value: `${PROXY_CA_DIR}/ca.crt` }, { name: 'GIT_SSL_CAINFO', value: `${PROXY_CA_DIR}/ca.crt` }] : [];
  const source: V1EnvVar[] =
    code.kind === 'fetch'
      ? [{ name: 'HM_CODE_URL', value: code.url }, { name: 'HM_CODE_TOKEN', valueFrom: { secretKeyRef: { name: code.secretName, key: code.secretKey ?? 'token' } } }]
      : [{ name: 'HM_GIT_URL', value: code.url }, ...(code.ref ? [{ name: 'HM_GIT_REF', value: code.ref }] : [])];
  return {
    name: 'fetch-code',
    image: rewriteImage(code.kind === 'fetch' ? FETCH_IMAGE : GIT_IMAGE, settings.imageRegistry),
    command: ['/bin/sh', '-c', code.kind === 'fetch' ? FETCH_CODE_SCRIPT : FETCH_GIT_SCRIPT],
    env: [...source, { name: 'HM_CODE_DIR', value: APP_ROOT }, ...proxyVars(settings), ...caEnv],
    volumeMounts: [{ name: 'code', mountPath: APP_ROOT }, ...(proxyCa ? [{ name: 'proxy-ca', mountPath: PROXY_CA_DIR, readOnly: true }] : [])],
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

function probe(route: InferenceRoute, port: number, p: ProbeSpec, successThreshold = p.successThreshold): V1Probe {
  return {
    httpGet: { path: route.path, port: route.port === port ? PORT_NAME : route.port },
    periodSeconds: p.periodSeconds,
    initialDelaySeconds: p.initialDelaySeconds,
    timeoutSeconds: p.timeoutSeconds,
    successThreshold,
    failureThreshold: p.failureThreshold,
  };
}

// --- the objects ------------------------------------------------------------------------------------------

/** The Kubernetes objects of one online deployment (see the top of this file). */
export function onlineDeploymentManifests(input: OnlineDeploymentManifestInput): OnlineDeploymentManifests {
  const { spec, target, settings, instanceType } = input;
  const warnings: string[] = [];
  if (spec.endpointName !== input.endpointName) {
    throw new ManifestError('endpoint_name', `the deployment belongs to endpoint "${spec.endpointName}", not "${input.endpointName}"`);
  }
  const name = deploymentObjectName(input.endpointName, spec.name);
  const selector = { [LABELS.endpoint]: labelValue(input.endpointName), [LABELS.deployment]: labelValue(spec.name) };
  const labels: Record<string, string> = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.workspace]: labelValue(target.workspace),
    [LABELS.compute]: labelValue(target.name),
    ...selector,
  };
  const metadata = () => ({ name, namespace: target.namespace, labels: { ...labels } });

  // --- routes: Azure ML's inference server, or the custom container's inference_config ---
  const scoringScript = spec.codeConfiguration !== undefined;
  const fallback: InferenceRoute = { port: ENDPOINT_DEFAULTS.port, path: ENDPOINT_DEFAULTS.livenessPath };
  const config = scoringScript ? undefined : spec.environment.inferenceConfig;
  const port = config?.scoringRoute.port ?? ENDPOINT_DEFAULTS.port;
  const liveness = config?.livenessRoute ?? { ...fallback, path: ENDPOINT_DEFAULTS.livenessPath };
  const readiness = config?.readinessRoute ?? { ...fallback, path: ENDPOINT_DEFAULTS.readinessPath };
  if (scoringScript && spec.environment.inferenceConfig) {
    warnings.push('environment.inference_config: a scoring-script deployment runs Azure ML\'s inference server on port 5001 (routes /score and /); inference_config is only for custom containers and is not used');
  }
  // Kubernetes accepts only 1 for a liveness probe's successThreshold.
  if (spec.livenessProbe.successThreshold !== 1) {
    warnings.push(`liveness_probe.success_threshold: Kubernetes requires 1 for liveness probes; ${spec.livenessProbe.successThreshold} is recorded, 1 is used`);
  }

  // --- volumes ---
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  const modelPath = spec.modelMountPath ?? DEFAULT_MODEL_MOUNT_PATH;
  const env: V1EnvVar[] = [];
  if (spec.model && !input.model) {
    throw new ManifestError('model', 'the model must be resolved by the caller (a PVC holding its files, or its URI) before the deployment can run');
  }
  if (input.model?.kind === 'pvc') {
    volumes.push({ name: 'model', persistentVolumeClaim: { claimName: input.model.claimName, readOnly: true } });
    mounts.push({ name: 'model', mountPath: modelPath, readOnly: true, ...(input.model.subPath ? { subPath: input.model.subPath } : {}) });
    env.push({ name: 'AZUREML_MODEL_DIR', value: modelPath }, { name: 'MODEL_FILE_PATH', value: modelPath });
  } else if (input.model?.kind === 'uri') {
    env.push({ name: 'AZUREML_MODEL_URI', value: input.model.uri });
    warnings.push(`model: ${input.model.uri} is recorded (AZUREML_MODEL_URI), not fetched: nothing is mounted at ${modelPath}; register the model to have its files mounted`);
  }
  const initContainers: V1Container[] = [];
  if (scoringScript) {
    if (!input.code) throw new ManifestError('code_configuration.code', `"${spec.codeConfiguration!.code}" must be uploaded or resolved first: pass code (a tarball URL and the Secret with its token, or a git ref)`);
    volumes.push({ name: 'code', emptyDir: {} });
    mounts.push({ name: 'code', mountPath: APP_ROOT });
    initContainers.push(codeFetcher(input.code, settings));
    env.push({ name: 'AML_APP_ROOT', value: APP_ROOT }, { name: 'AZUREML_ENTRY_SCRIPT', value: spec.codeConfiguration!.scoringScript });
  } else if (input.code) {
    throw new ManifestError('code_configuration', 'code was passed for a custom container (no code_configuration): a custom container brings its own files');
  }
  const proxyCa = settings.proxy?.caBundleConfigMap;
  if (proxyCa && initContainers.length) volumes.push({ name: 'proxy-ca', configMap: { name: proxyCa, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });

  // --- environment: Azure ML's inference server settings, then the user's (which win, as in Azure ML) ---
  const rs = spec.requestSettings;
  env.push(
    { name: 'WORKER_COUNT', value: String(rs.maxConcurrentRequestsPerInstance) },
    { name: 'SCORING_TIMEOUT_MS', value: String(rs.requestTimeoutMs) },
    { name: 'AZUREML_REQUEST_TIMEOUT_MS', value: String(rs.requestTimeoutMs) },
    { name: 'AML_APP_INSIGHTS_ENABLED', value: String(spec.appInsightsEnabled) },
    { name: 'SERVICE_NAME', value: input.endpointName },
    { name: 'HARBORMASTER_ENDPOINT', value: input.endpointName },
    { name: 'HARBORMASTER_DEPLOYMENT', value: spec.name },
    ...proxyVars(settings),
  );
  if (spec.appInsightsEnabled) warnings.push('app_insights_enabled: Application Insights is not connected; logs and metrics stay in the cluster (recorded only)');
  const user = Object.entries(spec.environmentVariables);
  const userNames = new Set(user.map(([k]) => k));
  const containerEnv = [...env.filter((e) => !userNames.has(e.name)), ...user.map(([k, v]) => ({ name: k, value: v }))];

  // --- resources and scaling ---
  const resources = containerResources(spec, instanceType);
  const scale = spec.scaleSettings;
  if (scale.type === 'target_utilization') {
    if (resources.requests.cpu === undefined && resources.limits.cpu === undefined) {
      throw new ManifestError('resources.requests.cpu', 'scale_settings.type target_utilization scales on CPU utilization, which needs a CPU request');
    }
    if (scale.minInstances < 1) throw new ManifestError('scale_settings.min_instances', `must be at least 1 for target_utilization (got ${scale.minInstances})`);
    if (scale.pollingIntervalSeconds !== ENDPOINT_DEFAULTS.targetUtilization.pollingIntervalSeconds) {
      warnings.push(
        `scale_settings.polling_interval: ${scale.pollingIntervalSeconds} s is recorded; the cluster's HorizontalPodAutoscaler checks on its own period (kube-controller-manager --horizontal-pod-autoscaler-sync-period, 15 s by default) for every deployment`,
      );
    }
  }

  const container: V1Container = {
    name: INFERENCE_CONTAINER,
    image: inferenceImage(spec, settings),
    ports: [{ name: PORT_NAME, containerPort: port, protocol: 'TCP' }],
    env: containerEnv,
    resources,
    volumeMounts: mounts.length ? mounts : undefined,
    livenessProbe: probe(liveness, port, spec.livenessProbe, 1),
    readinessProbe: probe(readiness, port, spec.readinessProbe),
    // Restricted like the job helpers; a custom container listening below 1024 keeps the right to bind there.
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], ...(port < 1024 ? { add: ['NET_BIND_SERVICE'] } : {}) },
    },
  };
  const { nodeSelector, tolerations } = placement(input);

  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(),
    spec: {
      replicas: scale.type === 'target_utilization' ? scale.minInstances : spec.instanceCount,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { ...selector } },
      // A new pod must be Ready before an old one goes: changing instance_type (or anything else) has no downtime.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...simulationAnnotations(spec.tags), ...input.annotations } },
        spec: {
          serviceAccountName: target.serviceAccountName,
          // The scoring server does not talk to the Kubernetes API: no token is mounted.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          nodeSelector,
          tolerations,
          initContainers: initContainers.length ? initContainers : undefined,
          containers: [container],
          volumes: volumes.length ? volumes : undefined,
          ...(settings.imagePullSecret ? { imagePullSecrets: [{ name: settings.imagePullSecret }] } : {}),
        },
      },
    },
  };

  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(),
    spec: {
      type: 'ClusterIP',
      selector: { ...selector },
      ports: [{ name: PORT_NAME, port: SERVICE_PORT, targetPort: PORT_NAME, protocol: 'TCP' }],
    },
  };

  const objects: KubeObject[] = [kubeObject(deployment), kubeObject(service)];
  if (scale.type === 'target_utilization') {
    // Kubernetes' HPA polls metrics on the controller's own period (kube-controller-manager
    // --horizontal-pod-autoscaler-sync-period, 15 s by default), for all HPAs alike: Azure ML's per-deployment
    // polling_interval is recorded, not honoured (a warning says so when it is not the default).
    const hpa: V2HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: metadata(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: scale.minInstances,
        maxReplicas: scale.maxInstances,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scale.targetUtilizationPercentage } } }],
      },
    };
    objects.push(kubeObject(hpa));
  }
  return { objects, objectName: name, port, warnings };
}

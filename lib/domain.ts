// Shared domain types (plain data, isomorphic). Each module that owns a concept validates it with zod
// next to its logic; these interfaces are the common shape that crosses module boundaries.

/** Kubernetes resource map as written in YAML: values are quantities ("700m", "2Gi", 1). */
export type ResourceMap = Partial<Record<'cpu' | 'memory' | 'nvidia.com/gpu', string | number>> & Record<string, string | number>;

/** An InstanceType custom resource (amlarc.azureml.com/v1alpha1), reduced to what we use. */
export interface InstanceTypeSpec {
  name: string;
  nodeSelector: Record<string, string>;
  resources: { requests: ResourceMap; limits: ResourceMap };
}

/** Outbound proxy settings injected into ML workloads. */
export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  /** Name of a ConfigMap in the compute namespace holding `ca.crt` (proxy CA bundle), if any. */
  caBundleConfigMap?: string;
}

/** Settings of the ML extension, with Azure ML's names (reference/aml-kubernetes.md §1). */
export interface ExtensionSettings {
  enableTraining: boolean;
  enableInference: boolean;
  inferenceRouterServiceType: 'loadBalancer' | 'nodePort' | 'clusterIP';
  internalLoadBalancerProvider?: 'azure';
  allowInsecureConnections: boolean;
  sslSecret?: string;
  sslCname?: string;
  inferenceRouterHA: boolean;
  /** `nodeSelector.<k>=<v>`: pins the extension and every ML workload. */
  nodeSelector: Record<string, string>;
  installNvidiaDevicePlugin: boolean;
  /** Image of the inference router (nginx); point at a private registry for air-gapped clusters. */
  routerImage: string;
  /** Registry prefix that replaces the public one for every image we run (router, device plugin, code fetcher). */
  imageRegistry?: string;
  /** Name of a docker-registry Secret used to pull every image (extension and workloads). */
  imagePullSecret?: string;
  proxy?: ProxySettings;
}

/** A compute target as seen by manifests: where and as whom workloads run. */
export interface ComputeTargetRef {
  workspace: string;
  name: string;
  cluster: string;
  namespace: string;
  /** ServiceAccount the workloads run as (created when the target is attached). */
  serviceAccountName: string;
}

/** A node taint, as in core/v1. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Labels every object Harbormaster creates carries (DESIGN §4). */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  workspace: 'harbormaster.io/workspace',
  compute: 'harbormaster.io/compute',
  job: 'harbormaster.io/job',
  endpoint: 'harbormaster.io/endpoint',
  deployment: 'harbormaster.io/deployment',
  /** On each trial Job of a sweep: the sweep's job name (the trial's own name is under `job`). */
  sweep: 'harbormaster.io/sweep',
} as const;
export const MANAGED_BY = 'harbormaster';
export const FIELD_MANAGER = 'harbormaster';

// Online endpoints and deployments as Harbormaster records them: the normalized specs of Azure ML CLI v2
// files ($schema kubernetesOnlineEndpoint / kubernetesOnlineDeployment; managedOnline* mapped onto a compute
// target), whatever the source (YAML, JSON body, the console's form). Parsing lives in
// lib/aml/online-spec.ts, the Kubernetes objects in server/kube/manifests/online-deployment.ts, the records in
// server/services/endpoints.ts. Facts and defaults: reference/aml-kubernetes.md §5.

import type { ResourceMap } from '@/lib/domain';
import type { JobIssue } from '@/lib/aml/issues';

export type { JobIssue } from '@/lib/aml/issues';

/** Azure ML's defaults (reference §5). */
export const ENDPOINT_DEFAULTS = {
  requestTimeoutMs: 5000,
  maxConcurrentRequestsPerInstance: 1,
  maxQueueWaitMs: 500,
  probe: { periodSeconds: 10, initialDelaySeconds: 10, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 30 },
  targetUtilization: { minInstances: 1, maxInstances: 1, targetUtilizationPercentage: 70, pollingIntervalSeconds: 1 },
  /** Custom containers (no code_configuration) listen here, with these routes, unless inference_config says otherwise. */
  port: 5001,
  scoringPath: '/score',
  livenessPath: '/',
  readinessPath: '/',
} as const;

export interface OnlineEndpointSpec {
  /** 3–32 characters, letter first, letters/digits/"-", unique per workspace and per cluster (Azure ML's rule). */
  name: string;
  /** The compute target (`compute: azureml:<name>`). */
  compute: string;
  /** Only key auth is served by the router; aml_token/aad_token are refused naming auth_mode. */
  authMode: 'key';
  description?: string;
  tags: Record<string, string>;
  /** Deployment → percent; absent when the file does not set it (create: all 0; update: unchanged). */
  traffic?: Record<string, number>;
  /** Deployment → percent of requests copied to it (its answers are dropped); absent: unchanged/none. */
  mirrorTraffic?: Record<string, number>;
}

export interface ProbeSpec {
  periodSeconds: number;
  initialDelaySeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** Where the model comes from: a registered version (azureml:<name>:<version> / @latest), or a path/URI (recorded, never fetched). */
export type DeploymentModelRef =
  | { kind: 'registered'; name: string; version?: string; label?: 'latest' }
  | { kind: 'path'; path: string };

export interface InferenceRoute {
  port: number;
  path: string;
}

export interface OnlineDeploymentSpec {
  /** 3–32 characters, letter first, letters/digits/"-", unique within the endpoint. */
  name: string;
  endpointName: string;
  description?: string;
  tags: Record<string, string>;
  model?: DeploymentModelRef;
  /** Mount path of the model in the container (Azure ML's model_mount_path); default /var/azureml-app/azureml-models. */
  modelMountPath?: string;
  /** Scoring script (Azure ML's inference server on port 5001); absent: the image is a custom container. */
  codeConfiguration?: { code: string; scoringScript: string };
  environment: {
    /** The container image (an environment reference resolved to its image by the service before recording). */
    image: string;
    /** The environment as written (azureml:name:version, or inline). */
    reference?: string;
    /** Custom containers: routes (Azure ML defaults: port 5001, /score, /, /). */
    inferenceConfig?: { scoringRoute: InferenceRoute; livenessRoute: InferenceRoute; readinessRoute: InferenceRoute };
  };
  environmentVariables: Record<string, string>;
  /** Absent: the compute target's default instance type. */
  instanceType?: string;
  instanceCount: number;
  /** Per-container requests/limits; must fit within the instance type's limits. */
  resources?: { requests: ResourceMap; limits: ResourceMap };
  scaleSettings:
    | { type: 'default' }
    | { type: 'target_utilization'; minInstances: number; maxInstances: number; targetUtilizationPercentage: number; pollingIntervalSeconds: number };
  requestSettings: { requestTimeoutMs: number; maxConcurrentRequestsPerInstance: number; maxQueueWaitMs: number };
  livenessProbe: ProbeSpec;
  readinessProbe: ProbeSpec;
  appInsightsEnabled: boolean;
}

export type EndpointParseResult = { ok: true; spec: OnlineEndpointSpec; warnings: JobIssue[] } | { ok: false; errors: JobIssue[]; warnings: JobIssue[] };
export type DeploymentParseResult = { ok: true; spec: OnlineDeploymentSpec; warnings: JobIssue[] } | { ok: false; errors: JobIssue[]; warnings: JobIssue[] };

/** Endpoint and deployment names: Azure ML's rule for online endpoints (also used for deployments here). */
export const ONLINE_NAME_RE = /^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/;

// --- what crosses to the browser and the REST API (never a key) -----------------------------------

export type DeploymentState = 'Provisioning' | 'Healthy' | 'Unhealthy' | 'Updating' | 'Deleting';

export interface DeploymentStatusReason {
  /** Azure ML's error names where one fits: PodUnschedulable, ImagePullLoopBackOff, KubernetesCrashLoopBackOff, ProbeFailed, … */
  code: string;
  message: string;
}

export interface OnlineEndpointDto {
  name: string;
  workspace: string;
  computeTarget: string;
  cluster: string;
  authMode: 'key';
  description: string;
  tags: Record<string, string>;
  traffic: Record<string, number>;
  mirrorTraffic: Record<string, number>;
  scoringUri: string;
  /** Provisioning until the router serves it; Succeeded; Failed with provisioningMessage. */
  provisioningState: 'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting';
  provisioningMessage: string | null;
  deployments: Array<{ name: string; state: DeploymentState; readyReplicas: number; desiredReplicas: number }>;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface OnlineDeploymentDto {
  name: string;
  endpoint: string;
  workspace: string;
  computeTarget: string;
  cluster: string;
  namespace: string;
  /** The Kubernetes Deployment/Service name. */
  objectName: string;
  state: DeploymentState;
  reasons: DeploymentStatusReason[];
  readyReplicas: number;
  desiredReplicas: number;
  trafficPercent: number;
  instanceType: string;
  model: { name: string; version: string } | { path: string } | null;
  image: string;
  spec: OnlineDeploymentSpec;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

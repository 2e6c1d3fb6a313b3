// Plain shapes of what the server sends about instance types and compute targets (the DTOs of
// server/services/instance-types.ts and compute-targets-view.ts), for client components.

export interface FitWarningView {
  code: string;
  message: string;
  nodes?: string[];
}

export interface PoolFitView {
  pool: string | null;
  nodes: number;
  countedNodes: number;
  maxReplicas: number;
  availableNow: number;
}

export interface FitView {
  matchingNodes: number;
  labelMatchingNodes: number;
  maxReplicas: number;
  availableNow: number;
  warnings: FitWarningView[];
  perPool: PoolFitView[];
  requests: { cpu: number; memory: number; gpu: number };
  limits: { cpu: number; memory: number; gpu: number };
  toleratedTaints: string[];
}

export interface InstanceTypeView {
  name: string;
  /** Set on the all-clusters page. */
  cluster?: string;
  nodeSelector: Record<string, string>;
  resources: { requests: Record<string, string | number>; limits: Record<string, string | number> };
  implicit: boolean;
  managedBy: 'harbormaster' | 'other' | null;
  fit: FitView;
}

export interface QuotaAmountsView {
  cpu: number | null;
  memory: number | null;
  gpu: number | null;
  pods: number | null;
}

export interface ComputeTargetView {
  name: string;
  workspace: string;
  cluster: string;
  clusterDisplayName: string;
  location: string;
  region: string;
  kind: string;
  namespace: string;
  namespaceCreated: boolean;
  serviceAccount: string;
  defaultInstanceType: string;
  allowedInstanceTypes: string[] | null;
  quota: { cpu?: string; memory?: string; gpu?: string; pods?: string } | null;
  quotaAmounts: QuotaAmountsView;
  usage: { cpu: number; memory: number; gpu: number; pods: number } | null;
  health: { status: string; reason: string | null };
  description: string;
}

export interface TargetInstanceTypeView {
  name: string;
  implicit: boolean;
  isDefault: boolean;
  nodeSelector: Record<string, string>;
  resources: { requests: Record<string, string | number>; limits: Record<string, string | number> };
  fit: FitView;
  canStartNow: number;
  quotaAllows: number | null;
  limitedBy: 'nodes' | 'quota' | 'unknown';
}

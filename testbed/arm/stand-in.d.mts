// Types of the ARM stand-in (testbed/arm/stand-in.mjs) for TypeScript tests. See README.md beside it.
import type { KeyObject } from 'node:crypto';

export declare const API_VERSIONS: Record<string, string[]>;
export declare const ARM_AUDIENCES: string[];

export interface StandInCluster {
  kind: 'aks' | 'arc';
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  /** YAML of a real local testbed cluster's kubeconfig (or kubeconfigPath). */
  kubeconfig?: string;
  kubeconfigPath?: string;
  /** AKS only: show an Entra (aadProfile) managed cluster. */
  aad?: boolean;
  tags?: Record<string, string>;
}

export interface StandInWorkspace {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  friendlyName?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface StandInOptions {
  port?: number;
  host?: string;
  /** CA + server certificate cache (default .testbed/arm-stand-in). */
  dataDir?: string;
  tenantId?: string;
  subscriptions?: { subscriptionId: string; displayName?: string; tenantId?: string; state?: string }[];
  workspaces?: StandInWorkspace[];
  clusters?: StandInCluster[];
  /** Verify bearer tokens as JWTs (else any non-empty bearer token is accepted). */
  issuer?: {
    jwksUri?: string;
    publicKey?: string | JsonWebKey | KeyObject | CryptoKey;
    /** Default: https://management.azure.com (with and without slash) and https://management.core.windows.net/. */
    audience?: string | string[];
    issuer?: string;
    algorithm?: string;
    /** CA (PEM) for fetching jwksUri over HTTPS. */
    ca?: string;
  };
  /** Items per list page before an absolute nextLink (default 50). */
  pageSize?: number;
  /** Operation-status polls answered InProgress before the operation settles (default 1). */
  lroPolls?: number;
  /** An operation nobody polls settles after this long (default 2000 ms). */
  lroSettleMs?: number;
  /** environmentId → container image of the Kubernetes Job. */
  environments?: Record<string, string>;
  /** Image when environmentId is neither mapped nor an image reference (default busybox:1.36). */
  defaultImage?: string;
  requestLogLimit?: number;
  log?: (message: string) => void;
}

export type FaultSpec =
  /** 429 with Retry-After: retryAfter seconds (default 1). */
  | ({ kind: 'throttle'; retryAfter?: number } & FaultMatch)
  /** 403 AuthorizationFailed naming the action and scope. */
  | ({ kind: 'forbidden' } & FaultMatch)
  /** status (default 500) InternalServerError. */
  | ({ kind: 'error'; status?: number } & FaultMatch)
  /** Every matching request: mode '503' (ServiceUnavailable), 'reset' (socket destroyed) or 'refuse' (listener closed). Default count: unlimited. */
  | ({ kind: 'outage'; mode?: '503' | 'reset' | 'refuse'; status?: number } & FaultMatch)
  /** The next long-running operation started by a matching request ends Failed with {code, message}. */
  | ({ kind: 'lroFail' } & FaultMatch);

export interface FaultMatch {
  id?: string;
  /** HTTP method (any if omitted). */
  method?: string;
  /** Regular expression (source, case-insensitive) tested against the request path (any if omitted). */
  path?: string;
  /** Matching requests affected before the fault is used up (default 1, outage unlimited); -1 or null = unlimited. */
  count?: number | null;
  /** Removes the fault after this long. */
  durationMs?: number;
  code?: string;
  message?: string;
}

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  apiVersion: string | null;
  /** HTTP status sent (-1 = connection reset by an outage fault). */
  status: number;
  fault?: string;
}

export interface StandInExtension {
  id: string;
  name: string;
  extensionType: string;
  provisioningState: string;
  releaseTrain: string;
  version: string | null;
  configurationSettings: Record<string, string>;
  /** Recorded for tests; never in any response or in the request log. */
  protectedSettings: Record<string, string>;
  errorInfo: { code: string; message: string } | null;
  [k: string]: unknown;
}

export interface StandInJob {
  id: string;
  name: string;
  /** Name of the Kubernetes Job on the compute's cluster, in the compute's namespace. */
  k8sName: string;
  status: string;
  spec: Record<string, unknown>;
  compute: { id: string; namespace: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface StandInState {
  subscriptions: Map<string, Record<string, unknown>>;
  workspaces: Map<string, Record<string, unknown>>;
  clusters: Map<string, Record<string, unknown>>;
  /** Keyed by lower-case resource id. */
  extensions: Map<string, StandInExtension>;
  computes: Map<string, Record<string, unknown>>;
  jobs: Map<string, StandInJob>;
  operations: Map<string, Record<string, unknown>>;
  /** Active faults (normalized); a FaultSpec pushed here directly is normalized on first use. */
  faults: (FaultSpec & { hits?: number; remaining?: number })[];
  requests: RequestLogEntry[];
}

export interface ArmStandIn {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  caPem: string;
  caFile: string;
  state: StandInState;
  addFault(spec: FaultSpec): string;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** → ARM resource id */
  addCluster(spec: StandInCluster): string;
  /** → ARM resource id */
  addWorkspace(spec: StandInWorkspace): string;
  close(): Promise<void>;
}

export declare function startArmStandIn(options?: StandInOptions): Promise<ArmStandIn>;

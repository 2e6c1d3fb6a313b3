// What auditors read about how workspaces share clusters (issue 15), as the API and the pages carry it.
// GET /api/v1/audit/sharing → SharingMapDto; GET /api/v1/audit/access → {items: AccessEntryDto[], next?}.

export type SharingFlagCode = 'namespace_shared' | 'no_quota' | 'insecure_connections' | 'tls_expiring' | 'namespace_missing' | 'drift' | 'cross_location';

export interface SharingTargetDto {
  name: string;
  namespace: string;
  /** Instance types the target allows (all of the cluster's when it does not restrict them: ['*']). */
  instanceTypes: string[];
  /** ResourceQuota hard limits (cpu, memory, nvidia.com/gpu, pods); null when the target has no quota. */
  quota: Record<string, string> | null;
  /** Current usage from the namespace's ResourceQuota status (live); null when unknown. */
  usage: Record<string, string> | null;
  backend: 'kubernetes' | 'azureml';
  createdBy: string | null;
  createdAt: string;
}

export interface SharingCellDto {
  cluster: string;
  /** cloud | on-prem | edge */
  location: string;
  workspace: string;
  targets: SharingTargetDto[];
}

export interface SharingFlagDto {
  code: SharingFlagCode;
  cluster?: string;
  workspace?: string;
  target?: string;
  /** The namespace concerned (namespace_shared, no_quota, namespace_missing, drift). Optional, added by the back end. */
  namespace?: string;
  /** namespace_shared: every target on the namespace, as `workspace/target`. Optional, added by the back end. */
  targets?: string[];
  /** drift: the object no record explains, as `Kind/name`. Optional, added by the back end. */
  object?: string;
  message: string;
  /** Where to fix it (a console path). */
  href?: string;
  severity: 'warning' | 'info';
}

export interface SharingMapDto {
  clusters: Array<{ name: string; location: string; region: string; kind: string }>;
  workspaces: string[];
  cells: SharingCellDto[];
  flags: SharingFlagDto[];
  /** Clusters that could not be read live (usage, namespaces, drift unknown there). */
  errors: Array<{ cluster: string; message: string }>;
}

export interface AccessEntryDto {
  principal: { kind: 'user' | 'token'; name: string; email?: string };
  role: string;
  permissions: string[];
  /** Where the access comes from: "global role ops_admin", "member of vision", "token of dana@…". */
  source: string;
}

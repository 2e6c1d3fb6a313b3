import 'server-only';
import { bigint, boolean, doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, bigserial } from 'drizzle-orm/pg-core';

// Drizzle's view of the tables created by server/db/migrations/*.sql (the SQL files are the source of truth).
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull(),
  displayName: text('display_name').notNull().default(''),
  passwordHash: text('password_hash'),
  globalRole: text('global_role').$type<'ops_admin' | 'auditor' | null>(),
  /** Where the global role came from: null/'manual' (set in Harbormaster) or 'entra:role:<app role>'. */
  globalRoleSource: text('global_role_source'),
  status: text('status').$type<'active' | 'disabled'>().notNull().default('active'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const identities = pgTable('identities', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull(),
  provider: text('provider').notNull(),
  subject: text('subject').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  idHash: text('id_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  provider: text('provider').notNull().default('local'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
  ip: text('ip'),
  userAgent: text('user_agent'),
});

export const oidcLogins = pgTable('oidc_logins', {
  stateHash: text('state_hash').primaryKey(),
  browserHash: text('browser_hash').notNull(),
  nonce: text('nonce').notNull(),
  codeVerifierEnc: text('code_verifier_enc').notNull(),
  nextPath: text('next_path').notNull().default('/'),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

export const identityLinks = pgTable('identity_links', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull(),
  provider: text('provider').notNull(),
  subject: text('subject').notNull(),
  email: text('email').notNull(),
  displayName: text('display_name').notNull().default(''),
  claims: jsonb('claims').$type<{ roles: string[]; groups: string[] }>().notNull(),
  tokenHash: text('token_hash').notNull(),
  tokenCacheEnc: text('token_cache_enc'),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  linkedAt: ts('linked_at'),
  linkedBy: text('linked_by'),
});

export const sessionTokenCaches = pgTable('session_token_caches', {
  sessionIdHash: text('session_id_hash').primaryKey(),
  homeAccountId: text('home_account_id').notNull(),
  cacheEnc: text('cache_enc').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull(),
  prefix: text('prefix').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at'),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});

export const loginAttempts = pgTable('login_attempts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  email: text('email').notNull(),
  ip: text('ip').notNull(),
  success: boolean('success').notNull(),
  at: ts('at').notNull().defaultNow(),
});

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  displayName: text('display_name').notNull().default(''),
  description: text('description').notNull().default(''),
  status: text('status').$type<'active' | 'archived'>().notNull().default('active'),
  azureSubscriptionId: text('azure_subscription_id'),
  azureResourceGroup: text('azure_resource_group'),
  azureWorkspaceName: text('azure_workspace_name'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: uuid('workspace_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').$type<'data_scientist'>().notNull().default('data_scientist'),
    /** 'manual' or 'entra:group:<id>' / 'entra:role:<app role>' (re-applied at every Entra sign-in). */
    source: text('source').notNull().default('manual'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.userId] })],
);

export const auditEvents = pgTable('audit_events', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  at: ts('at').notNull(),
  requestId: text('request_id').notNull(),
  actorId: uuid('actor_id'),
  actorEmail: text('actor_email'),
  actorRole: text('actor_role'),
  action: text('action').notNull(),
  targetType: text('target_type'),
  targetName: text('target_name'),
  workspace: text('workspace'),
  outcome: text('outcome').$type<'success' | 'denied' | 'failed'>().notNull(),
  message: text('message'),
  before: jsonb('before'),
  after: jsonb('after'),
  ip: text('ip'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

export const appState = pgTable('app_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// Clusters and their ML extension (0002_clusters.sql).
export const clusters = pgTable('clusters', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  displayName: text('display_name').notNull().default(''),
  description: text('description').notNull().default(''),
  kind: text('kind').$type<'aks' | 'arc' | 'kubernetes'>().notNull(),
  location: text('location').$type<'cloud' | 'on-prem' | 'edge'>().notNull(),
  region: text('region').notNull().default(''),
  connectionMode: text('connection_mode').$type<'kubeconfig' | 'inCluster' | 'azure'>().notNull(),
  credentialsEnc: text('credentials_enc'),
  contextName: text('context_name'),
  serverUrl: text('server_url'),
  authMethod: text('auth_method'),
  credentialsVersion: integer('credentials_version').notNull().default(1),
  azureResourceId: text('azure_resource_id'),
  azureConnectionId: uuid('azure_connection_id'),
  /** 0017: Entra-enabled AKS through a `user` connection: the session (id hash, encrypted) its tokens are renewed with. */
  azureSessionEnc: text('azure_session_enc'),
  /** 0015: which ML extension the cluster uses (NULL: not chosen). */
  extensionProvider: text('extension_provider').$type<'harbormaster' | 'azureml' | null>(),
  lastProbe: jsonb('last_probe'),
  lastProbeAt: ts('last_probe_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const clusterExtensions = pgTable('cluster_extensions', {
  clusterId: uuid('cluster_id').primaryKey(),
  status: text('status').$type<'notInstalled' | 'installing' | 'installed' | 'failed'>().notNull().default('notInstalled'),
  operation: text('operation').$type<'install' | 'upgrade' | 'uninstall' | null>(),
  operationId: uuid('operation_id'),
  version: text('version'),
  settings: jsonb('settings'),
  tlsEnc: text('tls_enc'),
  tlsInfo: jsonb('tls_info'),
  egress: jsonb('egress'),
  applied: jsonb('applied').notNull().default([]),
  steps: jsonb('steps').notNull().default([]),
  message: text('message'),
  warnings: jsonb('warnings').notNull().default([]),
  requestedBy: text('requested_by'),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  heartbeatAt: ts('heartbeat_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** What ARM last said about a compute attached through it: provisioning state, ARM's error verbatim, our explanation. */
export interface AzureComputeState {
  provisioningState: string;
  error?: string;
  explanation?: string;
  at: string;
}

// The Azure ML extension of a cluster through ARM (0015_azure_extension.sql).
export const clusterAzureExtensions = pgTable('cluster_azure_extensions', {
  clusterId: uuid('cluster_id').primaryKey(),
  extensionName: text('extension_name').notNull().default('azureml'),
  operation: text('operation').$type<'install' | 'update' | 'remove' | null>(),
  state: text('state').$type<'none' | 'pending' | 'running' | 'succeeded' | 'failed'>().notNull().default('none'),
  provisioningState: text('provisioning_state'),
  statuses: jsonb('statuses').$type<Array<{ code?: string; displayStatus?: string; level?: string; message?: string; time?: string }>>().notNull().default([]),
  settings: jsonb('settings'),
  configurationSettings: jsonb('configuration_settings').$type<Record<string, string> | null>(),
  protectedEnc: text('protected_enc'),
  protectedNames: jsonb('protected_names').$type<string[]>().notNull().default([]),
  tlsInfo: jsonb('tls_info'),
  version: text('version'),
  lroState: text('lro_state'),
  lastError: text('last_error'),
  requestedBy: text('requested_by'),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const computeTargets = pgTable('compute_targets', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  clusterId: uuid('cluster_id').notNull(),
  namespace: text('namespace').notNull(),
  namespaceCreated: boolean('namespace_created').notNull().default(false),
  defaultInstanceType: text('default_instance_type').notNull().default('defaultinstancetype'),
  allowedInstanceTypes: jsonb('allowed_instance_types').$type<string[] | null>(),
  quota: jsonb('quota').$type<{ cpu?: string; memory?: string; gpu?: string; pods?: string } | null>(),
  description: text('description').notNull().default(''),
  serviceAccount: text('service_account').notNull().default('harbormaster-workload'),
  // Attached through ARM as an Azure ML Kubernetes compute (0016_azureml_compute.sql).
  backend: text('backend').$type<'kubernetes' | 'azureml'>().notNull().default('kubernetes'),
  azureComputeName: text('azure_compute_name'),
  azureComputeId: text('azure_compute_id'),
  azureState: jsonb('azure_state').$type<AzureComputeState | null>(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const environments = pgTable('environments', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  version: text('version').notNull(),
  image: text('image').notNull(),
  condaFile: text('conda_file'),
  description: text('description').notNull().default(''),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

// Jobs and code snapshots (0005_jobs.sql).
export const codeAssets = pgTable('code_assets', {
  sha256: text('sha256').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  files: integer('files').notNull().default(0),
  path: text('path').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Which workspaces stored (and may reference) a blob (0010_code_workspaces.sql). */
export const codeAssetWorkspaces = pgTable(
  'code_asset_workspaces',
  {
    sha256: text('sha256').notNull(),
    workspaceId: uuid('workspace_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.sha256] })],
);

export const jobs = pgTable('jobs', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  displayName: text('display_name').notNull().default(''),
  experimentName: text('experiment_name').notNull().default(''),
  type: text('type').$type<'command' | 'sweep'>().notNull(),
  computeTargetId: uuid('compute_target_id'),
  computeName: text('compute_name').notNull(),
  clusterName: text('cluster_name').notNull(),
  namespace: text('namespace').notNull(),
  instanceType: text('instance_type').notNull(),
  instanceCount: integer('instance_count').notNull().default(1),
  backend: text('backend').$type<'kubernetes' | 'azureml'>().notNull().default('kubernetes'),
  spec: jsonb('spec').notNull(),
  source: text('source').notNull().default(''),
  sourceFormat: text('source_format').$type<'yaml' | 'json'>().notNull().default('yaml'),
  codeSha256: text('code_sha256'),
  inputFiles: jsonb('input_files').$type<Record<string, string>>().notNull().default({}),
  objects: jsonb('objects').$type<unknown[]>().notNull().default([]),
  warnings: jsonb('warnings').$type<Array<{ path: string; message: string }>>().notNull().default([]),
  status: text('status').notNull().default('NotStarted'),
  statusMessage: text('status_message'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  // Sweeps and their trials (0008_sweeps.sql).
  parentJobId: uuid('parent_job_id'),
  trialIndex: integer('trial_index'),
  objectName: text('object_name'),
  parameters: jsonb('parameters').$type<Record<string, string | number | boolean>>(),
  primaryMetric: doublePrecision('primary_metric'),
  termination: jsonb('termination').$type<TrialTermination>(),
  runContext: jsonb('run_context'),
  bestTrial: jsonb('best_trial').$type<BestTrial>(),
  metricLinesIgnored: integer('metric_lines_ignored').notNull().default(0),
  // The azureml backend (0016_azureml_compute.sql).
  azureJobName: text('azure_job_name'),
  azureJobId: text('azure_job_id'),
  azureStatus: text('azure_status'),
  azureNextPollAt: ts('azure_next_poll_at'),
  azurePollFailures: integer('azure_poll_failures').notNull().default(0),
  azureError: text('azure_error'),
  metricsPod: text('metrics_pod'),
  modelsRegisteredAt: ts('models_registered_at'),
});

/** Why a trial was stopped before it ended by itself (early termination, limits), with the deciding numbers. */
export interface TrialTermination {
  /** bandit | median_stopping | truncation_selection | sweep_timeout | sweep_canceled */
  policy: string;
  reason: string;
  interval?: number;
  value?: number;
  numbers?: Record<string, number>;
  at: string;
}

export interface BestTrial {
  name: string;
  index: number;
  primaryMetric: number;
  parameters: Record<string, string | number | boolean>;
}

export const jobMetrics = pgTable(
  'job_metrics',
  {
    jobId: uuid('job_id').notNull(),
    name: text('name').notNull(),
    seq: integer('seq').notNull(),
    step: bigint('step', { mode: 'number' }).notNull(),
    value: doublePrecision('value').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.name, t.seq] })],
);

// The model registry (0009_models.sql).
export const models = pgTable('models', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull(),
  name: text('name').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Where a version's artifacts are (recorded, never fetched). */
export type ModelArtifactLocation =
  | { kind: 'url' | 'blob' | 'adls' | 'datastore'; uri: string }
  | { kind: 'job-output'; uri: string; job: string; output: string; subPath?: string; storage?: { cluster: string; namespace: string; claim?: string; path?: string } }
  | { kind: 'upload'; sha256: string; size: number; files: number };

export interface ModelJobLineage {
  name: string;
  computeTarget: string;
  cluster: string;
  namespace: string;
  output: string;
  location: string;
  image: string | null;
  inputs: Record<string, string>;
  status: string;
}

export const modelVersions = pgTable('model_versions', {
  id: uuid('id').primaryKey().defaultRandom(),
  modelId: uuid('model_id').notNull(),
  version: text('version').notNull(),
  versionNum: bigint('version_num', { mode: 'number' }),
  type: text('type').$type<'custom_model' | 'mlflow_model' | 'triton_model'>().notNull(),
  description: text('description').notNull().default(''),
  tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
  properties: jsonb('properties').$type<Record<string, string>>().notNull().default({}),
  flavors: jsonb('flavors').$type<Record<string, unknown>>(),
  stage: text('stage'),
  path: text('path').notNull(),
  location: jsonb('location').$type<ModelArtifactLocation>().notNull(),
  uploadSha256: text('upload_sha256'),
  jobId: uuid('job_id'),
  jobOutput: text('job_output'),
  lineage: jsonb('lineage').$type<ModelJobLineage>(),
  source: text('source').notNull().default(''),
  sourceFormat: text('source_format').$type<'yaml' | 'json'>().notNull().default('json'),
  archived: boolean('archived').notNull().default(false),
  archivedAt: ts('archived_at'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

// Online endpoints (0011_online_endpoints.sql).
export const onlineEndpoints = pgTable('online_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  workspaceId: uuid('workspace_id').notNull(),
  computeTargetId: uuid('compute_target_id').notNull(),
  clusterId: uuid('cluster_id').notNull(),
  name: text('name').notNull(),
  authMode: text('auth_mode').$type<'key'>().notNull().default('key'),
  description: text('description').notNull().default(''),
  tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
  traffic: jsonb('traffic').$type<Record<string, number>>().notNull().default({}),
  mirrorTraffic: jsonb('mirror_traffic').$type<Record<string, number>>().notNull().default({}),
  keysEnc: text('keys_enc').notNull(),
  keysRotatedAt: ts('keys_rotated_at').notNull().defaultNow(),
  provisioningState: text('provisioning_state').$type<'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting'>().notNull().default('Creating'),
  provisioningMessage: text('provisioning_message'),
  source: text('source').notNull().default(''),
  sourceFormat: text('source_format').$type<'yaml' | 'json'>().notNull().default('json'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const onlineDeployments = pgTable('online_deployments', {
  id: uuid('id').primaryKey().defaultRandom(),
  endpointId: uuid('endpoint_id').notNull(),
  name: text('name').notNull(),
  spec: jsonb('spec').$type<import('@/lib/endpoints/spec').OnlineDeploymentSpec>().notNull(),
  instanceType: text('instance_type').notNull(),
  objectName: text('object_name').notNull(),
  modelVersionId: uuid('model_version_id'),
  serviceAddress: text('service_address'),
  state: text('state').$type<import('@/lib/endpoints/spec').DeploymentState>().notNull().default('Provisioning'),
  reasons: jsonb('reasons').$type<import('@/lib/endpoints/spec').DeploymentStatusReason[]>().notNull().default([]),
  readyReplicas: integer('ready_replicas').notNull().default(0),
  desiredReplicas: integer('desired_replicas').notNull().default(0),
  codeSha256: text('code_sha256'),
  source: text('source').notNull().default(''),
  sourceFormat: text('source_format').$type<'yaml' | 'json'>().notNull().default('json'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// Runtime core (0006_runtime.sql): the outbox of cluster effects, and job status transitions.
export const intents = pgTable('intents', {
  id: uuid('id').primaryKey().defaultRandom(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
  kind: text('kind').$type<'kube.plan' | 'extension.operation' | 'router.sync' | 'azure.arm'>().notNull(),
  clusterId: uuid('cluster_id'),
  clusterName: text('cluster_name').notNull(),
  ownerType: text('owner_type').notNull(),
  ownerId: text('owner_id').notNull(),
  action: text('action').notNull(),
  requestId: text('request_id').notNull(),
  payloadEnc: text('payload_enc').notNull(),
  status: text('status').$type<'pending' | 'done' | 'failed' | 'canceled'>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  verdicts: jsonb('verdicts').$type<unknown[]>().notNull().default([]),
  nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
  claimedBy: text('claimed_by'),
  claimedUntil: ts('claimed_until'),
  createdAt: ts('created_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
});

export const jobTransitions = pgTable('job_transitions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  jobId: uuid('job_id').notNull(),
  status: text('status').notNull(),
  message: text('message'),
  at: ts('at').notNull().defaultNow(),
});

// Azure connections and workspace links (0014_azure.sql).
export const azureConnections = pgTable('azure_connections', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind').$type<'user' | 'client_secret' | 'client_certificate' | 'managed_identity'>().notNull(),
  tenantId: text('tenant_id').notNull(),
  clientId: text('client_id'),
  secretEnc: text('secret_enc'),
  authorityHost: text('authority_host'),
  armEndpoint: text('arm_endpoint').notNull().default('https://management.azure.com'),
  caPem: text('ca_pem'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const workspaceAzureLinks = pgTable('workspace_azure_links', {
  workspaceId: uuid('workspace_id').primaryKey(),
  connectionId: uuid('connection_id').notNull(),
  subscriptionId: text('subscription_id').notNull(),
  resourceGroup: text('resource_group').notNull(),
  workspaceName: text('workspace_name').notNull(),
  location: text('location').notNull().default(''),
  armId: text('arm_id').notNull(),
  linkedBy: text('linked_by'),
  linkedAt: ts('linked_at').notNull().defaultNow(),
});

import 'server-only';

// The OpenAPI 3.1 description of /api/v1 (served at /api/v1/openapi.json). Each feature adds its paths
// here next to its routes; the API test checks that every route file under app/api/v1 is described.
// Conventions (DESIGN §4): a list answers {items, next?} — send `next` back as ?cursor= for the next page;
// a list (or resource) that shows live state accepts ?watch=true and answers text/event-stream (`watch`).
type Op = {
  summary: string;
  permission?: string;
  body?: string;
  ok?: number;
  list?: boolean;
  params?: string[];
  query?: string[];
  /** ?watch=true answers text/event-stream: 'list' streams list items, 'resource' the whole resource. */
  watch?: 'list' | 'resource';
};

const problem = { $ref: '#/components/responses/Problem' };

const WATCH_DESCRIPTION = {
  list:
    'With `watch=true` the answer is `text/event-stream` (Kubernetes\' watch, over Server-Sent Events), authorized like the list. ' +
    'Each event\'s `data` is a WatchEvent `{"type": "ADDED"|"MODIFIED"|"DELETED", "object": <a list item>}`. On connect — and so on every ' +
    'reconnect — the current items (the first page) are sent as `ADDED` (a full re-sync), then each change as it happens; apply them by the ' +
    'item\'s uid. A comment line is sent every 15 s as a heartbeat.',
  resource:
    'With `watch=true` the answer is `text/event-stream`, authorized like the GET. Each event\'s `data` is a WatchEvent whose `type` is ' +
    '`MODIFIED` and whose `object` is the whole resource (the shape of this GET): first at once, then whenever it changes. A comment line ' +
    'is sent every 15 s as a heartbeat; on reconnect the first event is again the current resource.',
} as const;

function operation(op: Op) {
  const o: Record<string, unknown> = {
    summary: op.summary,
    ...(op.permission ? { description: `Requires permission \`${op.permission}\`.` } : {}),
    parameters: [
      ...(op.params ?? []).map((p) => ({ name: p, in: 'path', required: true, schema: { type: 'string' } })),
      ...(op.query ?? []).map((q) =>
        q === 'cursor'
          ? { name: q, in: 'query', required: false, schema: { type: 'string' }, description: 'The `next` of the previous page (opaque).' }
          : { name: q, in: 'query', required: false, schema: { type: 'string' } },
      ),
      ...(op.watch ? [{ name: 'watch', in: 'query', required: false, schema: { type: 'boolean' }, description: WATCH_DESCRIPTION[op.watch] }] : []),
    ],
    responses: {
      [String(op.ok ?? 200)]: {
        description: op.watch ? `OK. ${WATCH_DESCRIPTION[op.watch]}` : 'OK',
        content: {
          'application/json': { schema: op.list ? { $ref: '#/components/schemas/List' } : { type: 'object' } },
          ...(op.watch ? { 'text/event-stream': { schema: { $ref: '#/components/schemas/WatchEvent' } } } : {}),
        },
      },
      '400': problem,
      '401': problem,
      '403': problem,
      '404': problem,
    },
  };
  if (op.body) {
    o.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } } };
    o.parameters = [
      ...(o.parameters as unknown[]),
      { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' }, description: 'Validate and show the result; nothing is written.' },
    ];
  }
  return o;
}

const PATHS: Record<string, Record<string, Op>> = {
  '/api/v1/me': { get: { summary: 'The caller: user, role and workspaces' } },
  '/api/v1/workspaces': {
    get: { summary: 'Workspaces the caller may see (ops admins and auditors: all; data scientists: their own)', list: true, query: ['includeArchived'] },
    post: { summary: 'Create a workspace', permission: 'workspaces.manage', body: 'WorkspaceCreate', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/azure': {
    get: { summary: 'The Azure ML workspace this workspace is linked to', permission: 'workspaces.read', params: ['workspace'] },
    put: { summary: 'Link to an Azure ML workspace through a connection (checked through ARM first)', permission: 'azure.manage', params: ['workspace'], body: 'WorkspaceAzureLink' },
    delete: { summary: 'Unlink from the Azure ML workspace (nothing changes in Azure)', permission: 'azure.manage', params: ['workspace'] },
  },
  '/api/v1/workspaces/{workspace}': {
    get: { summary: 'A workspace with its members', permission: 'workspaces.read', params: ['workspace'] },
    patch: { summary: 'Rename (display name) or describe a workspace', permission: 'workspaces.manage', params: ['workspace'], body: 'WorkspaceUpdate' },
    delete: { summary: 'Archive a workspace', permission: 'workspaces.manage', params: ['workspace'] },
  },
  '/api/v1/workspaces/{workspace}/members': {
    get: { summary: 'Members of a workspace', permission: 'workspaces.read', params: ['workspace'], list: true },
    post: { summary: 'Add a data scientist', permission: 'members.manage', params: ['workspace'], body: 'MemberAdd', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/members/{email}': { delete: { summary: 'Remove a member', permission: 'members.manage', params: ['workspace', 'email'] } },
  '/api/v1/users': {
    get: { summary: 'All users', permission: 'users.read', list: true },
    post: { summary: 'Create a user (password generated and returned once when omitted)', permission: 'users.manage', body: 'UserCreate', ok: 201 },
  },
  '/api/v1/users/{email}': {
    get: { summary: 'A user', permission: 'users.read', params: ['email'] },
    patch: { summary: 'Change a user’s global role', permission: 'users.manage', params: ['email'], body: 'UserRole' },
    delete: { summary: 'Disable a user (sessions and tokens stop working)', permission: 'users.manage', params: ['email'] },
  },
  '/api/v1/users/{email}/password': { post: { summary: 'Reset a password (generated and returned once when omitted)', permission: 'users.manage', params: ['email'], body: 'PasswordReset' } },
  '/api/v1/tokens': {
    get: { summary: 'Your API tokens (never the secret)', list: true },
    post: { summary: 'Create an API token (returned once)', body: 'TokenCreate', ok: 201 },
  },
  '/api/v1/tokens/{id}': { delete: { summary: 'Revoke one of your tokens', params: ['id'] } },
  '/api/v1/azure/connections': {
    get: { summary: 'Azure connections (kind, tenant, client id, authority, ARM endpoint; never a secret)', permission: 'azure.read', list: true },
    post: { summary: 'Create an Azure connection: the signed-in user, a service principal (client secret or PEM certificate + key, stored encrypted) or a managed identity', permission: 'azure.manage', body: 'AzureConnectionCreate', ok: 201 },
  },
  '/api/v1/azure/connections/{name}': {
    get: { summary: 'An Azure connection (no secret) and the workspaces and clusters that use it', permission: 'azure.read', params: ['name'] },
    patch: { summary: 'Change an Azure connection (a new secret or certificate replaces the stored one; never readable back)', permission: 'azure.manage', params: ['name'], body: 'AzureConnectionUpdate' },
    delete: { summary: 'Delete an Azure connection (refused while in use)', permission: 'azure.manage', params: ['name'] },
  },
  '/api/v1/azure/connections/{name}/test': { post: { summary: 'Get a token and list the subscriptions; answers which steps worked', permission: 'azure.manage', params: ['name'] } },
  '/api/v1/azure/connections/{name}/subscriptions': { get: { summary: 'Subscriptions the connection sees through ARM', permission: 'azure.read', params: ['name'], list: true } },
  '/api/v1/azure/connections/{name}/workspaces': { get: { summary: 'Azure ML workspaces of a subscription (optionally one resource group), with location', permission: 'azure.read', params: ['name'], query: ['subscription', 'resourceGroup'], list: true } },
  '/api/v1/azure/connections/{name}/clusters': { get: { summary: 'AKS and Azure Arc clusters of a subscription: resource id, location, Kubernetes version, Entra-enabled; a provider that fails is named in errors', permission: 'azure.read', params: ['name'], query: ['subscription'], list: true } },
  '/api/v1/clusters': {
    get: { summary: 'Clusters with health, version, pools (capacity vs requested) and extension status; unreachable ones also in errors. watch=true streams changes (uid: the name)', permission: 'clusters.read', list: true, watch: 'list' },
    post: { summary: 'Register a cluster (kubeconfig + context, or in-cluster); runs the checks; credentials are stored encrypted and never returned', permission: 'clusters.manage', body: 'ClusterRegister', ok: 201 },
  },
  '/api/v1/clusters/{cluster}': {
    get: { summary: 'A cluster: registration, health, pools, last check (permissions, identity, network)', permission: 'clusters.read', params: ['cluster'] },
    patch: { summary: 'Rename (display name), describe, or change kind/location/region', permission: 'clusters.manage', params: ['cluster'], body: 'ClusterUpdate' },
    delete: { summary: 'Remove a cluster from Harbormaster (refused while compute targets are attached)', permission: 'clusters.manage', params: ['cluster'] },
  },
  '/api/v1/clusters/from-azure': { post: { summary: 'Register an AKS or Azure Arc cluster from Azure: its kubeconfig is fetched through ARM with an Azure connection (exec kubeconfigs refused), checked and stored encrypted; kind aks/arc from the resource type', permission: 'clusters.manage', body: 'ClusterFromAzure', ok: 201 } },
  '/api/v1/clusters/{cluster}/refresh-credentials': { post: { summary: 'Fetch the kubeconfig of a cluster registered from Azure again through ARM, check it and store it', permission: 'clusters.manage', params: ['cluster'] } },
  '/api/v1/clusters/{cluster}/azure-extension': {
    get: { summary: "Azure ML's extension (Microsoft.AzureML.Kubernetes) through ARM: provider, operation, provisioning state, statuses, settings (protected settings by name only), last error", permission: 'clusters.read', params: ['cluster'] },
    put: { summary: "Install Azure ML's extension through ARM (create or replace; 202: the operation runs after commit, follow it with GET); refused over Harbormaster's extension", permission: 'clusters.manage', params: ['cluster'], body: 'AzureExtension', ok: 202 },
    patch: { summary: "Change the settings of the installed Azure ML extension through ARM (merged; a new tls pair replaces the protected settings) (202)", permission: 'clusters.manage', params: ['cluster'], body: 'AzureExtension', ok: 202 },
    delete: { summary: "Remove Azure ML's extension through ARM (202)", permission: 'clusters.manage', params: ['cluster'], ok: 202 },
  },
  '/api/v1/clusters/{cluster}/credentials': { put: { summary: 'Replace the credentials (checked first; never readable back)', permission: 'clusters.manage', params: ['cluster'], body: 'ClusterCredentials' } },
  '/api/v1/clusters/{cluster}/check': { post: { summary: 'Run the registration checks again and store the result', permission: 'clusters.manage', params: ['cluster'] } },
  '/api/v1/clusters/{cluster}/health': { get: { summary: 'Every troubleshooting check with a stable code, status (ok, warning, error), detail and fix', permission: 'clusters.read', params: ['cluster'] } },
  '/api/v1/clusters/{cluster}/extension': {
    get: { summary: 'Extension settings, status (notInstalled, installing, installed, failed) and step progress; watch=true streams it as it changes', permission: 'clusters.read', params: ['cluster'], watch: 'resource' },
    put: { summary: 'Install or upgrade the extension with settings (202; guarded changes need confirm: true)', permission: 'clusters.manage', params: ['cluster'], body: 'ExtensionInstall', ok: 202 },
    post: { summary: 'Same as PUT', permission: 'clusters.manage', params: ['cluster'], body: 'ExtensionInstall', ok: 202 },
    delete: { summary: 'Uninstall the extension; purge=true also deletes the InstanceType CRD, every instance type and the namespace', permission: 'clusters.manage', params: ['cluster'], query: ['purge'] },
  },
  '/api/v1/clusters/{cluster}/events': { get: { summary: 'Warning events (all namespaces) and events of the extension namespace, newest first', permission: 'clusters.read', params: ['cluster'], list: true } },
  '/api/v1/clusters/{cluster}/nodes': { get: { summary: 'Nodes and pools with allocatable vs requested capacity', permission: 'clusters.read', params: ['cluster'], list: true } },
  '/api/v1/clusters/{cluster}/instance-types': {
    get: { summary: 'Instance types of the cluster (defaultinstancetype always listed), each with live fit {matchingNodes, maxReplicas, availableNow, warnings}', permission: 'clusters.read', params: ['cluster'], list: true },
    post: { summary: 'Create or update instance types: InstanceType or InstanceTypeList (JSON or application/yaml) or form fields; a list is applied whole or not at all', permission: 'instancetypes.manage', params: ['cluster'], body: 'InstanceTypeApply' },
  },
  '/api/v1/clusters/{cluster}/instance-types/{name}': {
    get: { summary: 'One instance type with its live fit', permission: 'clusters.read', params: ['cluster', 'name'] },
    put: { summary: 'Replace one instance type (same bodies as POST; the name cannot change)', permission: 'instancetypes.manage', params: ['cluster', 'name'], body: 'InstanceTypeApply' },
    delete: { summary: 'Delete an instance type (refused while a compute target uses it)', permission: 'instancetypes.manage', params: ['cluster', 'name'] },
  },
  '/api/v1/workspaces/{workspace}/computes': {
    get: { summary: 'Compute targets of the workspace across clusters: location, health, namespace, quota and usage', permission: 'compute.read', params: ['workspace'], list: true },
    post: { summary: 'Attach a cluster as a compute target (namespace created if missing, quota, isolation)', permission: 'compute.manage', params: ['workspace'], body: 'ComputeAttach', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/compute/azure': {
    post: { summary: 'Attach a registered AKS or Arc cluster to the linked Azure ML workspace as Kubernetes compute (backend azureml; attached through ARM after commit, provisioning state and errors on the target as azureState); detach with DELETE …/computes/{name}', permission: 'compute.manage', params: ['workspace'], body: 'ComputeAttachAzure', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/computes/{name}': {
    get: { summary: 'One compute target with quota and usage', permission: 'compute.read', params: ['workspace', 'name'] },
    patch: { summary: 'Edit allowed instance types, default, quota (null removes it), description', permission: 'compute.manage', params: ['workspace', 'name'], body: 'ComputeUpdate' },
    delete: { summary: 'Detach (refused while Harbormaster workloads run unless force=true; deleteNamespace=true deletes the namespace)', permission: 'compute.manage', params: ['workspace', 'name'], query: ['force', 'deleteNamespace'] },
  },
  '/api/v1/workspaces/{workspace}/computes/{name}/instance-types': {
    get: { summary: 'Instance types the target allows, with live fit and canStartNow (free capacity and quota left)', permission: 'compute.read', params: ['workspace', 'name'], list: true },
  },
  '/api/v1/workspaces/{workspace}/jobs': {
    get: {
      summary:
        'Jobs of a workspace: filters status (comma list of NotStarted, Queued, Preparing, Running, Finalizing, Completed, Failed, Canceled), compute, experiment, createdBy (email), since/until (ISO 8601), q (name or display name); orderBy createdAt|status|duration|name with optional :asc/:desc (default createdAt:desc); limit 1–200 (default 50); keyset cursor. An unknown value is a 400 naming the parameter. watch=true streams the first page of the same query and every change (uid: the job\'s uid; DELETED when a job no longer matches)',
      permission: 'jobs.read',
      params: ['workspace'],
      list: true,
      query: ['status', 'compute', 'experiment', 'createdBy', 'since', 'until', 'q', 'orderBy', 'limit', 'cursor'],
      watch: 'list',
    },
    post: {
      summary: 'Submit a command or sweep job: application/yaml (an Azure ML CLI v2 job file), application/json, or multipart/form-data (job + files/code). dryRun=true answers {spec, objects, warnings}',
      permission: 'jobs.submit',
      params: ['workspace'],
      body: 'JobDocument',
      ok: 201,
    },
  },
  '/api/v1/workspaces/{workspace}/jobs/{name}': {
    get: {
      summary:
        'A job: spec, applied objects (secrets redacted), status with its transitions, and from the cluster: ranks (pod, phase, node, restarts, exit code and reason, times), events newest first, and pending {reasons: [{code, resource?, requested?, freeMax?, pool?, message}], alternatives: [{computeTarget, instanceType, canStartNow}]} while it waits',
      permission: 'jobs.read',
      params: ['workspace', 'name'],
      watch: 'resource',
    },
  },
  '/api/v1/workspaces/{workspace}/jobs/{name}/logs': {
    get: {
      summary: 'A rank\'s log as text/plain, streamed: rank (default 0), trial (sweeps), follow=true (until the container ends), tailLines, download=true (as an attachment). A finished job whose pods are gone answers 200 with a sentence saying so',
      permission: 'jobs.read',
      params: ['workspace', 'name'],
      query: ['rank', 'trial', 'follow', 'tailLines', 'timestamps', 'download'],
    },
  },
  '/api/v1/workspaces/{workspace}/jobs/{name}/trials': {
    get: {
      summary:
        'A sweep\'s trials by index, {items, next}: {uid, name, index, status, statusMessage, parameters, primaryMetric?, startedAt?, finishedAt?, durationSeconds?, terminationReason?, termination?, ignoredMetricLines}. Trials not created yet are absent; each trial opens as a job of its own (GET …/jobs/{trial})',
      permission: 'jobs.read',
      params: ['workspace', 'name'],
      list: true,
      query: ['limit', 'cursor'],
      watch: 'list',
    },
  },
  '/api/v1/workspaces/{workspace}/jobs/{name}/metrics': {
    get: {
      summary:
        'Metrics a job reported on stdout (HARBORMASTER_METRIC <name>=<number> [step=<int>]): {items: [{job, name, points: [{step, value, at}]}], ignoredLines}. A sweep: one metric (name, default its primary metric) across its trials',
      permission: 'jobs.read',
      params: ['workspace', 'name'],
      query: ['name'],
    },
  },
  '/api/v1/workspaces/{workspace}/jobs/{name}/cancel': { post: { summary: 'Cancel a job (a sweep: with its active trials): its Kubernetes Jobs (and pods) are deleted, the record is kept as Canceled; dryRun=true answers what would be deleted and changes nothing', permission: 'jobs.submit', params: ['workspace', 'name'] } },
  '/api/v1/workspaces/{workspace}/jobs/{name}/rerun': { post: { summary: 'Run a job again under a new name (body optional: {"newName"}): 201 when its Kubernetes Job exists, 202 while its cluster cannot be reached', permission: 'jobs.submit', params: ['workspace', 'name'], ok: 201 } },
  '/api/v1/workspaces/{workspace}/code': { post: { summary: 'Upload a code folder (multipart: files or a zip/tar.gz as code); answers {sha256, reference} for code: azureml:code-<sha256>', permission: 'jobs.submit', params: ['workspace'], ok: 201 } },
  '/api/v1/workspaces/{workspace}/environments': {
    get: { summary: 'Environments of a workspace (name:version → image)', permission: 'jobs.read', params: ['workspace'], list: true },
    post: { summary: 'Register an environment (JSON or YAML)', permission: 'environments.manage', params: ['workspace'], body: 'EnvironmentCreate', ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/environments/{name}/versions/{version}': {
    get: { summary: 'One environment version', permission: 'jobs.read', params: ['workspace', 'name', 'version'] },
    delete: { summary: 'Delete an environment version', permission: 'environments.manage', params: ['workspace', 'name', 'version'] },
  },
  '/api/v1/workspaces/{workspace}/models': {
    get: { summary: 'Models of a workspace by name, {items, next}: each {uid, name, versions, latestVersion: {version, type, description, createdAt, archived}}; q filters by name; watch=true streams changes', permission: 'models.read', params: ['workspace'], list: true, query: ['q', 'limit', 'cursor'], watch: 'list' },
    post: {
      summary:
        'Register a model version: Azure ML model YAML (application/yaml), the same fields as JSON, or multipart with the document as `model` and the files of a local path (≤ 2 GiB). Without version: the highest + 1, from 1. 201 with {name, version, type, path, location, lineage: {job, deployments}}; a version that exists is a 409; dryRun=true writes nothing',
      permission: 'models.manage',
      params: ['workspace'],
      ok: 201,
    },
  },
  '/api/v1/workspaces/{workspace}/models/{name}/versions': { get: { summary: 'A model’s versions, newest first, {items, next}; archived=false leaves archived ones out', permission: 'models.read', params: ['workspace', 'name'], list: true, query: ['archived', 'limit', 'cursor'] } },
  '/api/v1/workspaces/{workspace}/models/{name}/versions/{version}': {
    get: { summary: 'One model version (latest: the newest not archived) with its lineage {job: {name, computeTarget, cluster, namespace, output, location, image, inputs, status}, deployments}', permission: 'models.read', params: ['workspace', 'name', 'version'] },
  },
  '/api/v1/workspaces/{workspace}/models/{name}/versions/{version}/archive': { post: { summary: 'Archive a model version (readable; @latest skips it)', permission: 'models.manage', params: ['workspace', 'name', 'version'] } },
  '/api/v1/workspaces/{workspace}/models/{name}/versions/{version}/restore': { post: { summary: 'Restore an archived model version', permission: 'models.manage', params: ['workspace', 'name', 'version'] } },
  '/api/v1/workspaces/{workspace}/online-endpoints': {
    get: { summary: 'Online endpoints, {items}: each {name, computeTarget, cluster, authMode, traffic: {<deployment>: percent}, mirrorTraffic, scoringUri, provisioningState, deployments: [{name, state, readyReplicas, desiredReplicas}]} — never keys; watch=true streams changes', permission: 'endpoints.read', params: ['workspace'], list: true, watch: 'list' },
    post: { summary: 'Create an online endpoint: Azure ML kubernetesOnlineEndpoint YAML (managedOnlineEndpoint with compute=<target>) or the same fields as JSON; 201; a taken name (per workspace and per cluster) is a 409; dryRun=true writes nothing', permission: 'endpoints.manage', params: ['workspace'], query: ['compute'], ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}': {
    get: { summary: 'One online endpoint (no keys); watch=true streams it', permission: 'endpoints.read', params: ['workspace', 'name'] },
    put: { summary: 'Replace an endpoint from its file (traffic, mirror_traffic, description, tags; compute cannot change)', permission: 'endpoints.manage', params: ['workspace', 'name'] },
    patch: { summary: 'Change fields: JSON {"traffic": {"blue": 90, "green": 10}, "mirrorTraffic", "description", "tags"}; traffic sums to 0 or 100 and names deployments of the endpoint', permission: 'endpoints.manage', params: ['workspace', 'name'] },
    delete: { summary: 'Delete an endpoint with its deployments and their Kubernetes objects; the router stops serving it first', permission: 'endpoints.manage', params: ['workspace', 'name'] },
  },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}/list-keys': { post: { summary: 'The endpoint keys {primaryKey, secondaryKey} (audited; auditors are refused)', permission: 'endpoints.keys', params: ['workspace', 'name'] } },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}/regenerate-keys': { post: { summary: 'Regenerate a key: JSON {"keyType": "primary" | "secondary"}; the router stops accepting the old one', permission: 'endpoints.keys', params: ['workspace', 'name'] } },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}/test': { post: { summary: 'Send one scoring request through the router with the endpoint key: JSON {"body": "<JSON text>", "deployment"?}; answers {outcome, status, latencyMs, headers, body, message}', permission: 'endpoints.keys', params: ['workspace', 'name'] } },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}/deployments': {
    get: { summary: 'The endpoint\'s deployments with state (Provisioning, Updating, Healthy, Unhealthy + reasons), replicas and traffic; watch=true streams changes', permission: 'endpoints.read', params: ['workspace', 'name'], list: true, watch: 'list' },
    post: { summary: 'Create a deployment: kubernetesOnlineDeployment YAML, JSON, or multipart with the document as `deployment` and the scoring code files; 201 {deployment, objects, warnings}; dryRun=true answers the Kubernetes objects (Deployment, Service, HPA)', permission: 'endpoints.manage', params: ['workspace', 'name'], ok: 201 },
  },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}/deployments/{deployment}': {
    get: { summary: 'One deployment with its replicas, recent events and, for unschedulable replicas, the pending explanation; watch=true streams it', permission: 'endpoints.read', params: ['workspace', 'name', 'deployment'] },
    put: { summary: 'Update a deployment from its file; a changed instance_type is rolled out (new pods ready before old ones stop)', permission: 'endpoints.manage', params: ['workspace', 'name', 'deployment'] },
    delete: { summary: 'Delete a deployment and its objects; 409 while it takes traffic', permission: 'endpoints.manage', params: ['workspace', 'name', 'deployment'] },
  },
  '/api/v1/workspaces/{workspace}/online-endpoints/{name}/deployments/{deployment}/logs': { get: { summary: 'A replica\'s log (text/plain, streamed): replica=<pod>, follow=true, tailLines, timestamps=true', permission: 'endpoints.read', params: ['workspace', 'name', 'deployment'], query: ['replica', 'follow', 'tailLines', 'timestamps'] } },
  '/api/v1/code/{sha256}/{name}': { get: { summary: 'A job’s uploaded code snapshot or input file, for its init container (job-scoped fetch token as Bearer; name optional)', params: ['sha256', 'name'] } },
  '/api/v1/audit/events': { get: { summary: 'Audit events, newest first, with a cursor', permission: 'audit.read', list: true, query: ['q', 'actor', 'action', 'workspace', 'outcome', 'cursor', 'limit'] } },
  '/api/v1/audit/verify': { get: { summary: 'Verify the audit hash chain and its signed checkpoints: {ok, checked, firstBroken?: {id, reason}, lastId, lastHash, checkpoints, lastCheckpointId, signedBy}; without from/to the whole chain, with them that range (the first event\'s prevHash taken as given)', permission: 'audit.read', query: ['from', 'to'] } },
  '/api/v1/audit/head': { get: { summary: 'The newest event signed now with the console\'s Ed25519 key: {id, hash, at, signature, publicKey (base64 SPKI), publicKeyPem, fingerprint}; record it to detect a later rewrite or truncation offline (scripts/verify-audit.mjs); 409 when the events since the newest checkpoint do not verify', permission: 'audit.read' } },
  '/api/v1/audit/export': { get: { summary: 'Export audit events (CSV or JSON lines) with the chain fields: every hashed field, prevHash, hash and, on checkpoint events, checkpointAt/checkpointSignature/checkpointPublicKey; from/to limit the event ids; verify offline with scripts/verify-audit.mjs', permission: 'audit.read', query: ['format', 'q', 'actor', 'workspace', 'outcome', 'from', 'to'] } },
  '/api/v1/audit/sharing': {
    get: {
      summary:
        'The sharing map: {clusters, workspaces, cells: [{cluster, location, workspace, targets: [{name, namespace, instanceTypes, quota, usage, backend, createdBy, createdAt}]}], flags: [{code, cluster?, workspace?, target?, namespace?, message, href?, severity}], errors}. Flag codes: namespace_shared, no_quota, insecure_connections, tls_expiring, namespace_missing, drift, cross_location. Filters location (cloud|on-prem|edge), cluster, workspace; format=csv exports one row per target. An unreachable cluster is an entry in errors',
      permission: 'access.read',
      query: ['location', 'cluster', 'workspace', 'format'],
    },
  },
  '/api/v1/audit/access': {
    get: {
      summary: 'Who can do what on a workspace (?workspace=) or a cluster (?cluster=): {items: [{principal: {kind: user|token, name, email}, role, permissions, source}], next?}; never a token value; format=csv exports every entry',
      permission: 'access.read',
      list: true,
      query: ['workspace', 'cluster', 'cursor', 'limit', 'format'],
    },
  },
};

const S = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });

export function addOpenApiPaths(paths: Record<string, Record<string, Op>>) {
  Object.assign(PATHS, paths);
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [p, ops] of Object.entries(PATHS)) paths[p] = Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Harbormaster API',
      version: '1',
      description:
        'Run ML on any Kubernetes cluster. Lists answer {items, next?}: when `next` is present, send it back as ?cursor= for the next page. ' +
        'Lists that show live state accept ?watch=true and answer text/event-stream: each event\'s data is {"type": "ADDED"|"MODIFIED"|"DELETED", "object": <a list item>}, ' +
        'the current items first as ADDED (again on every reconnect), heartbeat comments every 15 s. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Personal access token (Tokens & security page, or npm run admin -- create-token)' } },
      responses: {
        Problem: {
          description: 'RFC 9457 problem details',
          content: {
            'application/problem+json': {
              schema: S({ type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, requestId: { type: 'string' }, errors: { type: 'array', items: S({ path: { type: 'string' }, message: { type: 'string' } }) } }),
            },
          },
        },
      },
      schemas: {
        List: {
          type: 'object',
          required: ['items'],
          properties: {
            items: { type: 'array', items: { type: 'object' } },
            next: { type: 'string', description: 'Present when there is another page: send it back as ?cursor= (opaque).' },
          },
        },
        WatchEvent: {
          type: 'object',
          description: 'One Server-Sent Event\'s data (`data: <json>`, with an `id:`); comment lines are heartbeats.',
          required: ['type', 'object'],
          additionalProperties: false,
          properties: {
            type: { enum: ['ADDED', 'MODIFIED', 'DELETED'] },
            object: { type: 'object', description: 'A list item (for a resource: the whole resource); for DELETED, the item as last sent.' },
          },
        },
        WorkspaceCreate: S({ name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }, displayName: { type: 'string' }, description: { type: 'string' } }, ['name']),
        WorkspaceUpdate: S({ displayName: { type: 'string' }, description: { type: 'string' } }),
        MemberAdd: S({ email: { type: 'string', format: 'email' } }, ['email']),
        UserCreate: S({ email: { type: 'string', format: 'email' }, displayName: { type: 'string' }, password: { type: 'string', minLength: 12 }, globalRole: { enum: ['ops_admin', 'auditor', null] }, workspaces: { type: 'array', items: { type: 'string' } } }, ['email']),
        UserRole: S({ globalRole: { enum: ['ops_admin', 'auditor', null] } }, ['globalRole']),
        PasswordReset: S({ password: { type: 'string', minLength: 12 } }),
        ClusterRegister: S(
          {
            name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
            displayName: { type: 'string' },
            description: { type: 'string' },
            kind: { enum: ['aks', 'arc', 'kubernetes'] },
            location: { enum: ['cloud', 'on-prem', 'edge'] },
            region: { type: 'string' },
            connection: { oneOf: [S({ mode: { const: 'kubeconfig' }, kubeconfig: { type: 'string', description: 'kubeconfig YAML with embedded credentials' }, context: { type: 'string' } }, ['mode', 'kubeconfig']), S({ mode: { const: 'inCluster' } }, ['mode'])] },
            allowUnreachable: { type: 'boolean', description: 'save even when the checks cannot reach the cluster' },
          },
          ['name', 'kind', 'location', 'connection'],
        ),
        ClusterUpdate: S({ displayName: { type: 'string' }, description: { type: 'string' }, kind: { enum: ['aks', 'arc', 'kubernetes'] }, location: { enum: ['cloud', 'on-prem', 'edge'] }, region: { type: 'string' } }),
        AzureConnectionCreate: S(
          {
            name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
            kind: { enum: ['user', 'client_secret', 'client_certificate', 'managed_identity'] },
            tenantId: { type: 'string' },
            clientId: { type: 'string' },
            clientSecret: { type: 'string', writeOnly: true },
            certificate: { type: 'string', writeOnly: true, description: 'PEM: the private key and the certificate' },
            authorityHost: { type: 'string', format: 'uri' },
            armEndpoint: { type: 'string', format: 'uri' },
            caPem: { type: 'string' },
          },
          ['name', 'kind', 'tenantId'],
        ),
        AzureConnectionUpdate: S({ tenantId: { type: 'string' }, clientId: { type: ['string', 'null'] }, clientSecret: { type: 'string', writeOnly: true }, certificate: { type: 'string', writeOnly: true }, authorityHost: { type: ['string', 'null'] }, armEndpoint: { type: 'string' }, caPem: { type: ['string', 'null'] } }),
        WorkspaceAzureLink: S({ connection: { type: 'string' }, subscriptionId: { type: 'string', format: 'uuid' }, resourceGroup: { type: 'string' }, workspaceName: { type: 'string' } }, ['connection', 'subscriptionId', 'resourceGroup', 'workspaceName']),
        ClusterFromAzure: S(
          {
            connection: { type: 'string', description: 'Azure connection name' },
            resourceId: { type: 'string', description: '/subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/<name> or …/Microsoft.Kubernetes/connectedClusters/<name>' },
            name: { type: 'string' },
            location: { enum: ['cloud', 'on-prem', 'edge'] },
            region: { type: 'string', description: "default: the cluster's Azure region" },
            displayName: { type: 'string' },
            description: { type: 'string' },
          },
          ['connection', 'resourceId', 'name', 'location'],
        ),
        AzureExtension: S(
          {
            settings: { type: 'object', description: "The same settings as Harbormaster's extension (Azure ML's names), sent as configurationSettings; Harbormaster-only settings (routerImage, imageRegistry, imagePullSecret, proxy) are refused" },
            tls: { ...S({ certPem: { type: 'string' }, keyPem: { type: 'string' } }, ['certPem', 'keyPem']), writeOnly: true, description: 'router certificate chain and key: sent as protected settings (scoringFe.sslCert / scoringFe.sslKey), stored encrypted, never returned' },
          },
          [],
        ),
        ClusterCredentials: S({ connection: { type: 'object' }, allowUnreachable: { type: 'boolean' } }, ['connection']),
        ExtensionInstall: S(
          {
            settings: { type: 'object', description: 'Azure ML setting names: enableTraining, enableInference, inferenceRouterServiceType, internalLoadBalancerProvider, allowInsecureConnections, sslSecret, sslCname, inferenceRouterHA, nodeSelector, installNvidiaDevicePlugin, routerImage, imageRegistry, imagePullSecret, proxy' },
            tls: S({ certPem: { type: 'string' }, keyPem: { type: 'string' } }, ['certPem', 'keyPem']),
            removeTls: { type: 'boolean' },
            egress: S({ enabled: { type: 'boolean' }, allowCidrs: { type: 'array', items: { type: 'string' } }, allowHosts: { type: 'array', items: { type: 'string' } } }, ['enabled']),
            confirm: { type: 'boolean', description: 'confirm changes that disturb live workloads' },
          },
          [],
        ),
        InstanceTypeApply: {
          description: 'An InstanceType or InstanceTypeList (amlarc.azureml.com/v1alpha1; also as application/yaml), or the form fields',
          oneOf: [
            { type: 'object', required: ['kind'], properties: { apiVersion: { const: 'amlarc.azureml.com/v1alpha1' }, kind: { enum: ['InstanceType', 'InstanceTypeList'] }, metadata: { type: 'object' }, spec: { type: 'object' }, items: { type: 'array', items: { type: 'object' } } } },
            S({ name: { type: 'string' }, nodeSelector: { type: 'array', items: S({ key: { type: 'string' }, value: { type: 'string' } }) }, cpuRequest: { type: 'string' }, cpuLimit: { type: 'string' }, memoryRequest: { type: 'string' }, memoryLimit: { type: 'string' }, gpu: { type: 'string' } }, ['name', 'cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit']),
          ],
        },
        ComputeAttachAzure: S(
          { name: { type: 'string', description: 'target name and Azure ML compute name: 2–16 letters, digits and hyphens, a letter first' }, cluster: { type: 'string' }, namespace: { type: 'string', description: 'default: default (must exist)' }, defaultInstanceType: { type: 'string' }, instanceTypes: { type: 'array', items: { type: 'string' } }, description: { type: 'string' } },
          ['name', 'cluster'],
        ),
        ComputeAttach: S(
          {
            name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9-]{0,14}[A-Za-z0-9]$', description: '2–16 letters, digits or dashes, starting with a letter (Azure ML\'s rule)' },
            cluster: { type: 'string' },
            namespace: { type: 'string', description: 'default <workspace>-<name>; created when missing' },
            createNamespace: { type: 'boolean' },
            defaultInstanceType: { type: 'string' },
            allowedInstanceTypes: { type: ['array', 'null'], items: { type: 'string' }, description: 'null or absent: all' },
            quota: { type: ['object', 'null'], properties: { cpu: { type: 'string' }, memory: { type: 'string' }, gpu: { type: 'string' }, pods: { type: 'string' } } },
            description: { type: 'string' },
            confirmSharedNamespace: { type: 'boolean', description: 'required when another target uses the namespace' },
          },
          ['name', 'cluster'],
        ),
        ComputeUpdate: S({ defaultInstanceType: { type: 'string' }, allowedInstanceTypes: { type: ['array', 'null'], items: { type: 'string' } }, quota: { type: ['object', 'null'] }, description: { type: 'string' } }),
        JobDocument: {
          type: 'object',
          description: 'An Azure ML CLI v2 commandJob or sweepJob document (type, command, code, environment, inputs, outputs, resources, distribution, limits, compute, …), in Azure ML field names',
          additionalProperties: true,
        },
        EnvironmentCreate: S({ name: { type: 'string' }, version: { type: 'string' }, image: { type: 'string' }, condaFile: { type: 'string' }, description: { type: 'string' } }, ['name', 'version', 'image']),
        TokenCreate: S(
          {
            name: { type: 'string' },
            expiresIn: {
              type: 'string',
              pattern: '^(never|\\d+(m|h|d|w|y))$',
              description: 'e.g. 30d, 12h, 1y; "never" for a token that does not expire. Left out: the default lifetime (HARBORMASTER_TOKEN_DEFAULT_DAYS, 90 days).',
            },
          },
          ['name'],
        ),
      },
    },
  };
}

export function describedPaths(): string[] {
  return Object.keys(PATHS);
}

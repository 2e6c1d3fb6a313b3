import 'server-only';
import type { ContainerResourceSettings, EndpointAuthKeys, KubernetesOnlineDeployment, OnlineDeployment, OnlineEndpoint, ProbeSettings } from '@azure/arm-machinelearning';
import type { ResourceMap } from '@/lib/domain';
import type { OnlineDeploymentDto, OnlineEndpointDto, ProbeSpec } from '@/lib/endpoints/spec';
import { AppError, isAppError } from '../errors';
import { getDeployment, getEndpoint, getEndpointRecord, listDeployments, listEndpoints, readKeys } from '../services/endpoints';
import { ArmError } from './errors';
import { armAction, armBody, armJson, systemData, WORKSPACE_TYPE, type ArmContext, type ArmRoute } from './http';
import { mayRun, refuseArmBody } from './refusal';
import { ARM_LOCATION } from './workspace';
import { isoDurationMs, msToIsoDuration, otherWorkspace, parseAssetId, type AssetKind, type Wire } from './wire';

// Online endpoints and their deployments as Azure ML's ARM resources (issue 19): Kubernetes endpoints only
// (`properties.compute` names a compute). Writes run the /api/v1 actions (endpoints.create/update/delete/listKeys/
// regenerateKeys, deployments.create/update/delete) with ARM's body mapped onto the Azure ML CLI v2 document those
// actions validate; refusals name ARM's field (properties.instanceType, not instance_type). PUT and DELETE are
// long-running operations: Azure-AsyncOperation (and Location) point at `…/workspaces/{ws}/operations/{id}`
// (`…/operationResults/{id}` for Location), whose status follows the resource's provisioning state. Azure itself
// answers with `…/providers/Microsoft.MachineLearningServices/locations/{loc}/mfeOperationsStatus/{id}`, outside
// the workspace; Harbormaster's operations are workspace-scoped (the id says which resource it follows).

type Doc = Record<string, unknown>;
const isObj = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v);

// --- refusals ------------------------------------------------------------------------------------------

/**
 * Refuses a field the ARM door cannot map onto the action (a managed endpoint, mirrored traffic, a key value): as
 * refuseArmBody does — the action's own denial for a caller who may not run it, else 400 naming the ARM field,
 * the failed attempt audited under the action's name. Nothing is written.
 */
export const refuseArmField = (ctx: ArmContext, action: string, input: Doc, field: string, message: string): Promise<never> =>
  refuseArmBody(ctx, action, [{ path: field, message }], typeof input.name === 'string' ? input.name : null);

/** Azure ML CLI field names (what the actions name) → ARM's, for refusals. */
const ARM_FIELD: Record<string, string> = {
  name: 'name',
  tags: 'tags',
  identity: 'identity',
  compute: 'properties.compute',
  auth_mode: 'properties.authMode',
  traffic: 'properties.traffic',
  mirror_traffic: 'properties.mirrorTraffic',
  mirrorTraffic: 'properties.mirrorTraffic',
  description: 'properties.description',
  properties: 'properties.properties',
  public_network_access: 'properties.publicNetworkAccess',
  model: 'properties.model',
  model_mount_path: 'properties.modelMountPath',
  code_configuration: 'properties.codeConfiguration',
  environment: 'properties.environmentId',
  environment_variables: 'properties.environmentVariables',
  instance_type: 'properties.instanceType',
  instance_count: 'sku.capacity',
  resources: 'properties.containerResourceRequirements',
  scale_settings: 'properties.scaleSettings',
  request_settings: 'properties.requestSettings',
  liveness_probe: 'properties.livenessProbe',
  readiness_probe: 'properties.readinessProbe',
  app_insights_enabled: 'properties.appInsightsEnabled',
  data_collector: 'properties.dataCollector',
  egress_public_network_access: 'properties.egressPublicNetworkAccess',
  path: 'properties.modelUri',
  type: 'properties.modelType',
  flavors: 'properties.flavors',
  stage: 'properties.stage',
};
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/** Second segments ARM spells otherwise than camelCase of the CLI's. */
const ARM_SUBFIELD: Record<string, string> = {
  'resources.requests': 'containerResourceRequests',
  'resources.limits': 'containerResourceLimits',
  'scale_settings.type': 'scaleType',
  'request_settings.request_timeout_ms': 'requestTimeout',
  'request_settings.max_queue_wait_ms': 'maxQueueWait',
  'code_configuration.code': 'codeId',
};

/** A CLI path (`code_configuration.code`, `traffic.blue`) as ARM's (`properties.codeConfiguration.code`, …). */
export function armField(path: string): string {
  if (!path || path === '(body)') return path;
  const [head, ...rest] = path.split('.');
  const mapped = ARM_FIELD[head];
  if (!mapped) return path;
  // Deployment names and other map keys under traffic/tags/variables stay as they are.
  const keepKeys = ['traffic', 'mirror_traffic', 'mirrorTraffic', 'tags', 'properties', 'environment_variables'].includes(head);
  if (keepKeys) return [mapped, ...rest].join('.');
  const [sub, ...more] = rest;
  return [mapped, ...(sub === undefined ? [] : [ARM_SUBFIELD[`${head}.${sub}`] ?? camel(sub)]), ...more.map(camel)].join('.');
}

/** Runs the action with a refusal's fields in ARM's names (`deployment.instance_type` → `properties.instanceType`). */
export const armRun = <O>(ctx: ArmContext, action: string, input: unknown): Promise<O> =>
  armAction<O>(ctx, action, input, (p) => armField(p.replace(/^(endpoint|deployment|model)\./, '')));

// --- ISO 8601 durations (probes, request settings) -------------------------------------------------------

/** `PT10S` → 10000 ms; anything else is handed on unchanged, so the action refuses it naming the field. */
const durationMs = (v: unknown): unknown => isoDurationMs(v) ?? v;
const durationS = (v: unknown) => {
  const ms = isoDurationMs(v);
  return ms === undefined ? v : ms / 1000;
};
const iso = msToIsoDuration;

// --- ids --------------------------------------------------------------------------------------------

/** An asset's ARM id → {name, version}; another form → null; another workspace's asset → the refusal's message. */
function assetOf(ctx: ArmContext, id: string, kind: AssetKind): { name: string; version?: string } | string | null {
  const a = parseAssetId(id, kind);
  return a && (otherWorkspace(id, kind, ctx.workspace, a) ?? a);
}

const endpointId = (ctx: ArmContext, name: string) => `${ctx.workspaceId}/onlineEndpoints/${name}`;

// --- long-running operations ----------------------------------------------------------------------

type Operation = { k: 'endpoint' | 'deployment' | 'keys'; op: 'put' | 'delete' | 'post'; e: string; d?: string };
const opId = (o: Operation) => Buffer.from(JSON.stringify([o.k, o.op, o.e, o.d ?? null])).toString('base64url');
function parseOpId(id: string): Operation {
  try {
    const [k, op, e, d] = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as [Operation['k'], Operation['op'], string, string | null];
    if (['endpoint', 'deployment', 'keys'].includes(k) && ['put', 'delete', 'post'].includes(op) && typeof e === 'string') return { k, op, e, ...(d ? { d } : {}) };
  } catch {
    // answered below
  }
  throw new ArmError('not_found', 'ResourceNotFound', `no operation ${id.slice(0, 100)}`);
}

/** The headers of an accepted long-running operation: Azure-AsyncOperation (status), Location (result). */
function lroHeaders(ctx: ArmContext, o: Operation): Record<string, string> {
  const id = opId(o);
  const q = `?api-version=${encodeURIComponent(ctx.apiVersion)}`;
  const ws = `${ctx.base}${ctx.workspaceId}`;
  return { 'azure-asyncoperation': `${ws}/operations/${id}${q}`, location: `${ws}/operationResults/${id}${q}`, 'retry-after': '1' };
}

/** ARM's names for a deployment's state: Unhealthy is Failed once a reason other than a failing probe says why. */
function deploymentProvisioning(d: Pick<OnlineDeploymentDto, 'state' | 'reasons'>): 'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting' {
  switch (d.state) {
    case 'Healthy':
      return 'Succeeded';
    case 'Updating':
      return 'Updating';
    case 'Deleting':
      return 'Deleting';
    case 'Unhealthy':
      return d.reasons.some((r) => r.code !== 'ProbeFailed') ? 'Failed' : 'Creating';
    default:
      return 'Creating';
  }
}

type OpStatus = { status: 'InProgress' | 'Succeeded' | 'Failed'; error?: { code: string; message: string } };

const notFound = (e: unknown) => isAppError(e) && e.code === 'not_found';

async function operationStatus(ctx: ArmContext, o: Operation): Promise<OpStatus> {
  const read = async () => {
    try {
      if (o.k === 'deployment') {
        const d = await getDeployment(ctx.db, ctx.workspace, o.e, o.d!);
        return { state: deploymentProvisioning(d), message: d.reasons.map((r) => `${r.code}: ${r.message}`).join('; ') };
      }
      const e = await getEndpoint(ctx.db, ctx.workspace, o.e);
      return { state: e.provisioningState, message: e.provisioningMessage ?? '' };
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  };
  if (o.k === 'keys') return { status: 'Succeeded' };
  const now = await read();
  if (o.op === 'delete') return now ? { status: 'InProgress' } : { status: 'Succeeded' };
  if (!now) return { status: 'Failed', error: { code: 'ResourceNotFound', message: `${o.k === 'deployment' ? `deployment ${o.e}/${o.d}` : `online endpoint ${o.e}`} no longer exists` } };
  if (now.state === 'Succeeded') return { status: 'Succeeded' };
  if (now.state === 'Failed') return { status: 'Failed', error: { code: o.k === 'deployment' ? 'DeploymentFailed' : 'EndpointProvisioningFailed', message: now.message || 'provisioning failed' } };
  return { status: 'InProgress' };
}

// --- endpoints: ARM ↔ the actions' documents ------------------------------------------------------------

const ENDPOINT_PROPS = new Set(['authMode', 'compute', 'traffic', 'mirrorTraffic', 'description', 'properties', 'publicNetworkAccess', 'keys', 'provisioningState', 'scoringUri', 'swaggerUri']);
const AUTH_MODES: Record<string, string> = { key: 'key', amltoken: 'aml_token', aadtoken: 'aad_token' };

/** An ARM endpoint body → the endpoint document endpoints.create/update validate, or the ARM field to refuse. */
function endpointDocument(ctx: ArmContext, name: string, body: Doc): { doc: Doc } | { field: string; message: string } {
  const p = isObj(body.properties) ? body.properties : {};
  for (const k of Object.keys(p)) if (!ENDPOINT_PROPS.has(k)) return { field: `properties.${k}`, message: `is not a field of an online endpoint Harbormaster knows (it serves ${[...ENDPOINT_PROPS].slice(0, 7).join(', ')})` };
  if (p.compute === undefined || p.compute === null || p.compute === '') {
    return { field: 'properties.compute', message: 'Harbormaster serves Kubernetes online endpoints only: name a Kubernetes compute (KubernetesOnlineEndpoint(compute=...)); managed online endpoints (no compute) are not available' };
  }
  if (p.keys !== undefined && p.keys !== null) return { field: 'properties.keys', message: 'keys are generated by Harbormaster; read them with listKeys (get_keys) and rotate them with regenerateKeys' };
  const identity = isObj(body.identity) ? body.identity : undefined;
  const doc: Doc = { name };
  const compute = String(p.compute);
  const c = assetOf(ctx, compute, 'computes');
  if (typeof c === 'string') return { field: 'properties.compute', message: c };
  doc.compute = `azureml:${c?.name ?? compute.replace(/^azureml:/, '')}`;
  if (typeof p.authMode === 'string') doc.auth_mode = AUTH_MODES[p.authMode.toLowerCase()] ?? p.authMode;
  if (p.traffic !== undefined && p.traffic !== null) doc.traffic = p.traffic;
  // Mirrored traffic: Harbormaster's endpoints have it (its rules are the action's: one deployment, ≤ 50 %, no live traffic).
  if (p.mirrorTraffic !== undefined && p.mirrorTraffic !== null) doc.mirror_traffic = p.mirrorTraffic;
  if (p.description !== undefined && p.description !== null) doc.description = p.description;
  if (isObj(p.properties) && Object.keys(p.properties).length) doc.properties = p.properties;
  if (isObj(body.tags)) doc.tags = body.tags;
  if (typeof p.publicNetworkAccess === 'string') doc.public_network_access = p.publicNetworkAccess.toLowerCase();
  // The SDK sends a system-assigned identity by default; only other kinds ask for something (refused by the action).
  if (identity && typeof identity.type === 'string' && !/^(None|SystemAssigned)$/i.test(identity.type)) doc.identity = identity;
  return { doc };
}

function endpointResource(ctx: ArmContext, e: OnlineEndpointDto): Wire<OnlineEndpoint> & { properties: { mirrorTraffic: Record<string, number> } } {
  return {
    id: endpointId(ctx, e.name),
    name: e.name,
    type: `${WORKSPACE_TYPE}/onlineEndpoints`,
    location: ARM_LOCATION,
    kind: 'Kubernetes',
    tags: e.tags,
    identity: { type: 'None' },
    systemData: systemData(e.createdAt, e.createdBy, e.updatedAt),
    properties: {
      authMode: 'Key',
      compute: `${ctx.workspaceId}/computes/${e.computeTarget}`,
      description: e.description,
      properties: {},
      scoringUri: e.scoringUri,
      provisioningState: e.provisioningState,
      publicNetworkAccess: 'Enabled',
      traffic: e.traffic,
      mirrorTraffic: e.mirrorTraffic,
    },
  } as Wire<OnlineEndpoint> & { properties: { mirrorTraffic: Record<string, number> } };
}

/** The read's answer, or null when it says not found (a PUT's create-or-update choice). */
export async function existsOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    if (notFound(e)) return null;
    throw e;
  }
}

async function putEndpoint(ctx: ArmContext) {
  const name = ctx.route.name;
  const body = await armBody(ctx);
  const existing = await existsOrNull(() => getEndpoint(ctx.db, ctx.workspace, name));
  const action = existing ? 'endpoints.update' : 'endpoints.create';
  const mapped = endpointDocument(ctx, name, body);
  const input = existing ? { workspace: ctx.workspace, name, endpoint: 'doc' in mapped ? mapped.doc : {} } : { workspace: ctx.workspace, endpoint: 'doc' in mapped ? mapped.doc : {} };
  if (!('doc' in mapped)) return refuseArmField(ctx, action, input, mapped.field, mapped.message);
  const result = await armRun<OnlineEndpointDto>(ctx, action, input);
  const now = await getEndpoint(ctx.db, ctx.workspace, result.name);
  return armJson(ctx, endpointResource(ctx, now), existing ? 200 : 201, lroHeaders(ctx, { k: 'endpoint', op: 'put', e: name }));
}

const PATCH_FIELDS = new Set(['traffic', 'mirrorTraffic', 'description', 'properties']);

async function patchEndpoint(ctx: ArmContext) {
  const name = ctx.route.name;
  const body = await armBody(ctx);
  const p = isObj(body.properties) ? body.properties : {};
  const input: Doc = { workspace: ctx.workspace, name };
  if (p.traffic !== undefined) input.traffic = p.traffic;
  if (p.mirrorTraffic !== undefined) input.mirrorTraffic = p.mirrorTraffic;
  if (p.description !== undefined) input.description = p.description;
  if (isObj(body.tags)) input.tags = body.tags;
  const bad = Object.keys(p).find((k) => !PATCH_FIELDS.has(k));
  if (bad) return refuseArmField(ctx, 'endpoints.update', input, `properties.${bad}`, 'cannot be changed with PATCH here: send traffic, mirrorTraffic, description or tags (or PUT the whole endpoint)');
  await armRun(ctx, 'endpoints.update', input);
  return armJson(ctx, endpointResource(ctx, await getEndpoint(ctx.db, ctx.workspace, name)), 200, lroHeaders(ctx, { k: 'endpoint', op: 'put', e: name }));
}

async function deleteEndpoint(ctx: ArmContext) {
  const name = ctx.route.name;
  await armRun(ctx, 'endpoints.delete', { workspace: ctx.workspace, name });
  return armJson(ctx, undefined, 202, lroHeaders(ctx, { k: 'endpoint', op: 'delete', e: name }));
}

async function listKeys(ctx: ArmContext): Promise<Wire<EndpointAuthKeys>> {
  const keys = await armAction<{ primaryKey: string; secondaryKey: string }>(ctx, 'endpoints.listKeys', { workspace: ctx.workspace, name: ctx.route.name });
  return { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey };
}

async function regenerateKeys(ctx: ArmContext) {
  const name = ctx.route.name;
  const body = await armBody(ctx);
  const keyType = typeof body.keyType === 'string' ? body.keyType.toLowerCase() : body.keyType;
  const input = { workspace: ctx.workspace, name, keyType };
  // The SDK sends the key being replaced as keyValue; any other value would ask for a chosen key, which is refused.
  if (body.keyValue !== undefined && body.keyValue !== null) {
    const rec = await existsOrNull(() => getEndpointRecord(ctx.db, ctx.workspace, name));
    const current = rec && mayRun(ctx, 'endpoints.regenerateKeys') ? readKeys(rec.row)[keyType === 'primary' ? 'primaryKey' : 'secondaryKey'] : undefined;
    if (rec && body.keyValue !== current) {
      return refuseArmField(ctx, 'endpoints.regenerateKeys', input, 'keyValue', 'Harbormaster generates keys itself (32 random bytes): a key of your choosing cannot be set; leave key_value out');
    }
  }
  await armRun(ctx, 'endpoints.regenerateKeys', input);
  return armJson(ctx, undefined, 202, lroHeaders(ctx, { k: 'keys', op: 'post', e: name }));
}

// --- deployments --------------------------------------------------------------------------------------

const DEPLOYMENT_PROPS = new Set([
  'endpointComputeType', 'description', 'properties', 'codeConfiguration', 'environmentId', 'environmentVariables', 'model', 'modelMountPath', 'instanceType',
  'scaleSettings', 'requestSettings', 'livenessProbe', 'readinessProbe', 'appInsightsEnabled', 'containerResourceRequirements', 'egressPublicNetworkAccess', 'dataCollector',
  'provisioningState',
]);

const probeDoc = (p: unknown) =>
  isObj(p)
    ? Object.fromEntries(
        Object.entries({ initial_delay: durationS(p.initialDelay), period: durationS(p.period), timeout: durationS(p.timeout), success_threshold: p.successThreshold, failure_threshold: p.failureThreshold }).filter(([, v]) => v !== undefined && v !== null),
      )
    : p;

const resourceDoc = (r: unknown) => (isObj(r) ? Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && v !== null)) : r);

/** An ARM deployment body → the deployment document deployments.create/update validate, or the ARM field to refuse. */
function deploymentDocument(ctx: ArmContext, endpoint: string, name: string, body: Doc): { doc: Doc } | { field: string; message: string } {
  const p = isObj(body.properties) ? body.properties : {};
  for (const k of Object.keys(p)) if (!DEPLOYMENT_PROPS.has(k)) return { field: `properties.${k}`, message: 'is not a field of a Kubernetes online deployment Harbormaster knows' };
  if (typeof p.endpointComputeType === 'string' && p.endpointComputeType.toLowerCase() !== 'kubernetes') {
    return { field: 'properties.endpointComputeType', message: `${p.endpointComputeType} deployments are not available: Harbormaster serves Kubernetes online deployments only (KubernetesOnlineDeployment)` };
  }
  const doc: Doc = { name, endpoint_name: endpoint };
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) doc[k] = v;
  };
  set('description', p.description);
  if (isObj(p.properties) && Object.keys(p.properties).length) doc.properties = p.properties;
  if (isObj(body.tags) && Object.keys(body.tags).length) doc.tags = body.tags;
  if (typeof p.model === 'string') {
    const m = assetOf(ctx, p.model, 'models');
    if (typeof m === 'string') return { field: 'properties.model', message: m };
    doc.model = m ? `azureml:${m.name}:${m.version ?? 'latest'}` : /^[a-z][a-z0-9+.-]*:\/\//i.test(p.model) && !p.model.startsWith('azureml:') ? { path: p.model } : p.model;
  } else set('model', p.model);
  set('model_mount_path', p.modelMountPath);
  if (isObj(p.codeConfiguration)) {
    const c = p.codeConfiguration;
    const codeAsset = typeof c.codeId === 'string' ? assetOf(ctx, c.codeId, 'codes') : null;
    if (typeof codeAsset === 'string') return { field: 'properties.codeConfiguration.codeId', message: codeAsset };
    const code = codeAsset ? `azureml:${c.codeId}` : c.codeId;
    doc.code_configuration = Object.fromEntries(Object.entries({ code, scoring_script: c.scoringScript }).filter(([, v]) => v !== undefined && v !== null));
  }
  if (typeof p.environmentId === 'string') {
    const env = assetOf(ctx, p.environmentId, 'environments');
    if (typeof env === 'string') return { field: 'properties.environmentId', message: env };
    doc.environment = env ? `azureml:${env.name}:${env.version ?? 'latest'}` : p.environmentId;
  } else set('environment', p.environmentId);
  if (isObj(p.environmentVariables) && Object.keys(p.environmentVariables).length) doc.environment_variables = p.environmentVariables;
  set('instance_type', p.instanceType);
  if (isObj(body.sku)) set('instance_count', body.sku.capacity);
  if (isObj(p.containerResourceRequirements)) {
    const r = p.containerResourceRequirements;
    doc.resources = Object.fromEntries(Object.entries({ requests: resourceDoc(r.containerResourceRequests), limits: resourceDoc(r.containerResourceLimits) }).filter(([, v]) => v !== undefined && v !== null));
  }
  if (isObj(p.scaleSettings)) {
    const s = p.scaleSettings;
    const type = typeof s.scaleType === 'string' ? s.scaleType.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() : s.scaleType;
    doc.scale_settings =
      type === 'target_utilization'
        ? Object.fromEntries(
            Object.entries({ type, min_instances: s.minInstances, max_instances: s.maxInstances, target_utilization_percentage: s.targetUtilizationPercentage, polling_interval: durationS(s.pollingInterval) }).filter(([, v]) => v !== undefined && v !== null),
          )
        : { type };
  }
  if (isObj(p.requestSettings)) {
    const r = p.requestSettings;
    doc.request_settings = Object.fromEntries(
      Object.entries({ request_timeout_ms: durationMs(r.requestTimeout), max_concurrent_requests_per_instance: r.maxConcurrentRequestsPerInstance, max_queue_wait_ms: durationMs(r.maxQueueWait) }).filter(([, v]) => v !== undefined && v !== null),
    );
  }
  if (p.livenessProbe) doc.liveness_probe = probeDoc(p.livenessProbe);
  if (p.readinessProbe) doc.readiness_probe = probeDoc(p.readinessProbe);
  set('app_insights_enabled', p.appInsightsEnabled);
  if (typeof p.egressPublicNetworkAccess === 'string') doc.egress_public_network_access = p.egressPublicNetworkAccess.toLowerCase();
  set('data_collector', p.dataCollector);
  return { doc };
}

const probeWire = (p: ProbeSpec): Wire<ProbeSettings> => ({
  initialDelay: iso(p.initialDelaySeconds * 1000),
  period: iso(p.periodSeconds * 1000),
  timeout: iso(p.timeoutSeconds * 1000),
  successThreshold: p.successThreshold,
  failureThreshold: p.failureThreshold,
});

/** Harbormaster's requests/limits (Kubernetes names) as ARM's ContainerResourceSettings. */
function containerResources(r: ResourceMap | undefined): Wire<ContainerResourceSettings> | null {
  if (!r || !Object.keys(r).length) return null;
  const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
  return { cpu: text(r.cpu), memory: text(r.memory), gpu: text(r['nvidia.com/gpu'] ?? r.gpu) };
}

function deploymentResource(ctx: ArmContext, d: OnlineDeploymentDto): Wire<OnlineDeployment> {
  const s = d.spec;
  const envRef = s.environment.reference?.match(/^azureml:([^:@/]+):([^:@/]+)$/);
  const model = d.model && 'name' in d.model ? `${ctx.workspaceId}/models/${d.model.name}/versions/${d.model.version}` : (d.model?.path ?? undefined);
  const properties: Wire<KubernetesOnlineDeployment> = {
    endpointComputeType: 'Kubernetes',
    description: s.description ?? '',
    properties: {},
    environmentId: envRef ? `${ctx.workspaceId}/environments/${envRef[1]}/versions/${envRef[2]}` : s.environment.reference,
    environmentVariables: s.environmentVariables,
    model,
    modelMountPath: s.modelMountPath,
    instanceType: d.instanceType,
    codeConfiguration: s.codeConfiguration ? { codeId: s.codeConfiguration.code, scoringScript: s.codeConfiguration.scoringScript } : undefined,
    scaleSettings:
      s.scaleSettings.type === 'target_utilization'
        ? { scaleType: 'TargetUtilization', minInstances: s.scaleSettings.minInstances, maxInstances: s.scaleSettings.maxInstances, targetUtilizationPercentage: s.scaleSettings.targetUtilizationPercentage, pollingInterval: iso(s.scaleSettings.pollingIntervalSeconds * 1000) }
        : { scaleType: 'Default' },
    requestSettings: { requestTimeout: iso(s.requestSettings.requestTimeoutMs), maxConcurrentRequestsPerInstance: s.requestSettings.maxConcurrentRequestsPerInstance, maxQueueWait: iso(s.requestSettings.maxQueueWaitMs) },
    livenessProbe: probeWire(s.livenessProbe),
    readinessProbe: probeWire(s.readinessProbe),
    appInsightsEnabled: s.appInsightsEnabled,
    // The SDK reads this object unconditionally (its parts may be null).
    containerResourceRequirements: { containerResourceRequests: containerResources(s.resources?.requests), containerResourceLimits: containerResources(s.resources?.limits) },
    provisioningState: deploymentProvisioning(d),
  } as Wire<KubernetesOnlineDeployment>;
  return {
    id: `${endpointId(ctx, d.endpoint)}/deployments/${d.name}`,
    name: d.name,
    type: `${WORKSPACE_TYPE}/onlineEndpoints/deployments`,
    location: ARM_LOCATION,
    kind: 'Kubernetes',
    tags: s.tags,
    sku: { name: 'Default', capacity: s.scaleSettings.type === 'target_utilization' ? d.desiredReplicas : s.instanceCount },
    systemData: systemData(d.createdAt, d.createdBy, d.updatedAt),
    properties,
  } as Wire<OnlineDeployment>;
}

async function putDeployment(ctx: ArmContext) {
  const { endpoint, name } = ctx.route;
  const body = await armBody(ctx);
  const existing = await existsOrNull(() => getDeployment(ctx.db, ctx.workspace, endpoint, name));
  const action = existing ? 'deployments.update' : 'deployments.create';
  const mapped = deploymentDocument(ctx, endpoint, name, body);
  const input: Doc = { workspace: ctx.workspace, endpoint, deployment: 'doc' in mapped ? mapped.doc : {}, ...(existing ? { name } : {}) };
  if (!('doc' in mapped)) return refuseArmField(ctx, action, input, mapped.field, mapped.message);
  await armRun(ctx, action, input);
  const now = await getDeployment(ctx.db, ctx.workspace, endpoint, name);
  return armJson(ctx, deploymentResource(ctx, now), existing ? 200 : 201, lroHeaders(ctx, { k: 'deployment', op: 'put', e: endpoint, d: name }));
}

async function deleteDeployment(ctx: ArmContext) {
  const { endpoint, name } = ctx.route;
  await armRun(ctx, 'deployments.delete', { workspace: ctx.workspace, endpoint, name });
  return armJson(ctx, undefined, 202, lroHeaders(ctx, { k: 'deployment', op: 'delete', e: endpoint, d: name }));
}

// --- the operations ------------------------------------------------------------------------------------

async function operation(ctx: ArmContext) {
  const o = parseOpId(ctx.route.id);
  const s = await operationStatus(ctx, o);
  return { id: `${ctx.workspaceId}/operations/${ctx.route.id}`, name: ctx.route.id, status: s.status, ...(s.error ? { error: s.error } : {}) };
}

/** Location polling: 202 while the operation runs, then 200 (the resource, for a PUT) or 204; a failure as ARM's error. */
async function operationResult(ctx: ArmContext) {
  const o = parseOpId(ctx.route.id);
  const s = await operationStatus(ctx, o);
  if (s.status === 'InProgress') return armJson(ctx, undefined, 202, { location: `${ctx.base}${ctx.url.pathname.replace(/^\/arm/, '')}${ctx.url.search}`, 'retry-after': '1' });
  if (s.status === 'Failed') throw new ArmError('bad_request', s.error!.code, s.error!.message);
  if (o.op !== 'put') return armJson(ctx, undefined, 204);
  return o.k === 'deployment' ? deploymentResource(ctx, await getDeployment(ctx.db, ctx.workspace, o.e, o.d!)) : endpointResource(ctx, await getEndpoint(ctx.db, ctx.workspace, o.e));
}

const EP = { route: { name: 'rbac-example-ep' } };
const EP_BODY = { location: ARM_LOCATION, properties: { authMode: 'Key', compute: 'rbac-example', traffic: {}, mirrorTraffic: {} }, identity: { type: 'SystemAssigned' }, tags: {} };
const DEP = { route: { endpoint: 'rbac-example-ep', name: 'blue' } };
const DEP_BODY = { location: ARM_LOCATION, properties: { endpointComputeType: 'Kubernetes', environmentId: 'azureml:rbac-example-env:1', appInsightsEnabled: false }, sku: { name: 'Default', capacity: 1 }, tags: {} };

export const endpointRoutes: ArmRoute[] = [
  {
    method: 'GET',
    path: '/onlineEndpoints',
    permission: 'endpoints.read',
    handler: async (ctx) => ({ value: (await listEndpoints(ctx.db, ctx.workspace)).map((e) => endpointResource(ctx, e)) }),
    example: {},
  },
  { method: 'GET', path: '/onlineEndpoints/{name}', permission: 'endpoints.read', handler: async (ctx) => endpointResource(ctx, await getEndpoint(ctx.db, ctx.workspace, ctx.route.name)), example: EP },
  { method: 'PUT', path: '/onlineEndpoints/{name}', action: 'endpoints.create', handler: putEndpoint, example: { ...EP, body: EP_BODY } },
  { method: 'PATCH', path: '/onlineEndpoints/{name}', action: 'endpoints.update', handler: patchEndpoint, example: { ...EP, body: { properties: { traffic: {} } } } },
  { method: 'DELETE', path: '/onlineEndpoints/{name}', action: 'endpoints.delete', handler: deleteEndpoint, example: EP },
  { method: 'POST', path: '/onlineEndpoints/{name}/listKeys', action: 'endpoints.listKeys', handler: listKeys, example: EP },
  { method: 'POST', path: '/onlineEndpoints/{name}/regenerateKeys', action: 'endpoints.regenerateKeys', handler: regenerateKeys, example: { ...EP, body: { keyType: 'Secondary' } } },
  {
    method: 'GET',
    path: '/onlineEndpoints/{endpoint}/deployments',
    permission: 'endpoints.read',
    handler: async (ctx) => ({ value: (await listDeployments(ctx.db, ctx.workspace, ctx.route.endpoint)).map((d) => deploymentResource(ctx, d)) }),
    example: { route: { endpoint: 'rbac-example-ep' } },
  },
  {
    method: 'GET',
    path: '/onlineEndpoints/{endpoint}/deployments/{name}',
    permission: 'endpoints.read',
    handler: async (ctx) => deploymentResource(ctx, await getDeployment(ctx.db, ctx.workspace, ctx.route.endpoint, ctx.route.name)),
    example: DEP,
  },
  { method: 'PUT', path: '/onlineEndpoints/{endpoint}/deployments/{name}', action: 'deployments.create', handler: putDeployment, example: { ...DEP, body: DEP_BODY } },
  { method: 'DELETE', path: '/onlineEndpoints/{endpoint}/deployments/{name}', action: 'deployments.delete', handler: deleteDeployment, example: DEP },
  { method: 'GET', path: '/operations/{id}', permission: 'endpoints.read', handler: operation, example: { route: { id: opId({ k: 'endpoint', op: 'put', e: 'rbac-example-ep' }) } } },
  { method: 'GET', path: '/operationResults/{id}', permission: 'endpoints.read', handler: operationResult, example: { route: { id: opId({ k: 'endpoint', op: 'put', e: 'rbac-example-ep' }) } } },
];

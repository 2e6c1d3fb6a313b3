// The endpoint and deployment editors' two views (UI.md: YAML and form are two views of one spec, switchable
// both ways without loss): form ⇄ an Azure ML CLI v2 document (kubernetesOnlineEndpoint /
// kubernetesOnlineDeployment field names). Fields the form has no control for are kept and written back.
// Also the starting templates (test/fixtures/endpoints/*.yml, with an image that runs anywhere) and the
// endpoint as recorded, as an Azure ML document. Pure: no React.
import type { KeyValue } from '@/lib/jobs/job-form';
import type { OnlineEndpointDto } from '@/lib/endpoints/spec';

type Doc = Record<string, unknown>;
const isMap = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v);
type ToForm<V> = { ok: true; view: V } | { ok: false; reason: string };

export const ENDPOINT_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json';
export const DEPLOYMENT_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json';

/** `azureml:cpu` → `cpu`. */
export const bareTarget = (compute: string) => compute.replace(/^azureml:/i, '');

function tagsFrom(v: unknown): KeyValue[] | string {
  if (v === undefined || v === null) return [];
  if (!isMap(v)) return 'tags is not a mapping';
  const out: KeyValue[] = [];
  for (const [key, value] of Object.entries(v)) {
    if (isMap(value) || Array.isArray(value)) return `tag ${key} is not a single value`;
    out.push({ key, value: value === null ? '' : String(value) });
  }
  return out;
}
function tagsTo(rows: KeyValue[]): Doc | undefined {
  const tags = rows.filter((t) => t.key.trim() !== '');
  return tags.length ? Object.fromEntries(tags.map((t) => [t.key.trim(), t.value])) : undefined;
}
function tagProblem(rows: KeyValue[]): string | undefined {
  const keys = rows.map((t) => t.key.trim()).filter(Boolean);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (rows.some((t) => !t.key.trim() && t.value.trim())) return 'every tag needs a name';
  return dup ? `tag ${dup} is given twice` : undefined;
}

// --- endpoint ------------------------------------------------------------------------------------------

export interface EndpointFormState {
  name: string;
  /** The compute target's name (written as azureml:<name>). */
  compute: string;
  description: string;
  tags: KeyValue[];
}
export interface EndpointFormView {
  form: EndpointFormState;
  extra: Doc;
}

const ENDPOINT_HANDLED = new Set(['$schema', 'name', 'compute', 'auth_mode', 'description', 'tags']);

export function emptyEndpointForm(compute = ''): EndpointFormView {
  return { form: { name: '', compute, description: '', tags: [] }, extra: {} };
}

export function endpointFormToDocument({ form, extra }: EndpointFormView): Doc {
  const doc: Doc = { $schema: ENDPOINT_SCHEMA };
  if (form.name.trim()) doc.name = form.name.trim();
  if (form.compute.trim()) doc.compute = `azureml:${bareTarget(form.compute.trim())}`;
  doc.auth_mode = 'key';
  if (form.description.trim()) doc.description = form.description;
  const tags = tagsTo(form.tags);
  if (tags) doc.tags = tags;
  return { ...doc, ...extra };
}

export function documentToEndpointForm(doc: unknown): ToForm<EndpointFormView> {
  if (doc === undefined || doc === null) return { ok: true, view: emptyEndpointForm() };
  if (!isMap(doc)) return { ok: false, reason: 'the document is not a mapping of endpoint fields' };
  const form: EndpointFormState = { name: '', compute: '', description: '', tags: [] };
  for (const key of ['name', 'compute', 'description'] as const) {
    const v = doc[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return { ok: false, reason: `${key} is not text` };
    form[key] = key === 'compute' ? bareTarget(v) : v;
  }
  if (doc.auth_mode !== undefined && doc.auth_mode !== null && String(doc.auth_mode).toLowerCase() !== 'key') {
    return { ok: false, reason: `auth_mode ${String(doc.auth_mode)} is not one the form offers (key)` };
  }
  const tags = tagsFrom(doc.tags);
  if (typeof tags === 'string') return { ok: false, reason: tags };
  form.tags = tags;
  const extra: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!ENDPOINT_HANDLED.has(k)) extra[k] = v;
  return { ok: true, view: { form, extra } };
}

/** Which form field a server field path belongs to (`tags.team` → tags). */
export function endpointFieldOf(path: string): keyof EndpointFormState | undefined {
  const head = path.split('.')[0];
  return head === 'name' || head === 'compute' || head === 'description' || head === 'tags' ? head : undefined;
}

export function checkEndpointForm(form: EndpointFormState): Partial<Record<keyof EndpointFormState, string>> {
  const errors: Partial<Record<keyof EndpointFormState, string>> = {};
  if (!form.name.trim()) errors.name = 'is required: the endpoint’s name, part of its scoring URI';
  if (!form.compute.trim()) errors.compute = 'is required: the compute target that serves it';
  const t = tagProblem(form.tags);
  if (t) errors.tags = t;
  return errors;
}

/** The endpoint as recorded, as an Azure ML endpoint document (what `az ml online-endpoint show` would list). */
export function endpointDocument(e: OnlineEndpointDto): Doc {
  const doc: Doc = { $schema: ENDPOINT_SCHEMA, name: e.name, compute: `azureml:${e.computeTarget}`, auth_mode: e.authMode };
  if (e.description) doc.description = e.description;
  if (Object.keys(e.tags).length) doc.tags = e.tags;
  doc.traffic = e.traffic;
  if (Object.keys(e.mirrorTraffic).length) doc.mirror_traffic = e.mirrorTraffic;
  doc.scoring_uri = e.scoringUri;
  doc.provisioning_state = e.provisioningState;
  return doc;
}

// --- deployment ----------------------------------------------------------------------------------------

export interface DeploymentFormState {
  name: string;
  /** azureml:<name>:<version>, azureml:<name>@latest, or a path/URI; empty: no model. */
  model: string;
  image: string;
  /** Empty: the compute target's default instance type. */
  instanceType: string;
  instanceCount: string;
  description: string;
}
export interface DeploymentFormView {
  form: DeploymentFormState;
  /** Top-level fields the form does not edit, and the environment's other fields. */
  extra: Doc;
  environmentExtra: Doc;
}

const DEPLOYMENT_HANDLED = new Set(['$schema', 'name', 'model', 'environment', 'instance_type', 'instance_count', 'description', 'endpoint_name']);

export function deploymentFormToDocument({ form, extra, environmentExtra }: DeploymentFormView, endpoint: string): Doc {
  const doc: Doc = { $schema: DEPLOYMENT_SCHEMA };
  if (form.name.trim()) doc.name = form.name.trim();
  doc.endpoint_name = endpoint;
  if (form.description.trim()) doc.description = form.description;
  if (form.model.trim()) doc.model = form.model.trim();
  doc.environment = { ...(form.image.trim() ? { image: form.image.trim() } : {}), ...environmentExtra };
  if (form.instanceType.trim()) doc.instance_type = form.instanceType.trim();
  const count = form.instanceCount.trim();
  if (count) doc.instance_count = /^\d+$/.test(count) ? Number(count) : count;
  return { ...doc, ...extra };
}

export function emptyDeploymentForm(): DeploymentFormView {
  return { form: { name: '', model: '', image: '', instanceType: '', instanceCount: '', description: '' }, extra: {}, environmentExtra: {} };
}

export function documentToDeploymentForm(doc: unknown): ToForm<DeploymentFormView> {
  const view = emptyDeploymentForm();
  if (doc === undefined || doc === null) return { ok: true, view };
  if (!isMap(doc)) return { ok: false, reason: 'the document is not a mapping of deployment fields' };
  const f = view.form;
  for (const key of ['name', 'description'] as const) {
    const v = doc[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return { ok: false, reason: `${key} is not text` };
    f[key] = v;
  }
  if (doc.model !== undefined && doc.model !== null) {
    if (typeof doc.model === 'string') f.model = doc.model;
    else if (isMap(doc.model) && Object.keys(doc.model).every((k) => k === 'path') && typeof doc.model.path === 'string') f.model = doc.model.path;
    else return { ok: false, reason: 'model is written inline with more than a path' };
  }
  const env = doc.environment;
  if (env !== undefined && env !== null) {
    if (!isMap(env)) return { ok: false, reason: 'environment refers to a registered environment (the form sets an image)' };
    if (env.image !== undefined && typeof env.image !== 'string') return { ok: false, reason: 'environment.image is not text' };
    f.image = (env.image as string | undefined) ?? '';
    for (const [k, v] of Object.entries(env)) if (k !== 'image') view.environmentExtra[k] = v;
  }
  if (doc.instance_type !== undefined && doc.instance_type !== null) f.instanceType = String(doc.instance_type);
  if (doc.instance_count !== undefined && doc.instance_count !== null) f.instanceCount = String(doc.instance_count);
  for (const [k, v] of Object.entries(doc)) if (!DEPLOYMENT_HANDLED.has(k)) view.extra[k] = v;
  return { ok: true, view };
}

/** Which form field a server field path belongs to (`environment.image` → image). */
export function deploymentFieldOf(path: string): keyof DeploymentFormState | undefined {
  if (path === 'environment' || path.startsWith('environment.image')) return 'image';
  const head = path.split('.')[0];
  switch (head) {
    case 'name':
    case 'model':
    case 'description':
      return head;
    case 'instance_type':
      return 'instanceType';
    case 'instance_count':
      return 'instanceCount';
    default:
      return undefined;
  }
}

export function checkDeploymentForm(form: DeploymentFormState): Partial<Record<keyof DeploymentFormState, string>> {
  const errors: Partial<Record<keyof DeploymentFormState, string>> = {};
  if (!form.name.trim()) errors.name = 'is required: the deployment’s name within the endpoint (blue, green …)';
  if (!form.image.trim()) errors.image = 'is required: the container image that serves the model';
  if (form.instanceCount.trim() && !/^[1-9]\d*$/.test(form.instanceCount.trim())) errors.instanceCount = 'is a whole number of replicas, at least 1';
  return errors;
}

/** The next of blue, green, … the endpoint does not have yet. */
export function nextDeploymentName(existing: readonly string[]): string {
  for (const n of ['blue', 'green', 'red', 'yellow', 'purple']) if (!existing.includes(n)) return n;
  return `deployment-${existing.length + 1}`;
}

/**
 * A deployment to start from, after test/fixtures/endpoints/blue-deployment.yml and green-deployment.yml
 * (Azure ML's kubernetes blue/green sample) for this endpoint: a custom container image instead of the
 * sample's local model and scoring code, which would need their folders uploaded.
 */
export function deploymentTemplate(endpoint: string, name: string): string {
  const green = name !== 'blue';
  return [
    `$schema: ${DEPLOYMENT_SCHEMA}`,
    `name: ${name}`,
    'type: kubernetes',
    `endpoint_name: ${endpoint}`,
    ...(green ? ['app_insights_enabled: true'] : []),
    'environment:',
    '  image: docker.io/library/python:3.12-slim',
    'request_settings:',
    '  request_timeout_ms: 3000',
    '  max_queue_wait_ms: 3000',
    'resources:',
    '  requests:',
    '    cpu: "0.1"',
    '    memory: "0.1Gi"',
    '  limits:',
    '    cpu: "0.2"',
    '    memory: "200Mi"',
    'tags:',
    `  tag1: deployment-tag1-value`,
    ...(green
      ? ['scale_settings:', '  type: target_utilization', '  min_instances: 1', '  max_instances: 3', '  polling_interval: 10', '  target_utilization_percentage: 70']
      : ['instance_count: 1', 'scale_settings:', '  type: default']),
    '',
  ].join('\n');
}

/** An endpoint to start from, after test/fixtures/endpoints/endpoint.yml, on the given compute target. */
export function endpointTemplate(compute: string): string {
  return [`$schema: ${ENDPOINT_SCHEMA}`, 'name: my-endpoint', `compute: azureml:${compute || '<compute target>'}`, 'auth_mode: key', 'description: sklearn regression, blue/green', 'tags:', '  tag1: endpoint-tag1-value', ''].join('\n');
}

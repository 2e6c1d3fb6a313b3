// Online endpoints and deployments: Azure ML CLI v2 files → the normalized specs of lib/endpoints/spec.ts.
//
//   parseEndpointYaml(text, {compute})        kubernetesOnlineEndpoint (or managedOnlineEndpoint, mapped) YAML
//   normalizeEndpoint(doc, {compute})         the same document as JSON (REST body, the console's form)
//   parseDeploymentYaml(text, {endpointName}) kubernetesOnlineDeployment (or managedOnlineDeployment, mapped) YAML
//   normalizeDeployment(doc, {endpointName})  the same as JSON
//
// Phase 1 reads the document field by field as the SDK's marshmallow schemas do (azure-ai-ml 1.35.2:
// KubernetesOnlineEndpointSchema / ManagedOnlineEndpointSchema, KubernetesOnlineDeploymentSchema /
// ManagedOnlineDeploymentSchema and what they nest): unknown fields are refused naming the field (with a "did you
// mean"), wrong types naming the leaf; fields the service fills in (id, provisioning_state, scoring_uri, …) are
// accepted and ignored with a warning. Phase 2 normalizes with Harbormaster's rules, each refusal with its reason:
// key auth only (the router serves keys), no managed identities, no registry assets (Azure ML refuses them for
// Kubernetes deployments too), no image builds, no data collector. Fields that change nothing here are ignored with
// a warning; fields that would change behaviour and cannot be honoured are refused. Facts and defaults:
// reference/aml-kubernetes.md §5 and ENDPOINT_DEFAULTS.

import { z } from 'zod';
import {
  ENDPOINT_DEFAULTS,
  ONLINE_NAME_RE,
  type DeploymentModelRef,
  type DeploymentParseResult,
  type EndpointParseResult,
  type InferenceRoute,
  type OnlineDeploymentSpec,
  type OnlineEndpointSpec,
  type ProbeSpec,
} from '@/lib/endpoints/spec';
import type { ResourceMap } from '@/lib/domain';
import { parseQuantity } from '@/lib/quantity';
import { pythonStr } from './command-template';
import { checkImageReference, parseEnvironmentReference } from './environment';
import { dedupeIssues, describeValue, fromZodIssues, IssueCollector, type JobIssue } from './issues';
import { JobDocument } from './job-yaml-schema';
import { normalizeModel } from './model-spec';
import { loadPyYaml, pathKey, YamlTimestamp, type PyYamlDocumentKind, type YamlPath } from './yaml';
import { ciEnum, dict, dispatch, fail, int, isMapping, readOnly, str, strict, unsupported } from './zod-fields';

export type { JobIssue } from './issues';

export interface EndpointParseOptions {
  /** The compute target for a file that names none (managedOnlineEndpoint files have no `compute`). */
  compute?: string;
}
export interface DeploymentParseOptions {
  /** The endpoint of the URL: the file's endpoint_name must match it, or may be absent. */
  endpointName?: string;
}

// --- shared vocabulary ----------------------------------------------------------------------------

const NAME_RULE = '3 to 32 characters: letters, digits and "-", starting with a letter and not ending with "-" (Azure ML\'s rule for online endpoints)';

const REGISTRY_REASON =
  'registry assets are not supported for Kubernetes deployments (Azure ML refuses them too: "Registry reference for … is not supported for K8SDeployment")';

/**
 * The refusal jobs give for an inline environment field (conda_file, build), read from the job schema so both
 * kinds of file say the same thing.
 */
function jobEnvironmentRefusal(field: 'conda_file' | 'build') {
  const r = JobDocument.safeParse({ type: 'command', command: 'true', environment: { image: 'busybox', [field]: 'x' } });
  const issue = r.success ? undefined : r.error.issues.find((i) => i.path.join('.') === `environment.${field}`);
  if (!issue) throw new Error(`the job schema no longer refuses environment.${field}`);
  const message = issue.message;
  return z.unknown().superRefine((v, ctx) => {
    ctx.addIssue({ code: 'custom', message, input: v });
  });
}

/** marshmallow fields.Bool: true/false and its truthy/falsy spellings. */
const TRUTHY = new Set(['t', 'T', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'y', 'Y', 'yes', 'Yes', 'YES', '1', 1]);
const FALSY = new Set(['f', 'F', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', 'n', 'N', 'no', 'No', 'NO', '0', 0]);
const bool = z.unknown().transform((v, ctx): boolean => {
  if (typeof v === 'boolean') return v;
  if (TRUTHY.has(v as string)) return true;
  if (FALSY.has(v as string)) return false;
  return fail(ctx, `must be true or false, not ${describeValue(v)}`);
});

/** A name → value mapping whose values Azure ML keeps as text (tags, environment variables). */
const textMap = dict(z.unknown());

const networkAccess = ciEnum(['enabled', 'disabled'] as const);

// --- phase 1: the endpoint, as the SDK's (Kubernetes|Managed)OnlineEndpointSchema ----------------

const EndpointShape = {
  $schema: readOnly.optional(),
  name: str({ nonEmpty: true }),
  compute: str().optional(),
  auth_mode: ciEnum(['key', 'aml_token', 'aad_token'] as const, { snake: true }).optional(),
  traffic: dict(int()).optional(),
  mirror_traffic: dict(int()).optional(),
  description: str().optional(),
  tags: textMap.optional(),
  properties: textMap.optional(),
  identity: unsupported(
    'Harbormaster has no Azure managed identities; deployments run as the compute target\'s Kubernetes service account — remove identity',
  ).optional(),
  public_network_access: networkAccess.optional(),
  location: str().optional(),
  id: readOnly.optional(),
  provisioning_state: readOnly.optional(),
  scoring_uri: readOnly.optional(),
  openapi_uri: readOnly.optional(),
  kind: readOnly.optional(),
};
const ENDPOINT_SERVICE_FIELDS = ['id', 'provisioning_state', 'scoring_uri', 'openapi_uri', 'kind'] as const;

/** The fields an endpoint file may have (both SDK endpoint schemas, read-only ones included). */
export const ENDPOINT_FIELDS = Object.keys(EndpointShape) as readonly string[];

const EndpointObject = strict(EndpointShape);
type RawEndpoint = z.output<typeof EndpointObject>;
const EndpointDocument = dispatch<RawEndpoint>((v, ctx) =>
  isMapping(v) ? EndpointObject : fail(ctx, `an endpoint must be a mapping of fields (name, compute, auth_mode, …), not ${describeValue(v)}`),
);

// --- phase 1: the deployment, as the SDK's (Kubernetes|Managed)OnlineDeploymentSchema ------------

const route = strict({ port: int({ min: 1 }), path: str({ nonEmpty: true }) });
type RawRoute = z.output<typeof route>;

const InlineEnvironment = strict({
  $schema: readOnly.optional(),
  image: str({ nonEmpty: true }).optional(),
  conda_file: jobEnvironmentRefusal('conda_file').optional(),
  build: jobEnvironmentRefusal('build').optional(),
  inference_config: strict({ liveness_route: route, scoring_route: route, readiness_route: route }).optional(),
  os_type: ciEnum(['linux', 'windows'] as const)
    .superRefine((os, ctx) => {
      if (os === 'windows') ctx.addIssue({ code: 'custom', message: 'not supported: Harbormaster runs Linux containers only', input: os });
    })
    .optional(),
  datastore: str().optional(),
  name: str().optional(),
  version: readOnly.optional(),
  description: str().optional(),
  tags: readOnly.optional(),
  properties: readOnly.optional(),
  auto_delete_setting: readOnly.optional(),
  id: readOnly.optional(),
  creation_context: readOnly.optional(),
  latest_version: readOnly.optional(),
  intellectual_property: readOnly.optional(),
});
type RawInlineEnvironment = z.output<typeof InlineEnvironment>;
/** Inline environment fields that only describe the environment asset Azure ML would register. */
const ENV_ASSET_FIELDS = ['name', 'version', 'description', 'tags', 'properties', 'datastore', 'auto_delete_setting', 'id', 'creation_context', 'latest_version', 'intellectual_property'] as const;

type RawDeploymentEnvironment = { kind: 'reference'; reference: string } | ({ kind: 'inline' } & RawInlineEnvironment);
const environmentField = dispatch<RawDeploymentEnvironment>((v, ctx) => {
  if (typeof v === 'string') return z.string().transform((s): RawDeploymentEnvironment => ({ kind: 'reference', reference: s }));
  if (!isMapping(v)) return fail(ctx, `must be an environment reference (azureml:<name>:<version>) or a mapping {image: …}, not ${describeValue(v)}`);
  return InlineEnvironment.transform((e): RawDeploymentEnvironment => ({ kind: 'inline', ...e })) as unknown as z.ZodType<RawDeploymentEnvironment>;
});

type RawModel = { kind: 'reference'; reference: string } | { kind: 'inline'; doc: Record<string, unknown> };
const modelField = dispatch<RawModel>((v, ctx) => {
  if (typeof v === 'string') return z.string().transform((s): RawModel => ({ kind: 'reference', reference: s }));
  if (!isMapping(v)) return fail(ctx, `must be a model reference (azureml:<name>:<version>) or a mapping {path: …}, not ${describeValue(v)}`);
  return z.unknown().transform((doc): RawModel => ({ kind: 'inline', doc: doc as Record<string, unknown> }));
});

/** ResourceSettingsSchema: fields.String values (the SDK refuses numbers), `nvidia.com/gpu` read as `gpu`. */
const quantityText = z.unknown().transform((v, ctx): string => {
  if (typeof v === 'number') return fail(ctx, `must be text such as "${v}" (Azure ML reads resource values as strings; quote it), not ${describeValue(v)}`);
  if (typeof v !== 'string') return fail(ctx, `must be a quantity such as "2", "500m" or "4Gi", not ${describeValue(v)}`);
  return v;
});
const resourceSettings = strict({ cpu: quantityText.optional(), memory: quantityText.optional(), gpu: quantityText.optional(), 'nvidia.com/gpu': quantityText.optional() });
type RawResourceSettings = z.output<typeof resourceSettings>;

type RawScale =
  | { type: 'default' }
  | { type: 'target_utilization'; min_instances?: number; max_instances?: number; target_utilization_percentage?: number; polling_interval?: number };
const scaleField = dispatch<RawScale>((v, ctx) => {
  if (!isMapping(v)) return fail(ctx, `must be a mapping such as {type: default} or {type: target_utilization, max_instances: 3}, not ${describeValue(v)}`);
  const type = ciEnum(['default', 'target_utilization'] as const, { snake: true }).safeParse(v.type);
  if (!type.success) {
    const hint = v.type === undefined ? 'is required' : `${describeValue(v.type)} is not allowed`;
    return fail(ctx, `${hint}; use one of: default, target_utilization`, ['type']);
  }
  if (type.data === 'default') return strict({ type: z.unknown() }).transform((): RawScale => ({ type: 'default' }));
  return strict({
    type: z.unknown(),
    min_instances: int({ min: 1, minReason: 'azureml-fe keeps at least one instance running' }).optional(),
    max_instances: int({ min: 1 }).optional(),
    target_utilization_percentage: int({ min: 1 }).optional(),
    polling_interval: int({ min: 1 }).optional(),
  }).transform((s): RawScale => ({ ...s, type: 'target_utilization' }));
});

const positive = int({ min: 1 });
const probe = strict({
  period: positive.optional(),
  initial_delay: positive.optional(),
  timeout: positive.optional(),
  success_threshold: positive.optional(),
  failure_threshold: positive.optional(),
});
type RawProbe = z.output<typeof probe>;

const DeploymentShape = {
  $schema: readOnly.optional(),
  name: str({ nonEmpty: true }),
  endpoint_name: str({ nonEmpty: true }).optional(),
  type: ciEnum(['kubernetes', 'managed'] as const, { snake: true }).optional(),
  description: str().optional(),
  tags: textMap.optional(),
  properties: textMap.optional(),
  model: modelField.optional(),
  model_mount_path: str({ nonEmpty: true }).optional(),
  code_configuration: strict({ $schema: readOnly.optional(), code: str({ nonEmpty: true }).optional(), scoring_script: str({ nonEmpty: true }).optional() }).optional(),
  environment: environmentField.optional(),
  environment_variables: textMap.optional(),
  instance_type: str({ nonEmpty: true }).optional(),
  instance_count: int({ min: 1, minReason: 'a deployment runs at least one instance' }).optional(),
  resources: strict({ requests: resourceSettings.optional(), limits: resourceSettings.optional() }).optional(),
  scale_settings: scaleField.optional(),
  request_settings: strict({
    request_timeout_ms: positive.optional(),
    max_concurrent_requests_per_instance: positive.optional(),
    max_queue_wait_ms: int({ min: 0 }).optional(),
  }).optional(),
  liveness_probe: probe.optional(),
  readiness_probe: probe.optional(),
  app_insights_enabled: bool.optional(),
  data_collector: unsupported(
    "Azure ML's data collector ships request and response payloads to the workspace's Azure Blob storage through its " +
      'collector sidecar; Harbormaster has neither — log what you need from the scoring script, and remove data_collector',
  ).optional(),
  egress_public_network_access: networkAccess.optional(),
  private_network_connection: bool.optional(),
  id: readOnly.optional(),
  provisioning_state: readOnly.optional(),
  creation_context: readOnly.optional(),
};
const DEPLOYMENT_SERVICE_FIELDS = ['id', 'provisioning_state', 'creation_context'] as const;

/** The fields a deployment file may have (both SDK deployment schemas, read-only ones included). */
export const DEPLOYMENT_FIELDS = Object.keys(DeploymentShape) as readonly string[];

const DeploymentObject = strict(DeploymentShape);
type RawDeployment = z.output<typeof DeploymentObject>;
const DeploymentDocument = dispatch<RawDeployment>((v, ctx) =>
  isMapping(v) ? DeploymentObject : fail(ctx, `a deployment must be a mapping of fields (name, endpoint_name, model, environment, …), not ${describeValue(v)}`),
);

// --- entry points ---------------------------------------------------------------------------------

type IsFloat = (path: YamlPath) => boolean;

/** Parses an Azure ML CLI v2 online endpoint YAML file. */
export function parseEndpointYaml(text: string, opts: EndpointParseOptions = {}): EndpointParseResult {
  return fromYaml(text, { noun: 'endpoint', fields: 'name, compute, auth_mode, …' }, (doc, isFloat, warnings) => endpointResult(doc, opts, isFloat, warnings));
}

/** Normalizes an endpoint given as JSON (REST body, form) in Azure ML's field names. */
export function normalizeEndpoint(doc: unknown, opts: EndpointParseOptions = {}): EndpointParseResult {
  return endpointResult(doc, opts, () => false, []);
}

/** Parses an Azure ML CLI v2 online deployment YAML file. */
export function parseDeploymentYaml(text: string, opts: DeploymentParseOptions = {}): DeploymentParseResult {
  const kind = { noun: 'deployment', fields: 'name, endpoint_name, model, environment, …' };
  return fromYaml(text, kind, (doc, isFloat, warnings) => deploymentResult(doc, opts, isFloat, warnings));
}

/** Normalizes a deployment given as JSON (REST body, form) in Azure ML's field names. */
export function normalizeDeployment(doc: unknown, opts: DeploymentParseOptions = {}): DeploymentParseResult {
  return deploymentResult(doc, opts, () => false, []);
}

/** PyYAML rules (lib/aml/yaml.ts); floats remembered by path for Python's str() of tags and variables. */
function fromYaml<R>(
  text: string,
  kind: PyYamlDocumentKind,
  result: (doc: unknown, isFloat: IsFloat, warnings: JobIssue[]) => R,
): R | { ok: false; errors: JobIssue[]; warnings: JobIssue[] } {
  const loaded = loadPyYaml(text, kind);
  if (!loaded.ok) return { ok: false, errors: loaded.errors, warnings: [] };
  return result(loaded.value, (p) => loaded.floatPaths.has(pathKey(p)), loaded.warnings);
}

function finish<S>(
  schema: z.ZodType<unknown>,
  doc: unknown,
  yamlWarnings: JobIssue[],
  run: (raw: never) => { spec: S | undefined; n: IssueCollector },
): { ok: true; spec: S; warnings: JobIssue[] } | { ok: false; errors: JobIssue[]; warnings: JobIssue[] } {
  const parsed = schema.safeParse(doc);
  if (!parsed.success) return { ok: false, errors: dedupeIssues(fromZodIssues(parsed.error.issues, doc)), warnings: yamlWarnings };
  const { spec, n } = run(parsed.data as never);
  const warnings = [...yamlWarnings, ...n.warnings];
  if (n.errors.length > 0 || spec === undefined) return { ok: false, errors: dedupeIssues(n.errors), warnings };
  return { ok: true, spec, warnings };
}

function endpointResult(doc: unknown, opts: EndpointParseOptions, isFloat: IsFloat, yamlWarnings: JobIssue[]): EndpointParseResult {
  return finish<OnlineEndpointSpec>(EndpointDocument, doc, yamlWarnings, (raw: RawEndpoint) => {
    const n = new EndpointNormalizer(raw, opts, isFloat);
    return { spec: n.run(), n };
  });
}

function deploymentResult(doc: unknown, opts: DeploymentParseOptions, isFloat: IsFloat, yamlWarnings: JobIssue[]): DeploymentParseResult {
  return finish<OnlineDeploymentSpec>(DeploymentDocument, doc, yamlWarnings, (raw: RawDeployment) => {
    const n = new DeploymentNormalizer(raw, opts, isFloat);
    return { spec: n.run(), n };
  });
}

// --- phase 2: shared ------------------------------------------------------------------------------

class OnlineNormalizer<Raw, Opts> extends IssueCollector {
  constructor(
    protected readonly raw: Raw,
    protected readonly opts: Opts,
    protected readonly isFloat: IsFloat,
  ) {
    super();
  }

  protected onlineName(path: string, name: string, what: string) {
    if (!ONLINE_NAME_RE.test(name)) this.error(path, `${describeValue(name)} is not a valid ${what} name: ${NAME_RULE}`);
  }

  protected schema(value: unknown, expected: RegExp, what: string) {
    if (typeof value === 'string' && /^https?:\/\//.test(value) && !expected.test(value)) {
      this.warn('$schema', `names ${value.split('/').pop()}, not a ${what} schema: is this a ${what} file? (the field itself is ignored, as Azure ML ignores it)`);
    }
  }

  protected serviceFields(raw: Record<string, unknown>, fields: readonly string[]) {
    for (const f of fields) {
      if (raw[f] !== undefined && raw[f] !== null) this.warn(f, `"${f}" is set by the service; the value in the file is ignored (as the Azure ML CLI ignores it)`);
    }
  }

  /**
   * Text as Azure ML keeps it (tags, environment variables): numbers and booleans become Python's str() of
   * them; null values are dropped, as the SDK drops them.
   */
  protected texts(raw: Record<string, unknown> | undefined, field: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw ?? {})) {
      const at = `${field}.${k}`;
      if (v === null) {
        this.warn(at, 'has no value, so it is dropped (as Azure ML drops it); give it a value, "" for an empty one');
      } else if (typeof v === 'string' || typeof v === 'boolean') {
        out[k] = pythonStr(v, false);
      } else if (typeof v === 'number') {
        out[k] = pythonStr(v, this.isFloat([field, k]));
      } else if (v instanceof YamlTimestamp && /^\d{4}-\d{2}-\d{2}$/.test(v.text)) {
        out[k] = v.text;
      } else {
        this.error(at, `must be text (numbers and true/false are turned into text), not ${describeValue(v)}; quote it`);
      }
    }
    return out;
  }
}

// --- phase 2: the endpoint ------------------------------------------------------------------------

class EndpointNormalizer extends OnlineNormalizer<RawEndpoint, EndpointParseOptions> {
  run(): OnlineEndpointSpec | undefined {
    const raw = this.raw;
    this.schema(raw.$schema, /\/(kubernetes|managed)OnlineEndpoint\.schema\.json$/, 'online endpoint');
    this.onlineName('name', raw.name, 'endpoint');
    const compute = this.compute();
    if (raw.auth_mode === 'aml_token' || raw.auth_mode === 'aad_token') {
      this.error('auth_mode', `"${raw.auth_mode}" is not served here: Harbormaster's inference router authenticates with endpoint keys only; use auth_mode: key (the default)`);
    }
    const traffic = raw.traffic === undefined ? undefined : this.traffic(raw.traffic);
    const mirrorTraffic = raw.mirror_traffic === undefined ? undefined : this.mirror(raw.mirror_traffic, traffic);
    this.serviceFields(raw, ENDPOINT_SERVICE_FIELDS);
    if (raw.public_network_access === 'disabled') {
      this.error(
        'public_network_access',
        'disabled cannot be honoured: who can reach the endpoint is decided by how the cluster exposes the inference router ' +
          '(internal load balancer, ingress, network policy), not per endpoint; remove the field and restrict access there',
      );
    } else if (raw.public_network_access === 'enabled') {
      this.warn('public_network_access', 'is ignored: the endpoint is reachable wherever the cluster exposes the inference router');
    }
    if (raw.location !== undefined) this.warn('location', 'is an Azure region; the endpoint runs on its compute target, so it is ignored');
    if (raw.properties !== undefined) this.warn('properties', 'are not recorded by Harbormaster, so they are ignored; use tags');
    const tags = this.texts(raw.tags, 'tags');
    if (this.errors.length > 0 || compute === undefined) return undefined;
    const spec: OnlineEndpointSpec = { name: raw.name, compute, authMode: 'key', tags };
    if (raw.description !== undefined) spec.description = raw.description;
    if (traffic !== undefined) spec.traffic = traffic;
    if (mirrorTraffic !== undefined) spec.mirrorTraffic = mirrorTraffic;
    return spec;
  }

  private compute(): string | undefined {
    const written = this.raw.compute;
    if (written === undefined) {
      if (this.opts.compute) return this.opts.compute;
      this.error('compute', 'is required: name the Kubernetes compute target to serve the endpoint on (compute: azureml:<name>)');
      return undefined;
    }
    let name = written.startsWith('azureml:') ? written.slice('azureml:'.length) : written;
    const arm = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/computes\/([^/]+)$/i.exec(name);
    if (arm) name = arm[1];
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      this.error('compute', `"${written}" is not a compute target: write azureml:<name> (letters, digits, "-" and "_")`);
      return undefined;
    }
    return name;
  }

  private traffic(raw: Record<string, number>): Record<string, number> | undefined {
    let bad = false;
    for (const [k, v] of Object.entries(raw)) {
      this.onlineName(`traffic.${k}`, k, 'deployment');
      if (v < 0 || v > 100) {
        this.error(`traffic.${k}`, `must be a percentage from 0 to 100, not ${v}`);
        bad = true;
      }
    }
    const sum = Object.values(raw).reduce((a, b) => a + b, 0);
    if (!bad && sum !== 0 && sum !== 100) {
      const parts = Object.entries(raw).map(([k, v]) => `${k}=${v}`).join(', ');
      this.error('traffic', `the percentages add up to ${sum} (${parts}); they must add up to 100 (or all be 0)`);
    }
    return raw;
  }

  private mirror(raw: Record<string, number>, traffic: Record<string, number> | undefined): Record<string, number> | undefined {
    const names = Object.keys(raw);
    if (names.length > 1) {
      this.error('mirror_traffic', `names ${names.length} deployments (${names.join(', ')}); Azure ML mirrors traffic to one deployment at most`);
    }
    for (const [k, v] of Object.entries(raw)) {
      this.onlineName(`mirror_traffic.${k}`, k, 'deployment');
      if (v < 0 || v > 50) this.error(`mirror_traffic.${k}`, `must be a percentage from 0 to 50 (Azure ML's limit for mirrored traffic), not ${v}`);
      else if (v > 0 && (traffic?.[k] ?? 0) > 0) {
        this.error(`mirror_traffic.${k}`, `"${k}" already receives ${traffic?.[k]}% of live traffic; a deployment cannot receive both live and mirrored traffic (Azure ML's rule)`);
      }
    }
    return raw;
  }
}

// --- phase 2: the deployment ----------------------------------------------------------------------

/** Azure ML model versions are positive integers. */
const MODEL_VERSION_RE = /^[1-9][0-9]*$/;
const MODEL_REF_FORMS = 'azureml:<name>:<version> or azureml:<name>@latest for a registered model, or {path: <folder or URI>} for files';
/** Kubernetes' rule for environment variable names (C_IDENTIFIER relaxed, as since 1.26). */
const ENV_VAR_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

class DeploymentNormalizer extends OnlineNormalizer<RawDeployment, DeploymentParseOptions> {
  run(): OnlineDeploymentSpec | undefined {
    const raw = this.raw;
    this.schema(raw.$schema, /\/(kubernetes|managed)OnlineDeployment\.schema\.json$/, 'online deployment');
    this.onlineName('name', raw.name, 'deployment');
    const endpointName = this.endpointName();
    if (raw.type === 'managed') {
      this.warn('type', 'managed deployments run on Azure-managed VMs; here the deployment runs on the endpoint\'s Kubernetes compute target instead');
    }
    const model = this.model();
    if (raw.model_mount_path !== undefined && !raw.model_mount_path.startsWith('/')) {
      this.error('model_mount_path', `"${raw.model_mount_path}" must be an absolute path in the container, such as /var/azureml-app/azureml-models`);
    }
    const codeConfiguration = this.codeConfiguration();
    const environment = this.environment(codeConfiguration !== undefined);
    const environmentVariables = this.texts(raw.environment_variables, 'environment_variables');
    for (const k of Object.keys(environmentVariables)) {
      if (!ENV_VAR_RE.test(k)) this.error(`environment_variables.${k}`, `"${k}" is not an environment variable name Kubernetes accepts: letters, digits, "_", "-" and ".", not starting with a digit`);
    }
    if (raw.instance_type !== undefined && /^Standard_/i.test(raw.instance_type)) {
      this.error(
        'instance_type',
        `"${raw.instance_type}" is an Azure VM size (managed deployments rent such VMs); on a Kubernetes compute target name one of its ` +
          'instance types (kubectl get instancetypes), or leave instance_type out for the default one',
      );
    }
    const resources = this.resources();
    const scaleSettings = this.scaleSettings();
    const rs = raw.request_settings ?? {};
    const requestSettings = {
      requestTimeoutMs: rs.request_timeout_ms ?? ENDPOINT_DEFAULTS.requestTimeoutMs,
      maxConcurrentRequestsPerInstance: rs.max_concurrent_requests_per_instance ?? ENDPOINT_DEFAULTS.maxConcurrentRequestsPerInstance,
      maxQueueWaitMs: rs.max_queue_wait_ms ?? ENDPOINT_DEFAULTS.maxQueueWaitMs,
    };
    const livenessProbe = probeSpec(raw.liveness_probe);
    const readinessProbe = probeSpec(raw.readiness_probe);
    if (raw.app_insights_enabled) {
      this.warn('app_insights_enabled', 'is recorded, but no Application Insights telemetry is sent: there is no Azure workspace here; read logs and metrics in the console');
    }
    if (raw.egress_public_network_access === 'disabled') {
      this.error(
        'egress_public_network_access',
        "disabled cannot be honoured: outbound traffic from the deployment's pods is governed by the cluster's network policies, not per deployment; remove the field",
      );
    } else if (raw.egress_public_network_access === 'enabled') {
      this.warn('egress_public_network_access', "is ignored: outbound traffic is governed by the cluster's network policies");
    }
    if (raw.private_network_connection === true) {
      this.error('private_network_connection', "true cannot be honoured: it joins Azure ML's managed virtual network, which a Kubernetes compute target does not have; remove the field");
    } else if (raw.private_network_connection === false) {
      this.warn('private_network_connection', 'is ignored (false changes nothing here)');
    }
    if (raw.properties !== undefined) this.warn('properties', 'are not recorded by Harbormaster, so they are ignored; use tags');
    this.serviceFields(raw, DEPLOYMENT_SERVICE_FIELDS);
    const tags = this.texts(raw.tags, 'tags');
    if (this.errors.length > 0 || endpointName === undefined || environment === undefined) return undefined;

    const spec: OnlineDeploymentSpec = {
      name: raw.name,
      endpointName,
      tags,
      environment,
      environmentVariables,
      instanceCount: raw.instance_count ?? 1,
      scaleSettings,
      requestSettings,
      livenessProbe,
      readinessProbe,
      appInsightsEnabled: raw.app_insights_enabled ?? false,
    };
    if (raw.description !== undefined) spec.description = raw.description;
    if (model !== undefined) spec.model = model;
    if (raw.model_mount_path !== undefined) spec.modelMountPath = raw.model_mount_path;
    if (codeConfiguration !== undefined) spec.codeConfiguration = codeConfiguration;
    if (raw.instance_type !== undefined) spec.instanceType = raw.instance_type;
    if (resources !== undefined) spec.resources = resources;
    return spec;
  }

  private endpointName(): string | undefined {
    const written = this.raw.endpoint_name;
    const expected = this.opts.endpointName;
    if (written === undefined) {
      if (expected !== undefined) return expected;
      this.error('endpoint_name', 'is required: name the endpoint the deployment belongs to');
      return undefined;
    }
    if (expected !== undefined && written !== expected) {
      this.error('endpoint_name', `"${written}" does not match the endpoint "${expected}" this deployment is being created in; write endpoint_name: ${expected}, or leave it out`);
      return undefined;
    }
    this.onlineName('endpoint_name', written, 'endpoint');
    return written;
  }

  private model(): DeploymentModelRef | undefined {
    const m = this.raw.model;
    if (m === undefined) return undefined;
    if (m.kind === 'reference') return this.modelReference(m.reference);
    // An inline model is the SDK's AnonymousModelSchema: a model file without the name requirement.
    const named = typeof m.doc.name === 'string';
    const r = normalizeModel(named ? m.doc : { ...m.doc, name: 'anonymous' });
    for (const w of r.warnings) this.warn(`model.${w.path}`, w.message);
    if (!r.ok) {
      for (const e of r.errors) this.error(e.path ? `model.${e.path}` : 'model', e.message);
      return undefined;
    }
    if (named || m.doc.version !== undefined) {
      this.warn(named ? 'model.name' : 'model.version', 'registers the files as a model asset in Azure ML; here the deployment records the path only, so name and version are ignored');
    }
    return { kind: 'path', path: r.spec.path };
  }

  private modelReference(ref: string): DeploymentModelRef | undefined {
    const refuse = (message: string) => {
      this.error('model', message);
      return undefined;
    };
    if (/^azureml:\/\/registries\//i.test(ref)) return refuse(`"${ref}" is in an Azure ML registry (or the model catalog): ${REGISTRY_REASON}; register the model in the workspace and write azureml:<name>:<version>`);
    if (!ref.startsWith('azureml:')) return refuse(`"${ref}" is not a model reference: write ${MODEL_REF_FORMS}`);
    let body = ref.slice('azureml:'.length);
    const arm = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(body);
    if (arm) body = `${arm[1]}:${arm[2]}`;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]{0,254})(?::([^:@]+)|@([^:@]+))?$/.exec(body);
    if (!m) return refuse(`"${ref}" is not a model reference: write ${MODEL_REF_FORMS}`);
    const [, name, version, label] = m;
    if (label !== undefined) {
      if (label !== 'latest') return refuse(`"${ref}": models carry only the label "latest"; write azureml:${name}@latest or azureml:${name}:<version>`);
      return { kind: 'registered', name, label: 'latest' };
    }
    if (version === undefined) return refuse(`"${ref}" names no version: write azureml:${name}:<version>, or azureml:${name}@latest for the newest one`);
    if (!MODEL_VERSION_RE.test(version)) return refuse(`"${version}" is not a model version: Azure ML model versions are positive whole numbers (azureml:${name}:1)`);
    return { kind: 'registered', name, version };
  }

  private codeConfiguration(): OnlineDeploymentSpec['codeConfiguration'] {
    const c = this.raw.code_configuration;
    if (c === undefined) return undefined;
    if (c.code === undefined) this.error('code_configuration.code', 'is required: the folder holding the scoring script (a local folder, git+https://… or an azureml: code asset)');
    else if (/^azureml:\/\/registries\//i.test(c.code)) this.error('code_configuration.code', `"${c.code}" is in an Azure ML registry: ${REGISTRY_REASON}`);
    if (c.scoring_script === undefined) this.error('code_configuration.scoring_script', 'is required: the scoring script in the code folder, such as score.py');
    if (c.code === undefined || c.scoring_script === undefined) return undefined;
    return { code: c.code, scoringScript: c.scoring_script };
  }

  private environment(hasCode: boolean): OnlineDeploymentSpec['environment'] | undefined {
    const e = this.raw.environment;
    if (e === undefined) {
      this.error('environment', 'is required: give the container image ({image: …}) or an environment (azureml:<name>:<version>); MLflow no-code deployments are not supported');
      return undefined;
    }
    if (e.kind === 'reference') {
      const ref = e.reference;
      if (/^azureml:\/\/registries\//i.test(ref)) {
        this.error('environment', `"${ref}" is in an Azure ML registry: ${REGISTRY_REASON}; reference a workspace environment (azureml:<name>:<version>) or give {image: …}`);
        return undefined;
      }
      if (!ref.startsWith('azureml:')) {
        this.error('environment', `"${ref}" is neither an inline environment nor an azureml: reference; for an image write environment: {image: ${ref}}`);
        return undefined;
      }
      const parsed = parseEnvironmentReference(ref);
      if (!parsed.ok) {
        this.error('environment', parsed.message);
        return undefined;
      }
      return { image: '', reference: ref, ...this.routes(undefined, hasCode) };
    }
    for (const f of ENV_ASSET_FIELDS) {
      if (e[f] !== undefined) this.warn(`environment.${f}`, 'describes the environment asset Azure ML would register; the deployment only uses the image, so it is ignored');
    }
    if (e.image === undefined) {
      this.error('environment.image', 'is required: name the container image to run (Harbormaster builds no images)');
      return undefined;
    }
    const bad = checkImageReference(e.image);
    if (bad) {
      this.error('environment.image', bad);
      return undefined;
    }
    return { image: e.image, ...this.routes(e.inference_config, hasCode) };
  }

  private routes(config: { liveness_route: RawRoute; scoring_route: RawRoute; readiness_route: RawRoute } | undefined, hasCode: boolean) {
    const r = (x: RawRoute): InferenceRoute => ({ port: x.port, path: x.path });
    if (config) {
      for (const k of ['liveness_route', 'scoring_route', 'readiness_route'] as const) {
        if (config[k].port > 65535) this.error(`environment.inference_config.${k}.port`, `must be a port from 1 to 65535, not ${config[k].port}`);
        if (!config[k].path.startsWith('/')) this.error(`environment.inference_config.${k}.path`, `"${config[k].path}" must start with "/"`);
      }
      return { inferenceConfig: { scoringRoute: r(config.scoring_route), livenessRoute: r(config.liveness_route), readinessRoute: r(config.readiness_route) } };
    }
    if (hasCode) return {};
    const port = ENDPOINT_DEFAULTS.port;
    return {
      inferenceConfig: {
        scoringRoute: { port, path: ENDPOINT_DEFAULTS.scoringPath },
        livenessRoute: { port, path: ENDPOINT_DEFAULTS.livenessPath },
        readinessRoute: { port, path: ENDPOINT_DEFAULTS.readinessPath },
      },
    };
  }

  private resources(): OnlineDeploymentSpec['resources'] {
    const res = this.raw.resources;
    if (res === undefined) return undefined;
    const requests = this.resourceMap(res.requests, 'requests');
    const limits = this.resourceMap(res.limits, 'limits');
    if (!requests || !limits) return undefined;
    for (const [k, v] of Object.entries(requests.values)) {
      const limit = limits.values[k];
      if (limit !== undefined && v > limit) {
        this.error(`resources.requests.${requests.keys[k]}`, `"${requests.map[k]}" is more than the limit "${limits.map[k]}" (resources.limits.${limits.keys[k]}); a request cannot exceed its limit`);
      }
    }
    return { requests: requests.map, limits: limits.map };
  }

  private resourceMap(raw: RawResourceSettings | undefined, which: 'requests' | 'limits') {
    const map: ResourceMap = {};
    const values: Record<string, number> = {};
    const keys: Record<string, string> = {};
    let ok = true;
    if (raw?.gpu !== undefined && raw['nvidia.com/gpu'] !== undefined) {
      this.error(`resources.${which}.gpu`, 'is written twice, as gpu and as nvidia.com/gpu; keep one');
      return undefined;
    }
    for (const written of ['cpu', 'memory', 'gpu', 'nvidia.com/gpu'] as const) {
      const text = raw?.[written];
      if (text === undefined) continue;
      const key = written === 'gpu' ? 'nvidia.com/gpu' : written;
      const at = `resources.${which}.${written}`;
      const q = parseQuantity(text);
      if (!q.ok) {
        this.error(at, q.reason);
        ok = false;
        continue;
      }
      if (q.value <= 0) {
        this.error(at, `must be more than 0, not "${text}"`);
        ok = false;
        continue;
      }
      if (key === 'nvidia.com/gpu') {
        if (which === 'requests') {
          this.error(at, `GPUs are set in resources.limits only (Kubernetes requests exactly the limit, as instance types do); move ${written}: "${text}" there`);
          ok = false;
          continue;
        }
        if (!Number.isInteger(q.value)) {
          this.error(at, `must be a whole number of GPUs, not "${text}"`);
          ok = false;
          continue;
        }
      }
      map[key] = text;
      values[key] = q.value;
      keys[key] = written;
    }
    return ok ? { map, values, keys } : undefined;
  }

  private scaleSettings(): OnlineDeploymentSpec['scaleSettings'] {
    const s = this.raw.scale_settings;
    if (s === undefined || s.type === 'default') return { type: 'default' };
    const d = ENDPOINT_DEFAULTS.targetUtilization;
    const spec = {
      type: 'target_utilization' as const,
      minInstances: s.min_instances ?? d.minInstances,
      maxInstances: s.max_instances ?? d.maxInstances,
      targetUtilizationPercentage: s.target_utilization_percentage ?? d.targetUtilizationPercentage,
      pollingIntervalSeconds: s.polling_interval ?? d.pollingIntervalSeconds,
    };
    if (spec.minInstances > spec.maxInstances) {
      const at = s.max_instances === undefined ? 'scale_settings.min_instances' : 'scale_settings.max_instances';
      this.error(at, `max_instances (${spec.maxInstances}${s.max_instances === undefined ? ', the default' : ''}) is less than min_instances (${spec.minInstances}); max_instances must be at least min_instances`);
    }
    if (spec.targetUtilizationPercentage > 100) {
      this.error('scale_settings.target_utilization_percentage', `must be a percentage from 1 to 100, not ${spec.targetUtilizationPercentage}`);
    }
    return spec;
  }
}

function probeSpec(raw: RawProbe | undefined): ProbeSpec {
  const d = ENDPOINT_DEFAULTS.probe;
  return {
    periodSeconds: raw?.period ?? d.periodSeconds,
    initialDelaySeconds: raw?.initial_delay ?? d.initialDelaySeconds,
    timeoutSeconds: raw?.timeout ?? d.timeoutSeconds,
    successThreshold: raw?.success_threshold ?? d.successThreshold,
    failureThreshold: raw?.failure_threshold ?? d.failureThreshold,
  };
}

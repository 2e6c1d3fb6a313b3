// The job form and the job document are two views of one spec (UI.md "YAML and form are two views of one
// spec, switchable both ways without loss"). The document is Azure ML's CLI v2 job in its own field names
// (what the YAML view shows and what the API takes as JSON); the form holds the fields people edit most,
// as text. Everything the form does not show (a sweep's search space, `$schema`, unusual input modes,
// properties …) is kept aside verbatim in `extra` and put back, so Form → YAML → Form changes nothing.

export interface KeyValue {
  key: string;
  value: string;
}

export interface InputRow {
  name: string;
  /** literal: a number/string/boolean; uri_file / uri_folder: data at `value` (a URL or a local path). */
  kind: 'literal' | 'uri_file' | 'uri_folder';
  value: string;
  /** How a literal was written (kept so 1 stays a number and "1" a string). */
  literalType?: 'string' | 'number' | 'boolean';
  mode?: '' | 'ro_mount' | 'direct';
}

export interface OutputRow {
  name: string;
  type: 'uri_folder' | 'uri_file';
  mode: '' | 'rw_mount' | 'upload';
}

export type DistributionKind = '' | 'pytorch' | 'tensorflow' | 'mpi';

export interface JobFormState {
  name: string;
  displayName: string;
  experimentName: string;
  description: string;
  /** Compute target name (written azureml:<name>). */
  compute: string;
  /** '' = the compute target's default instance type. */
  instanceType: string;
  environmentKind: 'image' | 'reference';
  image: string;
  /** azureml:<name>:<version>, azureml:<name>@latest or an azureml://registries/… reference. */
  environment: string;
  command: string;
  /** A local folder (uploaded with the job) or git+https://… */
  code: string;
  environmentVariables: KeyValue[];
  inputs: InputRow[];
  outputs: OutputRow[];
  instanceCount: string;
  shmSize: string;
  distribution: DistributionKind;
  processCountPerInstance: string;
  workerCount: string;
  parameterServerCount: string;
  timeout: string;
  tags: KeyValue[];
}

/** Fields of the document the form does not edit, kept verbatim by where they live. */
export interface FormExtra {
  top: Record<string, unknown>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  resources: Record<string, unknown>;
  limits: Record<string, unknown>;
  environment?: unknown;
  distribution?: unknown;
}

export interface FormView {
  form: JobFormState;
  extra: FormExtra;
}

export const EMPTY_FORM: JobFormState = {
  name: '',
  displayName: '',
  experimentName: '',
  description: '',
  compute: '',
  instanceType: '',
  environmentKind: 'image',
  image: '',
  environment: '',
  command: '',
  code: '',
  environmentVariables: [],
  inputs: [],
  outputs: [],
  instanceCount: '',
  shmSize: '',
  distribution: '',
  processCountPerInstance: '',
  workerCount: '',
  parameterServerCount: '',
  timeout: '',
  tags: [],
};

export const emptyExtra = (): FormExtra => ({ top: {}, inputs: {}, outputs: {}, resources: {}, limits: {} });

type Doc = Record<string, unknown>;
const isMap = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

const HANDLED_TOP = new Set([
  'name', 'display_name', 'experiment_name', 'description', 'compute', 'command', 'code', 'environment',
  'environment_variables', 'inputs', 'outputs', 'resources', 'distribution', 'limits', 'tags',
]);

/**
 * The form view of a document, or why the form cannot show it (sweep jobs and other types are edited as
 * YAML; the document is kept as it is).
 */
export function documentToForm(doc: unknown): { ok: true; view: FormView } | { ok: false; reason: string } {
  if (!isMap(doc)) return { ok: false, reason: 'the document is not a mapping of job fields' };
  const type = doc.type === undefined ? 'command' : String(doc.type).toLowerCase();
  if (type !== 'command') return { ok: false, reason: `a ${type} job is edited as YAML (the form shows command jobs)` };
  const form: JobFormState = { ...EMPTY_FORM, environmentVariables: [], inputs: [], outputs: [], tags: [] };
  const extra = emptyExtra();
  for (const [k, v] of Object.entries(doc)) if (!HANDLED_TOP.has(k)) extra.top[k] = v;

  const simple: Array<[keyof JobFormState, string]> = [['name', 'name'], ['displayName', 'display_name'], ['experimentName', 'experiment_name'], ['description', 'description'], ['command', 'command']];
  for (const [field, key] of simple) {
    if (doc[key] === undefined) continue;
    if (typeof doc[key] === 'string') (form[field] as string) = doc[key] as string;
    else extra.top[key] = doc[key];
  }
  if (doc.code !== undefined) {
    if (typeof doc.code === 'string') form.code = doc.code;
    else extra.top.code = doc.code;
  }
  if (doc.compute !== undefined) {
    if (typeof doc.compute === 'string') form.compute = doc.compute.replace(/^azureml:/, '');
    else extra.top.compute = doc.compute;
  }
  const env = doc.environment;
  if (typeof env === 'string') {
    form.environmentKind = 'reference';
    form.environment = env;
  } else if (isMap(env) && Object.keys(env).every((k) => k === 'image') && typeof env.image === 'string') {
    form.environmentKind = 'image';
    form.image = env.image;
  } else if (env !== undefined) extra.environment = env;

  if (isMap(doc.environment_variables) && Object.values(doc.environment_variables).every(isScalar)) {
    form.environmentVariables = Object.entries(doc.environment_variables).map(([key, value]) => ({ key, value: String(value) }));
  } else if (doc.environment_variables !== undefined) extra.top.environment_variables = doc.environment_variables;

  if (isMap(doc.tags) && Object.values(doc.tags).every((v) => typeof v === 'string')) {
    form.tags = Object.entries(doc.tags).map(([key, value]) => ({ key, value: value as string }));
  } else if (doc.tags !== undefined) extra.top.tags = doc.tags;

  if (isMap(doc.inputs)) {
    for (const [name, v] of Object.entries(doc.inputs)) {
      if (isScalar(v)) {
        form.inputs.push({ name, kind: 'literal', value: String(v), literalType: typeof v as InputRow['literalType'] });
      } else if (
        isMap(v) &&
        (v.type === 'uri_file' || v.type === 'uri_folder') &&
        typeof v.path === 'string' &&
        Object.keys(v).every((k) => ['type', 'path', 'mode'].includes(k)) &&
        (v.mode === undefined || v.mode === 'ro_mount' || v.mode === 'direct')
      ) {
        form.inputs.push({ name, kind: v.type, value: v.path, mode: (v.mode as InputRow['mode']) ?? '' });
      } else extra.inputs[name] = v;
    }
  } else if (doc.inputs !== undefined) extra.top.inputs = doc.inputs;

  if (isMap(doc.outputs)) {
    for (const [name, v] of Object.entries(doc.outputs)) {
      if (
        isMap(v) &&
        (v.type === undefined || v.type === 'uri_folder' || v.type === 'uri_file') &&
        Object.keys(v).every((k) => ['type', 'mode'].includes(k)) &&
        (v.mode === undefined || v.mode === 'rw_mount' || v.mode === 'upload') &&
        v.type !== undefined
      ) {
        form.outputs.push({ name, type: v.type as OutputRow['type'], mode: (v.mode as OutputRow['mode']) ?? '' });
      } else extra.outputs[name] = v;
    }
  } else if (doc.outputs !== undefined) extra.top.outputs = doc.outputs;

  if (isMap(doc.resources)) {
    for (const [k, v] of Object.entries(doc.resources)) {
      if (k === 'instance_count' && typeof v === 'number') form.instanceCount = String(v);
      else if (k === 'instance_type' && typeof v === 'string') form.instanceType = v;
      else if (k === 'shm_size' && typeof v === 'string') form.shmSize = v;
      else extra.resources[k] = v;
    }
  } else if (doc.resources !== undefined) extra.top.resources = doc.resources;

  if (isMap(doc.limits)) {
    for (const [k, v] of Object.entries(doc.limits)) {
      if (k === 'timeout' && typeof v === 'number') form.timeout = String(v);
      else extra.limits[k] = v;
    }
  } else if (doc.limits !== undefined) extra.top.limits = doc.limits;

  const d = doc.distribution;
  const num = (v: unknown) => v === undefined || typeof v === 'number';
  if (isMap(d) && (d.type === 'pytorch' || d.type === 'mpi') && Object.keys(d).every((k) => ['type', 'process_count_per_instance'].includes(k)) && num(d.process_count_per_instance)) {
    form.distribution = d.type;
    form.processCountPerInstance = str(d.process_count_per_instance);
  } else if (isMap(d) && d.type === 'tensorflow' && Object.keys(d).every((k) => ['type', 'worker_count', 'parameter_server_count'].includes(k)) && num(d.worker_count) && num(d.parameter_server_count)) {
    form.distribution = 'tensorflow';
    form.workerCount = str(d.worker_count);
    form.parameterServerCount = str(d.parameter_server_count);
  } else if (d !== undefined) extra.distribution = d;
  return { ok: true, view: { form, extra } };
}

/** A number the user typed, or the text itself when it is not one (the server then names the field). */
function numberOrText(s: string): number | string {
  const t = s.trim();
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

function literal(row: InputRow): string | number | boolean {
  const t = row.literalType ?? (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(row.value.trim()) ? 'number' : /^(true|false)$/.test(row.value.trim()) ? 'boolean' : 'string');
  if (t === 'number' && row.value.trim() !== '' && Number.isFinite(Number(row.value))) return Number(row.value);
  if (t === 'boolean' && /^(true|false)$/.test(row.value.trim())) return row.value.trim() === 'true';
  return row.value;
}

const ORDER = ['$schema', 'type', 'name', 'display_name', 'experiment_name', 'description', 'command', 'code', 'environment', 'environment_variables', 'inputs', 'outputs', 'compute', 'resources', 'distribution', 'limits', 'tags'];

/** The document a form (plus what it kept aside) stands for. */
export function formToDocument(form: JobFormState, extra: FormExtra = emptyExtra()): Record<string, unknown> {
  const doc: Doc = { ...extra.top };
  const set = (k: string, v: string) => {
    if (v.trim() !== '') doc[k] = v;
  };
  set('name', form.name);
  set('display_name', form.displayName);
  set('experiment_name', form.experimentName);
  set('description', form.description);
  set('command', form.command);
  set('code', form.code);
  if (form.compute.trim()) doc.compute = `azureml:${form.compute.trim().replace(/^azureml:/, '')}`;
  if (extra.environment !== undefined) doc.environment = extra.environment;
  else if (form.environmentKind === 'reference' && form.environment.trim()) doc.environment = form.environment.trim();
  else if (form.environmentKind === 'image' && form.image.trim()) doc.environment = { image: form.image.trim() };

  const vars = form.environmentVariables.filter((r) => r.key.trim() !== '');
  if (vars.length) doc.environment_variables = Object.fromEntries(vars.map((r) => [r.key.trim(), r.value]));
  const tags = form.tags.filter((r) => r.key.trim() !== '');
  if (tags.length) doc.tags = Object.fromEntries(tags.map((r) => [r.key.trim(), r.value]));

  const inputs: Doc = {};
  for (const row of form.inputs) {
    if (!row.name.trim()) continue;
    inputs[row.name.trim()] = row.kind === 'literal' ? literal(row) : { type: row.kind, path: row.value, ...(row.mode ? { mode: row.mode } : {}) };
  }
  Object.assign(inputs, extra.inputs);
  if (Object.keys(inputs).length) doc.inputs = inputs;

  const outputs: Doc = {};
  for (const row of form.outputs) {
    if (!row.name.trim()) continue;
    outputs[row.name.trim()] = { type: row.type, ...(row.mode ? { mode: row.mode } : {}) };
  }
  Object.assign(outputs, extra.outputs);
  if (Object.keys(outputs).length) doc.outputs = outputs;

  const resources: Doc = {};
  if (form.instanceCount.trim()) resources.instance_count = numberOrText(form.instanceCount);
  if (form.instanceType.trim()) resources.instance_type = form.instanceType.trim();
  if (form.shmSize.trim()) resources.shm_size = form.shmSize.trim();
  Object.assign(resources, extra.resources);
  if (Object.keys(resources).length) doc.resources = resources;

  if (extra.distribution !== undefined) doc.distribution = extra.distribution;
  else if (form.distribution === 'pytorch' || form.distribution === 'mpi') {
    doc.distribution = { type: form.distribution, ...(form.processCountPerInstance.trim() ? { process_count_per_instance: numberOrText(form.processCountPerInstance) } : {}) };
  } else if (form.distribution === 'tensorflow') {
    doc.distribution = {
      type: 'tensorflow',
      ...(form.workerCount.trim() ? { worker_count: numberOrText(form.workerCount) } : {}),
      ...(form.parameterServerCount.trim() ? { parameter_server_count: numberOrText(form.parameterServerCount) } : {}),
    };
  }

  const limits: Doc = {};
  if (form.timeout.trim()) limits.timeout = numberOrText(form.timeout);
  Object.assign(limits, extra.limits);
  if (Object.keys(limits).length) doc.limits = limits;

  const ordered: Doc = {};
  for (const k of ORDER) if (k in doc) ordered[k] = doc[k];
  for (const k of Object.keys(doc)) if (!(k in ordered)) ordered[k] = doc[k];
  return ordered;
}

/** Which form field a server field path (`distribution.process_count_per_instance`) belongs to. */
export function formFieldOf(path: string): string | undefined {
  const [head, second, third] = path.split('.');
  switch (head) {
    case 'name': return 'name';
    case 'display_name': return 'displayName';
    case 'experiment_name': return 'experimentName';
    case 'description': return 'description';
    case 'compute': return 'compute';
    case 'command': return 'command';
    case 'code': return 'code';
    case 'environment': return 'environment';
    case 'environment_variables': return 'environmentVariables';
    case 'tags': return 'tags';
    case 'inputs': return second ? `inputs.${second}` : 'inputs';
    case 'outputs': return second ? `outputs.${second}` : 'outputs';
    case 'resources':
      return second === 'instance_type' ? 'instanceType' : second === 'instance_count' ? 'instanceCount' : second === 'shm_size' ? 'shmSize' : undefined;
    case 'distribution':
      return second === 'process_count_per_instance' ? 'processCountPerInstance' : second === 'worker_count' ? 'workerCount' : second === 'parameter_server_count' ? 'parameterServerCount' : 'distribution';
    case 'limits':
      return second === 'timeout' ? 'timeout' : undefined;
    default:
      void third;
      return undefined;
  }
}

/** The document's local code folder (or undefined for git, assets or no code). */
export function localCodePath(doc: unknown): string | undefined {
  if (!isMap(doc)) return undefined;
  const code = isMap(doc.trial) ? doc.trial.code : doc.code;
  if (typeof code !== 'string' || /^(git\+|https?:|azureml:)/.test(code)) return undefined;
  return code.replace(/^file:/, '');
}

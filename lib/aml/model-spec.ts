// A model version as Harbormaster's registry records it: the normalized spec of an Azure ML CLI v2 model file
// ($schema: https://azuremlschemas.azureedge.net/latest/model.schema.json).
//
//   parseModelYaml(text)  the model YAML (PyYAML rules, lib/aml/yaml.ts) → spec + warnings, or errors
//   normalizeModel(doc)   the same document as JSON (REST body, the model form) → the same result
//
// Field for field with the SDK's ModelSchema (azure-ai-ml 1.35.2, azure/ai/ml/_schema/assets/model.py) and what
// load_model and ModelOperations.create_or_update check before anything is sent: unknown fields, wrong types
// and bad `type` values are refused naming the field, read-only fields are accepted and ignored (with a
// warning), as the SDK drops them. Stricter than the SDK, each time with the reason in the message: rules the
// Azure ML service applies (asset names, integer model versions), and locations Harbormaster cannot record
// (registry and model-catalog references, MLflow `runs:/` URIs, other clouds' storage).
// lib/aml/model-sdk-differential.sdk.test.ts holds the verdict table against the SDK.

import { z } from 'zod';
import { pythonStr } from './command-template';
import { parseDataPath, type DataLocation } from './data-uri';
import { dedupeIssues, describeValue, fromZodIssues, IssueCollector, type JobIssue } from './issues';
import { JOB_NAME_RE, MODEL_INPUT_TYPES } from './job-yaml-schema';
import { loadPyYaml, pathKey, YamlTimestamp, type YamlPath } from './yaml';
import { ciEnum, dict, dispatch, fail, isMapping, str, strict, unsupported } from './zod-fields';

export type { JobIssue } from './issues';

// --- the normalized spec --------------------------------------------------------------------------

export const MODEL_TYPES = MODEL_INPUT_TYPES;
export type ModelType = (typeof MODEL_TYPES)[number];

/**
 * Where a model's files are, classified (lib/aml/data-uri.ts). A parsed model only ever has url, blob, adls,
 * datastore, job-output (with subPath for …/paths/<p>) or local: asset and registry references are refused.
 */
export type ModelLocation = DataLocation;

export interface ModelSpec {
  /** Azure ML asset name: letters, digits, "-" and "_", starting with a letter or digit, at most 255 characters. */
  name: string;
  /** A positive integer as text ("3"); absent: the registry assigns the next one. */
  version?: string;
  type: ModelType;
  description?: string;
  /** Values as Azure ML stores them: text (numbers and booleans as Python writes them, "1.0", "True"). */
  tags: Record<string, string>;
  properties: Record<string, string>;
  stage?: string;
  /** Where the artifacts are, as written, and classified. */
  path: string;
  location: ModelLocation;
  /** MLflow flavors: flavor name → its settings. */
  flavors?: Record<string, Record<string, unknown>>;
  /** The job whose output holds the files (from path azureml://jobs/<job>/outputs/…): the model's lineage. */
  jobName?: string;
}

export type ModelParseResult = { ok: true; spec: ModelSpec; warnings: JobIssue[] } | { ok: false; errors: JobIssue[]; warnings: JobIssue[] };

// --- phase 1: the document, field by field as the SDK's ModelSchema ------------------------------

const PATH_FORMS =
  'a local folder or file next to this file (uploaded with it), an https:// URL, a wasbs:// or abfss:// storage URI, ' +
  'azureml://datastores/<datastore>/paths/<path>, or a job output azureml://jobs/<job>/outputs/<output>/paths/<path>';

const REGISTRY_REASON =
  'registry assets are not supported for Kubernetes compute (Azure ML: "Registry reference for models is not supported for K8SDeployment")';

/** Fields the service fills in: the SDK drops them unread (ModelSchema dump_only), unless null. */
const SERVICE_FIELDS = ['id', 'utc_time_created', 'creation_context', 'job_name', 'latest_version', 'intellectual_property'] as const;

/**
 * A dump-only field: any value is dropped unread, as the SDK's trim_dump_only does — except null, which the SDK
 * does not trim, so marshmallow refuses it as an unknown field.
 */
const serviceField = z.unknown().superRefine((v, ctx) => {
  if (v === null) {
    ctx.addIssue({ code: 'custom', message: 'is set by the service and cannot be written empty (null): remove the line (Azure ML refuses it too)', input: v });
  }
});

/** A tag or property value: Azure ML stores text; numbers and booleans become Python's str() of them. */
type RawText = string | number | boolean | null;
const textValue = z.unknown().transform((v, ctx): RawText => {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof YamlTimestamp) {
    // str(datetime.date) is the text as written; a date with a time is rewritten by Python ("T" → " ", …).
    if (/^\d{4}-\d{2}-\d{2}$/.test(v.text)) return v.text;
    return fail(ctx, `must be text, not a date and time; quote it: "${v.text}" (Azure ML would store Python's rewriting of it)`);
  }
  return fail(ctx, `must be text (numbers and true/false are turned into text), not ${describeValue(v)}; Azure ML would store Python's rendering of it`);
});

/** Plain JSON: YAML dates inside flavors become their text. */
function plain(v: unknown): unknown {
  if (v instanceof YamlTimestamp) return v.text;
  if (Array.isArray(v)) return v.map(plain);
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const flavorValue = z.unknown().transform((v, ctx): Record<string, unknown> => {
  if (!isMapping(v)) return fail(ctx, `must be a mapping of the flavor's settings (for example {loader_module: mlflow.sklearn}), not ${describeValue(v)}`);
  return plain(v) as Record<string, unknown>;
});

/** SDK VersionField: a string or a number (bool included, being a Python int); checked further in phase 2. */
const versionValue = z.unknown().transform((v, ctx): string | number | boolean => {
  if (v === null) return fail(ctx, 'must be a version such as 1, not null; leave version out to get the next one');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return fail(ctx, `must be a version number such as 1, not ${describeValue(v)}`);
});

const pathValue = z.unknown().transform((v, ctx): string => {
  // The SDK's schema does not require path, but create_or_update fails without one (AttributeError in
  // validate_ml_flow_folder) and the service needs a model URI.
  if (v === undefined) return fail(ctx, `is required: where the model's files are — ${PATH_FORMS}`);
  if (v instanceof YamlTimestamp) return fail(ctx, `must be a string, not a date; quote it: "${v.text}"`);
  if (typeof v !== 'string') return fail(ctx, `must be a string (${PATH_FORMS}), not ${describeValue(v)}`);
  return v;
});

const deploymentTemplates = unsupported(
  `deployment templates live in Azure ML registries (azureml://registries/<registry>/deploymenttemplates/…), and ${REGISTRY_REASON}; ` +
    'remove the field and give the deployment its settings itself',
);

const ModelDocumentShape = {
  $schema: serviceField.optional(),
  name: str({ nonEmpty: true }),
  id: serviceField.optional(),
  type: ciEnum(MODEL_TYPES).optional(),
  path: pathValue,
  version: versionValue.optional(),
  description: str().optional(),
  properties: dict(textValue).optional(),
  tags: dict(textValue).optional(),
  stage: str().optional(),
  utc_time_created: serviceField.optional(),
  flavors: dict(flavorValue).optional(),
  creation_context: serviceField.optional(),
  job_name: serviceField.optional(),
  latest_version: serviceField.optional(),
  datastore: str().optional(),
  intellectual_property: serviceField.optional(),
  system_metadata: dict(z.unknown()).optional(),
  default_deployment_template: deploymentTemplates.optional(),
  allowed_deployment_templates: deploymentTemplates.optional(),
};

/** The fields a model file may have (the SDK's ModelSchema, read-only ones included). */
export const MODEL_FIELDS = Object.keys(ModelDocumentShape) as readonly string[];

const ModelObject = strict(ModelDocumentShape);
type RawModel = z.output<typeof ModelObject>;

const ModelDocument = dispatch<RawModel>((v, ctx) =>
  isMapping(v) ? ModelObject : fail(ctx, `a model must be a mapping of fields (name, version, path, type, …), not ${describeValue(v)}`),
);

// --- entry points ---------------------------------------------------------------------------------

/** Parses an Azure ML CLI v2 model YAML file. */
export function parseModelYaml(text: string): ModelParseResult {
  const loaded = loadPyYaml(text, { noun: 'model', fields: 'name, version, path, type, …' });
  if (!loaded.ok) return { ok: false, errors: loaded.errors, warnings: [] };
  return normalizeDocument(loaded.value, (path) => loaded.floatPaths.has(pathKey(path)), loaded.warnings);
}

/**
 * Normalizes a model given as JSON (REST body or the model form) in Azure ML's field names. JSON has one number
 * type, so an integral number counts as an integer (version 3.0 → "3", a tag 1.0 → "1").
 */
export function normalizeModel(doc: unknown): ModelParseResult {
  return normalizeDocument(doc, () => false, []);
}

function normalizeDocument(doc: unknown, isFloat: (path: YamlPath) => boolean, yamlWarnings: JobIssue[]): ModelParseResult {
  const parsed = ModelDocument.safeParse(doc);
  if (!parsed.success) {
    return { ok: false, errors: dedupeIssues(fromZodIssues(parsed.error.issues, doc)), warnings: yamlWarnings };
  }
  const n = new ModelNormalizer(parsed.data, isFloat);
  const spec = n.run();
  const warnings = [...yamlWarnings, ...n.warnings];
  if (n.errors.length > 0 || !spec) return { ok: false, errors: dedupeIssues(n.errors), warnings };
  return { ok: true, spec, warnings };
}

// --- phase 2: the service's rules, locations, warnings --------------------------------------------

/** Azure ML model versions are positive integers (the service refuses "1.0.0"; data assets differ). */
const MODEL_VERSION_RE = /^[1-9][0-9]*$/;

/** The last segment of the path as the SDK sees it (a local path resolved first), for validate_ml_flow_folder. */
function lastSegment(path: string, location: ModelLocation): string {
  if (location.kind !== 'local') return path.split('/').pop() ?? '';
  const parts: string[] = [];
  for (const seg of location.path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  // "." (or "a/..") resolves to the folder the file is in, whose name is not known here.
  const last = parts.pop();
  return last === undefined || last === '..' ? '' : last;
}

class ModelNormalizer extends IssueCollector {
  constructor(
    private readonly raw: RawModel,
    private readonly isFloat: (path: YamlPath) => boolean,
  ) {
    super();
  }

  run(): ModelSpec | undefined {
    const raw = this.raw;
    this.schema(raw.$schema);
    if (!JOB_NAME_RE.test(raw.name)) {
      this.error('name', `"${raw.name}" is not a valid model name: letters, digits, "-" and "_", starting with a letter or digit, at most 255 characters (the Azure ML service refuses others)`);
    }
    const version = raw.version === undefined ? undefined : this.version(raw.version);
    const type = raw.type ?? 'custom_model';
    const location = this.location(raw.path, type);
    const jobName = location?.kind === 'job-output' ? location.job : undefined;
    this.serviceFields(jobName);
    if (raw.datastore !== undefined) {
      this.warn('datastore', 'only chooses the datastore the Azure ML CLI uploads local files to; Harbormaster keeps uploaded model files itself, so it is ignored');
    }
    if (raw.system_metadata !== undefined) {
      this.warn('system_metadata', "is metadata for Azure ML's model catalog; Harbormaster does not record it, so it is ignored");
    }
    const tags = this.texts(raw.tags, 'tags');
    const properties = this.texts(raw.properties, 'properties');
    if (this.errors.length > 0 || !location) return undefined;
    const spec: ModelSpec = { name: raw.name, type, tags, properties, path: raw.path, location };
    if (version !== undefined) spec.version = version;
    if (raw.description !== undefined) spec.description = raw.description;
    if (raw.stage !== undefined) spec.stage = raw.stage;
    if (raw.flavors !== undefined) spec.flavors = raw.flavors;
    if (jobName !== undefined) spec.jobName = jobName;
    return spec;
  }

  private schema(value: unknown) {
    if (typeof value === 'string' && /^https?:\/\//.test(value) && !/\/model\.schema\.json$/.test(value)) {
      this.warn('$schema', `names ${value.split('/').pop()}, not model.schema.json: is this a model file? (the field itself is ignored, as Azure ML ignores it)`);
    }
  }

  private serviceFields(jobName: string | undefined) {
    const raw = this.raw as Record<string, unknown>;
    for (const f of SERVICE_FIELDS) {
      if (raw[f] === undefined || raw[f] === null) continue;
      if (f === 'job_name') {
        const written = typeof raw[f] === 'string' ? `"${raw[f] as string}"` : describeValue(raw[f]);
        const lineage =
          jobName === undefined
            ? 'to record the job that produced the model, set path to its output: azureml://jobs/<job>/outputs/<output>/paths/<path>'
            : raw[f] === jobName
              ? `the lineage comes from path (job ${jobName})`
              : `the lineage comes from path: job ${jobName}, not ${written}`;
        this.warn(f, `is set by the service from path; the value in the file is ignored (as the Azure ML CLI ignores it) — ${lineage}`);
        continue;
      }
      this.warn(f, `"${f}" is set by the service; the value in the file is ignored (as the Azure ML CLI ignores it)`);
    }
  }

  private version(v: string | number | boolean): string | undefined {
    const rule = 'Azure ML model versions are positive whole numbers (1, 2, 3, …); put other version labels in tags';
    if (typeof v === 'boolean') {
      this.error('version', `must be a positive whole number such as 3, not ${describeValue(v)}; ${rule}`);
      return undefined;
    }
    if (typeof v === 'number') {
      if (this.isFloat(['version']) || !Number.isInteger(v)) {
        this.error('version', `must be a positive whole number such as 3, not ${pythonStr(v, true)} (Azure ML would read it as the text "${pythonStr(v, true)}"); ${rule}`);
        return undefined;
      }
      if (v < 1 || !Number.isSafeInteger(v)) {
        this.error('version', `must be a positive whole number such as 3, not ${v}; ${rule}`);
        return undefined;
      }
      return String(v);
    }
    if (v === '') {
      this.warn('version', 'is empty, so the next version number is assigned (as Azure ML does); leave version out to say so');
      return undefined;
    }
    if (!MODEL_VERSION_RE.test(v)) {
      this.error('version', `"${v}" is not a model version: ${rule}`);
      return undefined;
    }
    return v;
  }

  private location(path: string, type: ModelType): ModelLocation | undefined {
    const refuse = (message: string) => {
      this.error('path', message);
      return undefined;
    };
    if (path.trim() === '') {
      return refuse(`must not be empty (the Azure ML CLI would upload the whole folder the file is in); give ${PATH_FORMS}`);
    }
    if (/^azureml:\/\/registries\//i.test(path)) {
      return refuse(`"${path}" is in an Azure ML registry (or the model catalog): ${REGISTRY_REASON}; copy the model's files to storage or a job output and register that path`);
    }
    if (/^runs:\//i.test(path)) {
      return refuse(
        `"${path}" names MLflow run artifacts, which live in Azure ML's MLflow tracking store; Harbormaster has none — ` +
          'a job keeps its files in its outputs: write azureml://jobs/<job>/outputs/<output>/paths/<path>',
      );
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(path)?.[1].toLowerCase();
    if (scheme && !['http', 'https', 'wasb', 'wasbs', 'abfs', 'abfss', 'azureml'].includes(scheme)) {
      return refuse(`the ${scheme}:// scheme is not storage Azure ML reads; give ${PATH_FORMS}`);
    }
    const parsed = parseDataPath(path);
    if (!parsed.ok) {
      return refuse(path.startsWith('azureml://') ? `"${path}" is not a model location Azure ML knows; give ${PATH_FORMS}` : parsed.message);
    }
    const loc = parsed.location;
    if (loc.kind === 'asset' || loc.kind === 'registry-asset') {
      return refuse(
        `"${path}" names an asset, not the model's files (the Azure ML CLI would look for a local file of that name); give ${PATH_FORMS}`,
      );
    }
    if (loc.kind === 'job-output' && loc.subPath === undefined && !/\/outputs\/[^/]+\/?$/.test(path)) {
      return refuse(`"${path}" is not a job output URI: write azureml://jobs/${loc.job}/outputs/${loc.output}, or …/outputs/${loc.output}/paths/<path> for a part of it`);
    }
    if (loc.kind === 'url' && loc.url.startsWith('http://')) this.warn('path', 'is fetched over plain HTTP; prefer https://');
    // SDK validate_ml_flow_folder: an MLflow model is a folder (holding MLmodel), and a "." in the last segment means a file.
    if (type === 'mlflow_model' && lastSegment(path, loc).includes('.')) {
      return refuse(`"${path}" looks like a file, and an mlflow_model is a folder (the one holding the MLmodel file); point at the folder, or use type: custom_model`);
    }
    return loc;
  }

  /** tags / properties: text as Azure ML stores it; null values are dropped, as the SDK drops them. */
  private texts(raw: Record<string, RawText> | undefined, field: 'tags' | 'properties'): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw ?? {})) {
      if (v === null) {
        this.warn(`${field}.${k}`, 'has no value, so it is dropped (as Azure ML drops it); give it a value, "" for an empty one');
        continue;
      }
      out[k] = typeof v === 'string' ? v : pythonStr(v, typeof v === 'number' && this.isFloat([field, k]));
    }
    return out;
  }
}


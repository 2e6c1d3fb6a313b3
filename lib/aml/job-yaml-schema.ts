// The Azure ML CLI v2 job document (commandJob / sweepJob schema) as zod, field for field with the SDK's
// marshmallow schemas (azure-ai-ml 1.35.2: CommandJobSchema, SweepJobSchema and what they nest), so a
// document the SDK refuses is refused here too, with the path down to the leaf. Fields Azure ML accepts but
// Harbormaster cannot honour on Kubernetes are refused with the reason (never silently ignored); fields the
// service fills in itself (status, id, …) are accepted and reported as ignored, as the SDK drops them.
// Values stay close to the document here; lib/aml/job-spec.ts turns them into the normalized spec.

import { z } from 'zod';
import { camelToSnake, ciEnum, dispatch, dict, fail, float, int, isMapping, readOnly, str, strict, unsupported } from './zod-fields';
import { YamlTimestamp } from './yaml';
import { describeValue } from './issues';

// --- shared vocabulary ----------------------------------------------------------------------------

export const DATA_INPUT_TYPES = ['uri_file', 'uri_folder'] as const;
export const MODEL_INPUT_TYPES = ['custom_model', 'mlflow_model', 'triton_model'] as const;
export const MLTABLE_INPUT_TYPES = ['mltable'] as const;
export const INPUT_TYPES = [...DATA_INPUT_TYPES, ...MODEL_INPUT_TYPES, ...MLTABLE_INPUT_TYPES] as const;
export type InputType = (typeof INPUT_TYPES)[number];
export const OUTPUT_TYPES = ['uri_file', 'uri_folder', 'custom_model', 'mlflow_model', 'mltable', 'triton_model'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];
export const SEARCH_SPACE_TYPES = [
  'choice', 'randint', 'uniform', 'loguniform', 'quniform', 'qloguniform', 'normal', 'lognormal', 'qnormal', 'qlognormal',
] as const;

/** SDK: validate_key_contains_allowed_characters (inputs, outputs, search_space of command/sweep jobs). */
const KEY_RE = /^[a-zA-Z_]+[a-zA-Z0-9_]*$/;
const keyCheck = (what: string) => (key: string) =>
  KEY_RE.test(key) ? undefined : `${what} name "${key}" must be made of letters, digits and underscores, not starting with a digit`;

/** Azure ML job names (the service refuses others). */
export const JOB_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

/** docker-style sizes as Azure ML's shm_size takes them: 2g, 512m, 1.5G, 1024k, 8gb. */
export const SHM_SIZE_RE = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;

const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

// --- inputs ---------------------------------------------------------------------------------------

const REFUSE_DOWNLOAD =
  'mode "download" is not supported: Azure ML Kubernetes compute cannot download inputs (the pod hangs in Init with ' +
  '"no volume plugin matched"), and Harbormaster keeps job files portable to it; use ro_mount (the default) or direct';

function inputMode(extra: readonly string[] = []) {
  return ciEnum(['ro_mount', 'download', 'direct', ...extra] as const).superRefine((m, ctx) => {
    if (m === 'download') ctx.addIssue({ code: 'custom', message: `not supported: ${REFUSE_DOWNLOAD}`, input: m });
    if (m === 'eval_mount' || m === 'eval_download') {
      ctx.addIssue({ code: 'custom', message: `not supported: mode "${m}" evaluates MLTable files on Azure's data runtime; use ro_mount`, input: m });
    }
  });
}

const dataInputFields = {
  path: str({ nonEmpty: true }),
  datastore: str().optional(),
};
const pathOnCompute = unsupported('path_on_compute chooses the mount point on AmlCompute; Harbormaster mounts inputs under /mnt/azureml/inputs/<name>');

const DataInput = strict({
  type: ciEnum(DATA_INPUT_TYPES).optional(),
  mode: inputMode().optional(),
  path_on_compute: pathOnCompute.optional(),
  ...dataInputFields,
});
const ModelInput = strict({ type: ciEnum(MODEL_INPUT_TYPES), mode: inputMode().optional(), ...dataInputFields });
const MLTableInput = strict({
  type: ciEnum(MLTABLE_INPUT_TYPES),
  mode: inputMode(['eval_mount', 'eval_download']).optional(),
  path_on_compute: pathOnCompute.optional(),
  ...dataInputFields,
});

export type RawLiteral = { kind: 'literal'; value: string | number | boolean };
export type RawDataInput = {
  kind: 'data';
  type: InputType;
  path: string;
  mode?: 'ro_mount' | 'direct';
  datastore?: string;
};
export type RawInput = RawLiteral | RawDataInput;

const literalValue = z.unknown().transform((v, ctx): RawLiteral => {
  if (v instanceof YamlTimestamp) return fail(ctx, `must be a string, not a date; quote it: "${v.text}"`);
  if (!scalar(v)) return fail(ctx, `must be a string, number or boolean, not ${describeValue(v)}`);
  return { kind: 'literal', value: v as string | number | boolean };
});

const inputField = dispatch<RawInput>((v, ctx) => {
  if (v === null || v === undefined) {
    return fail(ctx, 'has no value: give a literal (number, string, true/false) or a data input {type, path}');
  }
  if (!isMapping(v)) return literalValue;
  if ('value' in v && !('type' in v) && !('path' in v)) {
    return strict({ value: literalValue }).transform((o) => o.value) as unknown as z.ZodType<RawInput>;
  }
  const type = v.type === undefined ? 'uri_folder' : v.type;
  const lower = typeof type === 'string' ? type.toLowerCase() : undefined;
  const toData = (o: { type?: string; path: string; mode?: string; datastore?: string }): RawInput => ({
    kind: 'data',
    type: (o.type ?? 'uri_folder') as InputType,
    path: o.path,
    mode: o.mode as RawDataInput['mode'],
    datastore: o.datastore,
  });
  if (lower && (DATA_INPUT_TYPES as readonly string[]).includes(lower)) return DataInput.transform(toData) as unknown as z.ZodType<RawInput>;
  if (lower && (MODEL_INPUT_TYPES as readonly string[]).includes(lower)) return ModelInput.transform(toData) as unknown as z.ZodType<RawInput>;
  if (lower && (MLTABLE_INPUT_TYPES as readonly string[]).includes(lower)) return MLTableInput.transform(toData) as unknown as z.ZodType<RawInput>;
  return z.object({ type: ciEnum(INPUT_TYPES) }).passthrough() as unknown as z.ZodType<RawInput>;
});

// --- outputs --------------------------------------------------------------------------------------

export type RawOutput = { type?: OutputType; mode?: 'rw_mount' | 'upload'; name?: string; version?: string };

const versionField = z.unknown().transform((v, ctx): string => {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return fail(ctx, `must be a version such as 1 or "2024.1", not ${describeValue(v)}`);
});

const OutputEntry = strict({
  type: ciEnum(OUTPUT_TYPES).optional(),
  mode: ciEnum(['mount', 'upload', 'rw_mount', 'direct'] as const)
    .superRefine((m, ctx) => {
      if (m === 'direct') {
        ctx.addIssue({ code: 'custom', message: 'not supported: mode "direct" leaves writing to the job with no destination; use rw_mount (the default) or upload', input: m });
      }
    })
    .optional(),
  path: unsupported(
    'writing an output to a datastore path needs Azure storage credentials; Harbormaster keeps outputs on the ' +
      "compute target's output volume (a PVC labelled ml.azure.com/pvc) and registers them from there — remove path",
  ).optional(),
  name: str({ nonEmpty: true }).optional(),
  version: versionField.optional(),
  $schema: readOnly.optional(),
}).transform((o): RawOutput => ({
  type: o.type,
  mode: o.mode === undefined ? undefined : o.mode === 'upload' ? 'upload' : 'rw_mount',
  name: o.name,
  version: o.version,
}));

const outputField = dispatch<RawOutput>((v, ctx) => {
  if (v === null || v === undefined) return z.unknown().transform((): RawOutput => ({}));
  if (!isMapping(v)) return fail(ctx, `must be a mapping such as {type: uri_folder} (or empty), not ${describeValue(v)}`);
  return OutputEntry as unknown as z.ZodType<RawOutput>;
});

// --- environment, code, compute -------------------------------------------------------------------

export type RawEnvironment =
  | { kind: 'reference'; reference: string }
  | {
      kind: 'inline';
      image?: string;
      osType?: 'linux';
      ignored: string[];
    };

const IGNORED_ENV_FIELDS = ['name', 'version', 'description', 'tags', 'datastore', 'inference_config', 'auto_delete_setting'] as const;

const InlineEnvironment = strict({
  image: str({ nonEmpty: true }).optional(),
  conda_file: unsupported(
    'conda_file needs an image build, which Harbormaster does not do; bake the conda environment into an image ' +
      '(or use a curated environment such as azureml:AzureML-sklearn-1.5@latest) and name it with image',
  ).optional(),
  build: unsupported(
    'image builds (environment.build) are not supported: Harbormaster runs prebuilt images; build and push the ' +
      'Docker context yourself and set environment.image to the pushed image',
  ).optional(),
  os_type: ciEnum(['linux', 'windows'] as const)
    .superRefine((os, ctx) => {
      if (os === 'windows') ctx.addIssue({ code: 'custom', message: 'not supported: Harbormaster runs Linux containers only', input: os });
    })
    .optional(),
  inference_config: readOnly.optional(),
  datastore: str().optional(),
  name: readOnly.optional(),
  version: readOnly.optional(),
  description: str().optional(),
  tags: readOnly.optional(),
  auto_delete_setting: readOnly.optional(),
  id: readOnly.optional(),
  creation_context: readOnly.optional(),
  latest_version: readOnly.optional(),
  intellectual_property: readOnly.optional(),
  $schema: readOnly.optional(),
}).transform((e): RawEnvironment => ({
  kind: 'inline',
  image: e.image,
  osType: e.os_type === 'linux' ? 'linux' : undefined,
  ignored: IGNORED_ENV_FIELDS.filter((k) => (e as Record<string, unknown>)[k] !== undefined),
}));

const environmentField = dispatch<RawEnvironment>((v, ctx) => {
  if (v === undefined) return fail(ctx, 'is required: name an image ({image: python:3.11}) or an environment (azureml:<name>@latest)');
  if (typeof v === 'string') {
    if (!v.startsWith('azureml:')) {
      return fail(ctx, `"${v}" is neither an inline environment nor an azureml: reference; for an image write environment: {image: ${v}}`);
    }
    return z.string().transform((s): RawEnvironment => ({ kind: 'reference', reference: s }));
  }
  if (!isMapping(v)) return fail(ctx, `must be an environment reference (azureml:<name>@latest) or a mapping {image: …}, not ${describeValue(v)}`);
  return InlineEnvironment as unknown as z.ZodType<RawEnvironment>;
});

const codeField = dispatch<string>((v, ctx) => {
  if (typeof v === 'string') return str({ nonEmpty: true });
  if (isMapping(v) && 'local_path' in v) {
    return fail(ctx, `{local_path: …} is the pre-GA (2021) syntax that Azure ML no longer reads; write code: ${typeof v.local_path === 'string' ? v.local_path : '<folder>'}`);
  }
  return fail(ctx, `must be a local folder, a git+https:// URL or an azureml: code asset, not ${describeValue(v)}`);
});

const computeField = str({ nonEmpty: true }).superRefine((c, ctx) => {
  if (c === 'local') ctx.addIssue({ code: 'custom', message: 'not supported: "local" runs the job on your own machine with Docker; name a Harbormaster compute target (azureml:<name>)', input: c });
});

// --- resources, distribution, limits --------------------------------------------------------------

export type RawResources = { instanceCount?: number; instanceType?: string; shmSize?: string };

const Resources = strict({
  instance_count: int({ min: 1, minReason: 'a job runs on at least one instance; Azure ML refuses 0' }).optional(),
  instance_type: str({ nonEmpty: true }).optional(),
  shm_size: str()
    .superRefine((s, ctx) => {
      if (!SHM_SIZE_RE.test(s)) ctx.addIssue({ code: 'custom', message: `"${s}" is not a size; write a number and a unit such as 2g, 512m or 16g`, input: s });
    })
    .optional(),
  properties: dict(z.unknown())
    .superRefine((p, ctx) => {
      if (Object.keys(p).length > 0) {
        ctx.addIssue({ code: 'custom', message: 'not supported: resources.properties passes settings to Azure-managed compute (e.g. AISuperComputer); Kubernetes compute reads none', input: p });
      }
    })
    .optional(),
  locations: unsupported('locations applies to Azure serverless compute').optional(),
  max_instance_count: unsupported('elastic instance counts apply to Azure serverless compute; set instance_count').optional(),
  docker_args: unsupported(
    'Kubernetes runs containers without docker run, so docker_args cannot be applied; use resources.shm_size for ' +
      'shared memory and environment_variables for the rest',
  ).optional(),
}).transform((r): RawResources => ({ instanceCount: r.instance_count, instanceType: r.instance_type, shmSize: r.shm_size }));

export type RawDistribution =
  | { type: 'pytorch'; processCountPerInstance?: number }
  | { type: 'mpi'; processCountPerInstance?: number }
  | { type: 'tensorflow'; workerCount?: number; parameterServerCount?: number };

const pcpi = int({ min: 1, minReason: 'each instance runs at least one process' });
const distributionField = dispatch<RawDistribution>((v, ctx) => {
  if (!isMapping(v)) return fail(ctx, `must be a mapping such as {type: pytorch, process_count_per_instance: 1}, not ${describeValue(v)}`);
  const type = typeof v.type === 'string' ? v.type.toLowerCase() : v.type;
  if (type === 'pytorch' || type === 'mpi') {
    return strict({ type: ciEnum([type] as const), process_count_per_instance: pcpi.optional() }).transform((d) => ({
      type: d.type,
      processCountPerInstance: d.process_count_per_instance,
    })) as unknown as z.ZodType<RawDistribution>;
  }
  if (type === 'tensorflow') {
    return strict({
      type: ciEnum(['tensorflow'] as const),
      worker_count: int({ min: 1, minReason: 'TensorFlow needs at least one worker' }).optional(),
      parameter_server_count: int({ min: 0 }).optional(),
    }).transform((d) => ({ type: 'tensorflow' as const, workerCount: d.worker_count, parameterServerCount: d.parameter_server_count })) as unknown as z.ZodType<RawDistribution>;
  }
  if (type === 'ray') {
    return fail(ctx, 'not supported: Ray clusters need the Ray head/worker runtime that Azure ML provides; use pytorch, tensorflow or mpi', ['type']);
  }
  if (type === undefined) return fail(ctx, 'is required: pytorch, tensorflow or mpi', ['type']);
  return z.object({ type: ciEnum(['pytorch', 'tensorflow', 'mpi'] as const) }).passthrough() as unknown as z.ZodType<RawDistribution>;
});

const timeoutField = int({ min: 1, minReason: 'a timeout is a positive number of seconds; the service refuses 0 and negative values' });

// --- common job fields ----------------------------------------------------------------------------

const READ_ONLY_JOB_FIELDS = ['id', 'status', 'creation_context', 'log_files', 'parameters'] as const;

const jobFields = {
  // The SDK drops $schema without looking at it (a dump-only field); so do we.
  $schema: readOnly.optional(),
  name: str()
    .superRefine((n, ctx) => {
      if (!JOB_NAME_RE.test(n)) {
        ctx.addIssue({ code: 'custom', message: `"${n}" is not a valid job name: letters, digits, "-" and "_", starting with a letter or digit, at most 255 characters`, input: n });
      }
    })
    .optional(),
  display_name: str().optional(),
  experiment_name: str().optional(),
  description: str().optional(),
  tags: dict(str({ nullable: true })).optional(),
  properties: dict(str({ nullable: true })).optional(),
  compute: computeField.optional(),
  inputs: dict(inputField, { key: keyCheck('input') }).optional(),
  outputs: dict(outputField, { key: keyCheck('output') }).optional(),
  identity: unsupported(
    'jobs run as the compute target\'s Kubernetes service account; Azure identities (user_identity, managed, aml_token) are not available on Harbormaster',
  ).optional(),
  services: unsupported('interactive job services (SSH, JupyterLab, VS Code, TensorBoard) are not available').optional(),
  queue_settings: unsupported('queue_settings (job tier, priority) applies to AmlCompute only, not to Kubernetes compute').optional(),
  id: readOnly.optional(),
  status: readOnly.optional(),
  creation_context: readOnly.optional(),
  log_files: readOnly.optional(),
  parameters: readOnly.optional(),
};

const trialFields = {
  command: str({ nonEmpty: true }),
  code: codeField.optional(),
  environment: environmentField,
  environment_variables: dict(
    z.unknown().transform((v, ctx) => {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return fail(ctx, `must be a string (numbers and true/false are turned into text), not ${describeValue(v)}; Kubernetes environment variables are strings`);
    }),
  ).optional(),
  resources: Resources.optional(),
  distribution: distributionField.optional(),
  queue_settings: jobFields.queue_settings,
};

export interface RawTrial {
  command: string;
  code?: string;
  environment: RawEnvironment;
  environment_variables?: Record<string, string | number | boolean>;
  resources?: RawResources;
  distribution?: RawDistribution;
}

export interface RawJobCommon {
  $schema?: unknown;
  name?: string;
  display_name?: string;
  experiment_name?: string;
  description?: string;
  tags?: Record<string, string | null>;
  properties?: Record<string, string | null>;
  compute?: string;
  inputs?: Record<string, RawInput>;
  outputs?: Record<string, RawOutput>;
  readOnlyFields: string[];
}

export interface RawCommandJob extends RawJobCommon, RawTrial {
  type: 'command';
  limits?: { timeout?: number };
  parent_job_name?: string;
}

// --- sweep ----------------------------------------------------------------------------------------

export type RawSearchParam =
  | { type: 'choice'; values: (string | number | boolean)[] }
  | { type: 'randint'; upper: number }
  | { type: 'uniform' | 'loguniform' | 'quniform' | 'qloguniform'; min_value: number; max_value: number; q?: number }
  | { type: 'normal' | 'lognormal' | 'qnormal' | 'qlognormal'; mu: number; sigma: number; q?: number };

const choiceValue = z.unknown().transform((v, ctx) => {
  if (isMapping(v)) {
    return fail(ctx, 'not supported: nested (conditional) search spaces; list plain values, or run one sweep per branch');
  }
  if (v instanceof YamlTimestamp) return fail(ctx, `must be a string, not a date; quote it: "${v.text}"`);
  // The SDK's choice values are integers, floats or strings: a YAML boolean is refused, not turned into text.
  if (typeof v === 'boolean') return fail(ctx, `must be a number or a string, not ${describeValue(v)}; quote it ("${v}") to pass the text`);
  if (!scalar(v)) return fail(ctx, `must be a number or a string, not ${describeValue(v)}`);
  return v as string | number;
});

const searchParamField = dispatch<RawSearchParam>((v, ctx) => {
  if (!isMapping(v)) return fail(ctx, `must be a mapping such as {type: choice, values: [1, 2]}, not ${describeValue(v)}`);
  const type = typeof v.type === 'string' ? v.type.toLowerCase() : undefined;
  const t = ciEnum(SEARCH_SPACE_TYPES);
  switch (type) {
    case 'choice':
      return strict({ type: t, values: z.array(choiceValue) }) as unknown as z.ZodType<RawSearchParam>;
    case 'randint':
      return strict({ type: t, upper: int() }) as unknown as z.ZodType<RawSearchParam>;
    case 'uniform':
    case 'loguniform':
      return strict({ type: t, min_value: float(), max_value: float() }) as unknown as z.ZodType<RawSearchParam>;
    case 'quniform':
    case 'qloguniform':
      return strict({ type: t, min_value: float(), max_value: float(), q: float() }) as unknown as z.ZodType<RawSearchParam>;
    case 'normal':
    case 'lognormal':
      return strict({ type: t, mu: float(), sigma: float() }) as unknown as z.ZodType<RawSearchParam>;
    case 'qnormal':
    case 'qlognormal':
      return strict({ type: t, mu: float(), sigma: float(), q: float() }) as unknown as z.ZodType<RawSearchParam>;
    default:
      return z.object({ type: t }).passthrough() as unknown as z.ZodType<RawSearchParam>;
  }
});

export type RawSampling = { type: 'random'; seed?: number; logbase?: number | 'e' } | { type: 'grid' };

const REFUSE_BAYESIAN =
  'not supported: bayesian sampling needs the metric-driven optimizer that runs inside Azure ML; use random (with a seed for repeatable trials) or grid';

const logbaseField = z.unknown().transform((v, ctx): number | 'e' => {
  if (v === 'e') return 'e';
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n === 1) return fail(ctx, `must be "e" or a number greater than 0 and not 1, not ${describeValue(v)}`);
  return n;
});

const samplingField = dispatch<RawSampling>((v, ctx) => {
  const types = ['random', 'grid', 'bayesian'] as const;
  if (typeof v === 'string' || v === undefined) {
    return ciEnum(types, { snake: true }).transform((t, c): RawSampling => (t === 'bayesian' ? fail(c, REFUSE_BAYESIAN) : { type: t }));
  }
  if (!isMapping(v)) return fail(ctx, `must be random, grid or a mapping {type: random, seed: 42}, not ${describeValue(v)}`);
  const type = typeof v.type === 'string' ? v.type.toLowerCase() : undefined;
  if (type === 'random') {
    return strict({
      type: ciEnum(['random'] as const, { snake: true }),
      seed: int().optional(),
      logbase: logbaseField.optional(),
      rule: ciEnum(['random', 'sobol'] as const, { snake: true })
        .superRefine((r, c) => {
          if (r === 'sobol') c.addIssue({ code: 'custom', message: 'not supported: Sobol sequences; use rule: random', input: r });
        })
        .optional(),
    }).transform((s): RawSampling => ({ type: 'random', seed: s.seed, logbase: s.logbase })) as unknown as z.ZodType<RawSampling>;
  }
  if (type === 'grid') return strict({ type: ciEnum(['grid'] as const, { snake: true }) }).transform((): RawSampling => ({ type: 'grid' })) as unknown as z.ZodType<RawSampling>;
  if (type === 'bayesian') return fail(ctx, REFUSE_BAYESIAN, ['type']);
  return z.object({ type: ciEnum(types, { snake: true }) }).passthrough() as unknown as z.ZodType<RawSampling>;
});

export type RawPolicy = {
  type: 'bandit' | 'median_stopping' | 'truncation_selection';
  evaluation_interval?: number | null;
  delay_evaluation?: number | null;
  slack_factor?: number | null;
  slack_amount?: number | null;
  truncation_percentage?: number;
};

const policyBase = {
  evaluation_interval: int({ nullable: true, min: 1, minReason: 'metrics are evaluated every N intervals' }).optional(),
  delay_evaluation: int({ nullable: true, min: 0 }).optional(),
};
const earlyTerminationField = dispatch<RawPolicy>((v, ctx) => {
  if (!isMapping(v)) return fail(ctx, `must be a mapping such as {type: bandit, slack_factor: 0.1}, not ${describeValue(v)}`);
  const types = ['bandit', 'median_stopping', 'truncation_selection'] as const;
  const type = typeof v.type === 'string' ? types.find((t) => t === camelToSnake(v.type as string)) : undefined;
  const t = ciEnum(types, { snake: true });
  if (type === 'bandit') {
    return strict({ type: t, ...policyBase, slack_factor: float({ nullable: true }).optional(), slack_amount: float({ nullable: true }).optional() }) as unknown as z.ZodType<RawPolicy>;
  }
  if (type === 'median_stopping') return strict({ type: t, ...policyBase }) as unknown as z.ZodType<RawPolicy>;
  if (type === 'truncation_selection') {
    return strict({ type: t, ...policyBase, truncation_percentage: int() }) as unknown as z.ZodType<RawPolicy>;
  }
  return z.object({ type: t }).passthrough() as unknown as z.ZodType<RawPolicy>;
});

const Objective = strict({ goal: ciEnum(['maximize', 'minimize'] as const, { snake: true }), primary_metric: str({ nonEmpty: true }) });

const SweepLimits = strict({
  max_total_trials: int({ min: 1, minReason: 'a sweep runs at least one trial' }),
  max_concurrent_trials: int({ min: 1, minReason: 'at least one trial must be able to run' }).optional(),
  timeout: timeoutField.optional(),
  trial_timeout: timeoutField.optional(),
});

export interface RawSweepJob extends RawJobCommon {
  type: 'sweep';
  trial: RawTrial;
  search_space?: Record<string, RawSearchParam>;
  sampling_algorithm?: RawSampling;
  objective: { goal: 'maximize' | 'minimize'; primary_metric: string };
  early_termination?: RawPolicy;
  limits: { max_total_trials: number; max_concurrent_trials?: number; timeout?: number; trial_timeout?: number };
  resources?: RawResources;
}

export type RawJob = RawCommandJob | RawSweepJob;

// --- the document ---------------------------------------------------------------------------------

const withReadOnly = <T extends Record<string, unknown>>(o: T) => ({
  ...o,
  readOnlyFields: READ_ONLY_JOB_FIELDS.filter((k) => o[k] !== undefined && o[k] !== null),
});

const CommandJobDocument = strict({
  ...jobFields,
  ...trialFields,
  type: z.literal('command').optional(),
  limits: strict({ timeout: timeoutField.optional() }).optional(),
  parent_job_name: str().optional(),
}).transform((o) => ({ ...withReadOnly(o), type: 'command' as const }));

const SweepJobDocument = strict({
  ...jobFields,
  type: z.literal('sweep'),
  trial: strict(trialFields),
  search_space: dict(searchParamField, { key: keyCheck('search_space parameter') }).optional(),
  sampling_algorithm: samplingField.optional(),
  objective: Objective,
  early_termination: earlyTerminationField.optional(),
  limits: SweepLimits,
  resources: Resources.optional(),
}).transform((o) => ({ ...withReadOnly(o), type: 'sweep' as const }));

/** The whole document: a command job unless `type: sweep`. */
export const JobDocument = dispatch<RawJob>((v, ctx) => {
  if (!isMapping(v)) return fail(ctx, 'a job must be a mapping of fields (type, command, environment, …)');
  const type = v.type === undefined ? 'command' : v.type;
  if (type === 'command') return CommandJobDocument as unknown as z.ZodType<RawJob>;
  if (type === 'sweep') return SweepJobDocument as unknown as z.ZodType<RawJob>;
  const known: Record<string, string> = {
    pipeline: 'pipeline jobs are not supported yet; submit each step as a command job',
    automl: 'AutoML jobs need Azure ML\'s AutoML service',
    spark: 'Spark jobs need Azure Synapse/serverless Spark',
    parallel: 'parallel jobs are pipeline steps; use a batch deployment',
    import: 'data import jobs need Azure ML\'s data import service',
    data_transfer: 'data transfer jobs need Azure ML\'s data transfer service',
  };
  const lower = typeof type === 'string' ? type.toLowerCase() : undefined;
  if (lower && lower in known && lower === type) return fail(ctx, `not supported: ${known[lower]}`, ['type']);
  return fail(ctx, `${describeValue(type)} is not a job type Harbormaster runs; use command or sweep (lower-case, as Azure ML requires)`, ['type']);
});

// A job as Harbormaster stores and runs it: the normalized spec of an Azure ML command or sweep job.
//
//   parseJobYaml(text, options)  Azure ML CLI v2 YAML (commandJob / sweepJob) → spec + warnings, or errors
//   normalizeJob(input, options) the same document as JSON (REST body, the job form) → the same result
//
// Both refuse what Azure ML refuses (unknown fields, wrong types, bad enum values — with the dotted path to
// the leaf) and what Harbormaster cannot honour on Kubernetes (with the reason). Nothing is dropped without a
// warning. The spec keeps Azure ML's meaning in camelCase; server/kube/manifests/job.ts turns it into objects.

import { z } from 'zod';
import { checkCommand, pythonStr } from './command-template';
import { parseDataPath, type DataLocation } from './data-uri';
import { curatedImage, checkImageReference, parseEnvironmentReference, type EnvironmentLookup } from './environment';
import { dedupeIssues, formatPath, fromZodIssues, IssueCollector, type JobIssue } from './issues';
import {
  INPUT_TYPES,
  JobDocument,
  OUTPUT_TYPES,
  SHM_SIZE_RE,
  type RawEnvironment,
  type RawInput,
  type RawJob,
  type RawOutput,
  type RawResources,
  type RawTrial,
  type RawSweepJob,
} from './job-yaml-schema';
import { loadPyYaml, pathKey, type YamlPath } from './yaml';
import { gridSize, type SearchSpaceParam } from './sweep';

export type { JobIssue } from './issues';

// --- the normalized spec --------------------------------------------------------------------------

const LiteralInputSchema = z.object({
  kind: z.literal('literal'),
  type: z.enum(['integer', 'number', 'string', 'boolean']),
  value: z.union([z.string(), z.number(), z.boolean()]),
  /** What `${{inputs.<name>}}` becomes: Python's str() of the value, as Azure ML substitutes it. */
  text: z.string(),
});

const DataLocationSchema = z.object({
  kind: z.enum(['url', 'blob', 'adls', 'datastore', 'job-output', 'asset', 'registry-asset', 'local']),
}).passthrough();

const DataInputSchema = z.object({
  kind: z.literal('data'),
  type: z.enum(INPUT_TYPES),
  /** The path exactly as written (URL, storage URI, azureml: reference or local path). */
  path: z.string(),
  location: DataLocationSchema,
  /** ro_mount: files appear read-only under /mnt/azureml/inputs/<name>; direct: the job gets the URI. */
  mode: z.enum(['ro_mount', 'direct']),
});

export const JobInputSchema = z.discriminatedUnion('kind', [LiteralInputSchema, DataInputSchema]);

export const JobOutputSchema = z.object({
  type: z.enum(OUTPUT_TYPES),
  mode: z.enum(['rw_mount', 'upload']),
  /** Register the output as an asset under this name/version when the job completes. */
  name: z.string().optional(),
  version: z.string().optional(),
});

export const EnvironmentSpecSchema = z.object({
  /** The container image the job runs; null only for an unresolved reference in a dry run. */
  image: z.string().nullable(),
  source: z.enum(['inline', 'curated', 'workspace', 'registry']),
  /** The azureml: reference as written, when the environment was referenced rather than inline. */
  reference: z.string().optional(),
});

export const CodeSpecSchema = z.discriminatedUnion('kind', [
  /** A folder next to the YAML: its files must come with the submission. */
  z.object({ kind: z.literal('local'), path: z.string() }),
  z.object({ kind: z.literal('git'), url: z.string(), ref: z.string().optional() }),
  z.object({ kind: z.literal('url'), url: z.string() }),
  z.object({ kind: z.literal('asset'), reference: z.string() }),
]);

export const DistributionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pytorch'), processCountPerInstance: z.number().int().min(1) }),
  z.object({ type: z.literal('mpi'), processCountPerInstance: z.number().int().min(1) }),
  z.object({ type: z.literal('tensorflow'), workerCount: z.number().int().min(1), parameterServerCount: z.number().int().min(0) }),
]);

export const ResourcesSpecSchema = z.object({
  instanceType: z.string().optional(),
  instanceCount: z.number().int().min(1),
  /** Shared memory as a Kubernetes quantity ("2Gi"), from Azure ML's shm_size (default 2g). */
  shmSize: z.string(),
});

const TrialSpecShape = {
  command: z.string().min(1),
  code: CodeSpecSchema.optional(),
  environment: EnvironmentSpecSchema,
  environmentVariables: z.record(z.string(), z.string()),
  resources: ResourcesSpecSchema,
  distribution: DistributionSchema.optional(),
};
export const TrialSpecSchema = z.object(TrialSpecShape);

const CommonShape = {
  /** The job name from the document, if it gave one (the caller chooses one otherwise). */
  name: z.string().optional(),
  displayName: z.string().optional(),
  experimentName: z.string().optional(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string().nullable()),
  properties: z.record(z.string(), z.string().nullable()),
  /** Compute target name (without `azureml:`); the caller's default applies when absent. */
  compute: z.string().optional(),
  inputs: z.record(z.string(), JobInputSchema),
  outputs: z.record(z.string(), JobOutputSchema),
};

const SweepLiteralSchema = z.object({ value: z.union([z.string(), z.number(), z.boolean()]), text: z.string() });
export const SearchSpaceParamSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('choice'), values: z.array(SweepLiteralSchema).min(1) }),
  z.object({ type: z.literal('randint'), upper: z.number().int().min(1) }),
  z.object({ type: z.enum(['uniform', 'loguniform']), minValue: z.number(), maxValue: z.number() }),
  z.object({ type: z.enum(['quniform', 'qloguniform']), minValue: z.number(), maxValue: z.number(), q: z.number().positive() }),
  z.object({ type: z.enum(['normal', 'lognormal']), mu: z.number(), sigma: z.number().positive() }),
  z.object({ type: z.enum(['qnormal', 'qlognormal']), mu: z.number(), sigma: z.number().positive(), q: z.number().positive() }),
]);

export const CommandJobSpecSchema = z.object({
  type: z.literal('command'),
  ...CommonShape,
  ...TrialSpecShape,
  limits: z.object({ timeoutSeconds: z.number().int().positive().optional() }),
});

export const SweepJobSpecSchema = z.object({
  type: z.literal('sweep'),
  ...CommonShape,
  trial: TrialSpecSchema,
  searchSpace: z.record(z.string(), SearchSpaceParamSchema),
  samplingAlgorithm: z.discriminatedUnion('type', [
    z.object({ type: z.literal('random'), seed: z.number().int().optional(), logbase: z.union([z.number(), z.literal('e')]).optional() }),
    z.object({ type: z.literal('grid') }),
  ]),
  objective: z.object({ goal: z.enum(['maximize', 'minimize']), primaryMetric: z.string() }),
  earlyTermination: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('bandit'), slackFactor: z.number().optional(), slackAmount: z.number().optional(), evaluationInterval: z.number().int(), delayEvaluation: z.number().int() }),
      z.object({ type: z.literal('median_stopping'), evaluationInterval: z.number().int(), delayEvaluation: z.number().int() }),
      z.object({ type: z.literal('truncation_selection'), truncationPercentage: z.number().int(), evaluationInterval: z.number().int(), delayEvaluation: z.number().int() }),
    ])
    .optional(),
  limits: z.object({
    maxTotalTrials: z.number().int().min(1),
    maxConcurrentTrials: z.number().int().min(1),
    timeoutSeconds: z.number().int().positive().optional(),
    trialTimeoutSeconds: z.number().int().positive().optional(),
  }),
});

/** The normalized job spec (command or sweep). */
export const JobSpecSchema = z.discriminatedUnion('type', [CommandJobSpecSchema, SweepJobSpecSchema]);

export type JobSpec = z.infer<typeof JobSpecSchema>;
export type CommandJobSpec = z.infer<typeof CommandJobSpecSchema>;
export type SweepJobSpec = z.infer<typeof SweepJobSpecSchema>;
export type TrialSpec = z.infer<typeof TrialSpecSchema>;
export type JobInput = z.infer<typeof JobInputSchema>;
export type JobOutput = z.infer<typeof JobOutputSchema>;
export type EnvironmentSpec = z.infer<typeof EnvironmentSpecSchema>;
export type CodeSpec = z.infer<typeof CodeSpecSchema>;
export type Distribution = z.infer<typeof DistributionSchema>;

export type JobParseResult = { ok: true; spec: JobSpec; warnings: JobIssue[] } | { ok: false; errors: JobIssue[]; warnings: JobIssue[] };

export interface JobParseOptions {
  /** Resolves workspace (and non-curated registry) environments; unknown ones are refused. */
  environments?: EnvironmentLookup;
  /** A dry run reports an unresolvable environment as a warning instead of an error. */
  dryRun?: boolean;
  /**
   * Whether a local path (code folder, input file) came with the submission. Without this, every local path
   * gets a warning that its files must be uploaded with the job.
   */
  hasLocalPath?: (relativePath: string) => boolean;
}

/** Azure ML's default shared memory for a job container. */
export const DEFAULT_SHM_SIZE = '2g';

// --- entry points ---------------------------------------------------------------------------------

/** Parses an Azure ML CLI v2 job YAML file (commandJob or sweepJob). */
export function parseJobYaml(text: string, options: JobParseOptions = {}): JobParseResult {
  const loaded = loadPyYaml(text);
  if (!loaded.ok) return { ok: false, errors: loaded.errors, warnings: [] };
  return normalizeDocument(loaded.value, (path) => loaded.floatPaths.has(pathKey(path)), loaded.warnings, options);
}

/**
 * Normalizes a job given as JSON (REST body or the job form) in Azure ML's field names. JSON has one number
 * type, so integral numbers count as integers when substituted (1.0 → "1").
 */
export function normalizeJob(input: unknown, options: JobParseOptions = {}): JobParseResult {
  return normalizeDocument(input, () => false, [], options);
}

function normalizeDocument(doc: unknown, isFloat: (path: YamlPath) => boolean, yamlWarnings: JobIssue[], options: JobParseOptions): JobParseResult {
  const parsed = JobDocument.safeParse(doc);
  if (!parsed.success) {
    return { ok: false, errors: dedupeIssues(fromZodIssues(parsed.error.issues, doc)), warnings: yamlWarnings };
  }
  const n = new Normalizer(parsed.data, isFloat, options);
  const spec = n.run();
  const warnings = [...yamlWarnings, ...n.warnings];
  if (n.errors.length > 0 || !spec) return { ok: false, errors: dedupeIssues(n.errors), warnings };
  const checked = JobSpecSchema.safeParse(spec);
  if (!checked.success) {
    // A bug here, not in the user's file: say so rather than hand back a malformed spec.
    return { ok: false, errors: checked.error.issues.map((i) => ({ path: formatPath(i.path), message: `internal: ${i.message}` })), warnings };
  }
  return { ok: true, spec: checked.data, warnings };
}

// --- normalization (phase 2: meaning, references, cross-field rules) ------------------------------

/** docker units (what shm_size means) → a Kubernetes quantity. */
export function shmSizeToQuantity(size: string): string {
  const m = SHM_SIZE_RE.exec(size);
  if (!m) throw new Error(`"${size}" is not a size`);
  const unit = (m[2] ?? '').toLowerCase();
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 }[unit]!;
  const bytes = Math.round(Number(m[1]) * mult);
  for (const [suffix, f] of [['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${suffix}`;
  }
  return String(bytes);
}

class Normalizer extends IssueCollector {
  constructor(
    private readonly raw: RawJob,
    private readonly isFloat: (path: YamlPath) => boolean,
    private readonly options: JobParseOptions,
  ) {
    super();
  }

  run(): JobSpec | undefined {
    const raw = this.raw;
    for (const f of raw.readOnlyFields) this.warn(f, `"${f}" is set by the service; the value in the file is ignored (as the Azure ML CLI ignores it)`);
    const inputs = this.inputs(raw.inputs ?? {});
    const outputs = this.outputs(raw.outputs ?? {});
    const common = {
      name: raw.name,
      displayName: raw.display_name,
      experimentName: raw.experiment_name,
      description: raw.description,
      tags: raw.tags ?? {},
      properties: raw.properties ?? {},
      compute: raw.compute === undefined ? undefined : this.compute(raw.compute),
      inputs,
      outputs,
    };
    if (raw.type === 'command') {
      if (raw.parent_job_name !== undefined) this.warn('parent_job_name', 'parent_job_name links pipeline steps; it is recorded as a tag only');
      const trial = this.trial(raw, '', undefined);
      if (raw.parent_job_name !== undefined) common.tags = { ...common.tags, parent_job_name: raw.parent_job_name };
      if (!trial) return undefined;
      return { type: 'command', ...common, ...trial, limits: { timeoutSeconds: raw.limits?.timeout } };
    }
    return this.sweep(raw, common);
  }

  private compute(text: string): string {
    let name = text.startsWith('azureml:') ? text.slice('azureml:'.length) : text;
    const arm = /\/computes\/([^/]+)$/i.exec(name);
    if (arm) name = arm[1];
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) this.error('compute', `"${text}" is not a compute target name; write azureml:<name>`);
    return name;
  }

  private literalText(value: string | number | boolean, path: YamlPath): { type: 'integer' | 'number' | 'string' | 'boolean'; text: string } {
    if (typeof value === 'boolean') return { type: 'boolean', text: pythonStr(value, false) };
    if (typeof value === 'string') return { type: 'string', text: value };
    const float = this.isFloat(path) || !Number.isInteger(value);
    return { type: float ? 'number' : 'integer', text: pythonStr(value, float) };
  }

  private inputs(raw: Record<string, RawInput>): Record<string, JobInput> {
    const out: Record<string, JobInput> = {};
    for (const [name, input] of Object.entries(raw)) {
      const at = `inputs.${name}`;
      if (input.kind === 'literal') {
        const p: YamlPath = this.isFloat(['inputs', name, 'value']) ? ['inputs', name, 'value'] : ['inputs', name];
        const { type, text } = this.literalText(input.value, p);
        out[name] = { kind: 'literal', type, value: input.value, text };
        if (typeof input.value === 'string' && /^(https?|wasbs?|abfss?|azureml):\/?\//.test(input.value)) {
          this.warn(at, `is a plain string, so the job gets the text "${input.value}"; to have the data mounted write {type: uri_file, path: ${input.value}} (or uri_folder)`);
        }
        continue;
      }
      const loc = parseDataPath(input.path);
      if (!loc.ok) {
        this.error(`${at}.path`, loc.message);
        continue;
      }
      this.checkLocation(loc.location, `${at}.path`, input.type);
      if (input.datastore !== undefined) this.warn(`${at}.datastore`, 'only chooses where the Azure ML CLI uploads local files; ignored');
      out[name] = { kind: 'data', type: input.type, path: input.path, location: loc.location, mode: input.mode ?? 'ro_mount' };
    }
    return out;
  }

  private checkLocation(loc: DataLocation, at: string, type: string) {
    if (loc.kind === 'local') {
      if (!this.options.hasLocalPath?.(loc.path)) {
        this.warn(at, `"${loc.path}" is a local path: its files must come with the real submission (upload them with the job), or point at storage instead`);
      }
    }
    if (loc.kind === 'url' && loc.url.startsWith('http://')) this.warn(at, 'is fetched over plain HTTP; prefer https://');
    if (type === 'uri_file' && (loc.kind === 'url' || loc.kind === 'blob' || loc.kind === 'adls') && /\/$/.test('url' in loc ? loc.url : loc.uri)) {
      this.warn(at, 'ends with "/" but the input is a uri_file; use type: uri_folder for folders');
    }
  }

  private outputs(raw: Record<string, RawOutput>): Record<string, JobOutput> {
    const out: Record<string, JobOutput> = {};
    for (const [name, o] of Object.entries(raw)) {
      if (o.version !== undefined && o.name === undefined) this.error(`outputs.${name}.version`, 'needs outputs.' + name + '.name: a version names a registered asset');
      out[name] = { type: o.type ?? 'uri_folder', mode: o.mode ?? 'rw_mount', name: o.name, version: o.version };
    }
    return out;
  }

  private environment(raw: RawEnvironment, at: string): EnvironmentSpec | undefined {
    if (raw.kind === 'inline') {
      for (const f of raw.ignored) {
        const why =
          f === 'name' || f === 'version'
            ? 'an inline environment is anonymous; the name/version is not used (the Azure ML CLI warns the same)'
            : f === 'inference_config'
              ? 'applies to online deployments, not jobs; ignored'
              : 'describes the environment asset; not used to run the job';
        this.warn(`${at}.${f}`, why);
      }
      if (raw.image === undefined) {
        this.error(at, 'needs an image (environment.image); Docker builds are not supported');
        return undefined;
      }
      const bad = checkImageReference(raw.image);
      if (bad) {
        this.error(`${at}.image`, bad);
        return undefined;
      }
      return { image: raw.image, source: 'inline' };
    }
    const parsed = parseEnvironmentReference(raw.reference);
    if (!parsed.ok) {
      this.error(at, parsed.message);
      return undefined;
    }
    const ref = parsed.ref;
    if (ref.kind === 'curated') {
      const img = curatedImage(ref);
      if (!img.ok) {
        this.error(at, img.message);
        return undefined;
      }
      if (ref.version === undefined && ref.label === undefined) {
        this.warn(at, `"${raw.reference}" names no version; the latest curated image (${img.image}) is used — add @latest or :<version> to say so`);
      }
      return { image: img.image, source: 'curated', reference: raw.reference };
    }
    const found = this.options.environments?.(ref);
    if (found) {
      const bad = checkImageReference(found.image);
      if (bad) {
        this.error(at, `environment "${ref.name}" resolves to an unusable image: ${bad}`);
        return undefined;
      }
      return { image: found.image, source: ref.kind, reference: raw.reference };
    }
    const where = ref.kind === 'registry' ? `registry "${ref.registry}"` : 'this workspace';
    const what = `${ref.name}${ref.version ? `:${ref.version}` : ref.label ? `@${ref.label}` : ''}`;
    const message = `environment "${what}" is not known in ${where}; register it, reference a curated one (azureml:AzureML-<name>@latest) or give {image: …}`;
    if (this.options.dryRun) {
      this.warn(at, message);
      return { image: null, source: ref.kind, reference: raw.reference };
    }
    this.error(at, message);
    return undefined;
  }

  private code(code: string, at: string): CodeSpec | undefined {
    if (code.startsWith('git+')) {
      const url = code.slice(4);
      let parsedUrl: URL;
      try {
        parsedUrl = new URL(url);
      } catch {
        this.error(at, `"${code}" is not a git URL; write git+https://host/org/repo.git[@ref]`);
        return undefined;
      }
      if (parsedUrl.protocol !== 'https:') {
        this.error(at, `git code is fetched over HTTPS only; "${parsedUrl.protocol}" cannot be used`);
        return undefined;
      }
      // pip-style ref: git+https://host/org/repo.git@<branch|tag|commit>
      const pathAt = parsedUrl.pathname.lastIndexOf('@');
      let ref: string | undefined;
      if (pathAt >= 0) {
        ref = decodeURIComponent(parsedUrl.pathname.slice(pathAt + 1));
        parsedUrl.pathname = parsedUrl.pathname.slice(0, pathAt);
        if (!/^[A-Za-z0-9._/-]+$/.test(ref) || ref.includes('..')) {
          this.error(at, `"${ref}" is not a git branch, tag or commit`);
          return undefined;
        }
      }
      if (parsedUrl.username || parsedUrl.password) {
        this.error(at, 'must not carry credentials in the URL; Harbormaster passes repository credentials from a secret');
        return undefined;
      }
      return { kind: 'git', url: parsedUrl.toString(), ref };
    }
    if (/^https?:\/\//i.test(code)) return { kind: 'url', url: code };
    if (code.startsWith('azureml:')) return { kind: 'asset', reference: code };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(code)) {
      this.error(at, `"${code}" is not a code location Harbormaster can fetch; use a local folder, git+https://… or an azureml: code asset`);
      return undefined;
    }
    const path = code.startsWith('file:') ? code.slice('file:'.length) : code;
    if (!this.options.hasLocalPath?.(path)) {
      this.warn(at, `"${path}" is a local folder: its files must come with the real submission (upload it with the job), or use git+https://…`);
    }
    return { kind: 'local', path };
  }

  private resources(raw: RawResources | undefined): TrialSpec['resources'] {
    return {
      instanceType: raw?.instanceType,
      instanceCount: raw?.instanceCount ?? 1,
      shmSize: shmSizeToQuantity(raw?.shmSize ?? DEFAULT_SHM_SIZE),
    };
  }

  private trial(raw: RawTrial, prefix: string, searchSpace: ReadonlySet<string> | undefined, resources?: RawResources): TrialSpec | undefined {
    const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
    const environment = this.environment(raw.environment, at('environment'));
    const code = raw.code === undefined ? undefined : this.code(raw.code, at('code'));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw.environment_variables ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) {
        this.error(`${at('environment_variables')}.${k}`, `"${k}" is not a valid environment variable name`);
        continue;
      }
      env[k] = typeof v === 'string' ? v : this.literalText(v, [...(prefix ? [prefix] : []), 'environment_variables', k]).text;
    }
    const res = this.resources(resources ?? raw.resources);
    const distribution = this.distribution(raw, res.instanceCount, at('distribution'));

    const inputs = this.raw.inputs ?? {};
    const check = checkCommand(raw.command, {
      inputs: Object.fromEntries(Object.keys(inputs).map((k) => [k, true])),
      outputs: new Set(Object.keys(this.raw.outputs ?? {})),
      searchSpace,
    });
    for (const e of check.errors) this.error(at('command'), e);
    for (const w of check.warnings) this.warn(at('command'), w);
    for (const name of Object.keys(inputs)) {
      if (!check.used.inputs.has(name)) this.warn(`inputs.${name}`, `is declared but not used in ${at('command')} (reference it as \${{inputs.${name}}})`);
    }
    if (searchSpace) {
      for (const name of searchSpace) {
        if (!check.used.searchSpace.has(name)) {
          this.warn(`search_space.${name}`, `is swept but not used in trial.command; every trial would run the same command (reference it as \${{search_space.${name}}})`);
        }
      }
    }
    if (!environment) return undefined;
    return { command: raw.command, code, environment, environmentVariables: env, resources: res, distribution };
  }

  private distribution(raw: RawTrial, instanceCount: number, at: string): Distribution | undefined {
    const d = raw.distribution;
    if (!d) return undefined;
    if (d.type === 'tensorflow') {
      const ps = d.parameterServerCount ?? 0;
      const workers = d.workerCount ?? instanceCount - ps;
      if (workers < 1) {
        this.error(`${at}.parameter_server_count`, `leaves no worker: ${instanceCount} instance(s) and ${ps} parameter server(s)`);
        return undefined;
      }
      // More tasks than instances run side by side, as Azure ML does (server/kube/manifests/launcher.job.ts);
      // fewer would leave instances without a task, paid for and idle.
      if (workers + ps < instanceCount) {
        this.error(
          `${at}.worker_count`,
          `${workers} worker(s) + ${ps} parameter server(s) leave ${instanceCount - workers - ps} of resources.instance_count (${instanceCount}) instance(s) without a TensorFlow task: lower resources.instance_count or raise worker_count`,
        );
        return undefined;
      }
      return { type: 'tensorflow', workerCount: workers, parameterServerCount: ps };
    }
    return { type: d.type, processCountPerInstance: d.processCountPerInstance ?? 1 };
  }

  private sweep(raw: RawSweepJob, common: Omit<SweepJobSpec, 'type' | 'trial' | 'searchSpace' | 'samplingAlgorithm' | 'objective' | 'earlyTermination' | 'limits'>): SweepJobSpec | undefined {
    const space: Record<string, SearchSpaceParam> = {};
    for (const [name, p] of Object.entries(raw.search_space ?? {})) {
      const at = `search_space.${name}`;
      switch (p.type) {
        case 'choice': {
          if (p.values.length === 0) {
            this.error(`${at}.values`, 'must list at least one value');
            break;
          }
          space[name] = {
            type: 'choice',
            values: p.values.map((v, i) => ({ value: v, text: this.literalText(v, ['search_space', name, 'values', i]).text })),
          };
          break;
        }
        case 'randint':
          if (p.upper < 1) this.error(`${at}.upper`, `must be at least 1 (values are drawn from 0 to upper - 1), not ${p.upper}`);
          else space[name] = { type: 'randint', upper: p.upper };
          break;
        case 'uniform':
        case 'loguniform':
        case 'quniform':
        case 'qloguniform': {
          if (!(p.min_value < p.max_value)) {
            this.error(`${at}.max_value`, `must be greater than min_value (${p.min_value}), not ${p.max_value}`);
            break;
          }
          if (p.q !== undefined && !(p.q > 0)) {
            this.error(`${at}.q`, `must be greater than 0, not ${p.q}`);
            break;
          }
          space[name] =
            p.type === 'uniform' || p.type === 'loguniform'
              ? { type: p.type, minValue: p.min_value, maxValue: p.max_value }
              : { type: p.type, minValue: p.min_value, maxValue: p.max_value, q: p.q! };
          break;
        }
        default: {
          if (!(p.sigma > 0)) {
            this.error(`${at}.sigma`, `must be greater than 0, not ${p.sigma}`);
            break;
          }
          if (p.q !== undefined && !(p.q > 0)) {
            this.error(`${at}.q`, `must be greater than 0, not ${p.q}`);
            break;
          }
          space[name] =
            p.type === 'normal' || p.type === 'lognormal'
              ? { type: p.type, mu: p.mu, sigma: p.sigma }
              : { type: p.type, mu: p.mu, sigma: p.sigma, q: p.q! };
        }
      }
    }
    if (raw.search_space === undefined || Object.keys(raw.search_space).length === 0) {
      this.error('search_space', 'is required: a sweep needs at least one parameter to vary');
    }
    const sampling = raw.sampling_algorithm ?? { type: 'random' as const };
    if (sampling.type === 'grid') {
      for (const [name, p] of Object.entries(space)) {
        if (p.type !== 'choice') this.error(`search_space.${name}.type`, `grid sampling enumerates choice values only; ${p.type} cannot be used with sampling_algorithm: grid`);
      }
    }
    const limits = raw.limits;
    if (limits.max_concurrent_trials !== undefined && limits.max_concurrent_trials > limits.max_total_trials) {
      this.warn('limits.max_concurrent_trials', `is more than max_total_trials (${limits.max_total_trials}); at most ${limits.max_total_trials} trials run`);
    }
    if (sampling.type === 'grid' && this.errors.length === 0) {
      const size = gridSize(space);
      if (size < limits.max_total_trials) this.warn('limits.max_total_trials', `the grid has ${size} combinations, so only ${size} trials run`);
    }
    let earlyTermination: SweepJobSpec['earlyTermination'];
    const et = raw.early_termination;
    if (et) {
      const base = { evaluationInterval: et.evaluation_interval ?? 1, delayEvaluation: et.delay_evaluation ?? 0 };
      if (et.type === 'bandit') {
        const factor = et.slack_factor ?? undefined;
        const amount = et.slack_amount ?? undefined;
        if ((factor === undefined) === (amount === undefined)) {
          this.error('early_termination', 'a bandit policy needs exactly one of slack_factor or slack_amount');
        } else if ((factor ?? amount)! < 0) {
          this.error(`early_termination.${factor !== undefined ? 'slack_factor' : 'slack_amount'}`, 'must not be negative');
        }
        earlyTermination = { type: 'bandit', slackFactor: factor, slackAmount: amount, ...base };
      } else if (et.type === 'truncation_selection') {
        const pct = et.truncation_percentage!;
        if (pct < 1 || pct > 99) this.error('early_termination.truncation_percentage', `must be between 1 and 99, not ${pct}`);
        earlyTermination = { type: 'truncation_selection', truncationPercentage: pct, ...base };
      } else {
        earlyTermination = { type: 'median_stopping', ...base };
      }
    }
    // Azure ML takes resources at the sweep level and, failing that, from the trial.
    if (raw.resources && raw.trial.resources) {
      this.warn('trial.resources', 'both the sweep and its trial set resources; the sweep-level resources apply to every trial (as in Azure ML)');
    }
    const trial = this.trial(raw.trial, 'trial', new Set(Object.keys(raw.search_space ?? {})), raw.resources ?? raw.trial.resources);
    if (!trial) return undefined;
    return {
      type: 'sweep',
      ...common,
      trial,
      searchSpace: space,
      samplingAlgorithm: sampling,
      objective: { goal: raw.objective.goal, primaryMetric: raw.objective.primary_metric },
      earlyTermination,
      limits: {
        maxTotalTrials: limits.max_total_trials,
        maxConcurrentTrials: Math.min(limits.max_concurrent_trials ?? limits.max_total_trials, limits.max_total_trials),
        timeoutSeconds: limits.timeout,
        trialTimeoutSeconds: limits.trial_timeout,
      },
    };
  }
}

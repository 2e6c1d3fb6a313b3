import 'server-only';
import { isDeepStrictEqual } from 'node:util';
import type { CommandJob, JobBase, SweepJob } from '@azure/arm-machinelearning';
import type { EnvironmentSpec, JobInput, JobOutput, JobSpec, SearchSpaceParamSchema, TrialSpec } from '@/lib/aml/job-spec';
import { camelToSnake } from '@/lib/aml/zod-fields';
import type { z } from 'zod';
import { AppError, type FieldError } from '../errors';
import { getJob, getJobRow, jobDto, listJobs, type JobDto } from '../services/jobs-read';
import { requestOrigin } from '../services/jobs-http';
import { armAction, armBody, armJson, armList, skipToken, systemData, WORKSPACE_TYPE, type ArmContext, type ArmRoute } from './http';
import { ArmError } from './errors';
import { mayRun, refuseArmBody } from './refusal';
import { isoDurationMs, otherWorkspace, parseAssetId, type AssetKind, type Wire } from './wire';

// Jobs as Azure ML's ARM resources (issue 19): `jobs/{name}` PUT/GET, the list, and `jobs/{name}/cancel`.
// A PUT turns ARM's CommandJob / SweepJob body into the Azure ML CLI v2 job document that POST /api/v1/…/jobs
// takes (JSON in the YAML's field names) and runs the same `jobs.submit` action: validation, placement, quota,
// refusals and audit are the action's. Fields are renamed, not judged here — a field Harbormaster cannot honour
// (identity, services, queue settings, docker args, …) reaches the action under its CLI name and is refused
// there with the reason; the refusal's field names are translated back to ARM's (`properties.identity`). Only what
// cannot be expressed in the document (a compute or environment of another workspace, a malformed duration or
// search space) is refused here, audited the same way (refusal.ts).

const SUBMIT = 'jobs.submit';
const CANCEL = 'jobs.cancel';
const JOB_TYPE = `${WORKSPACE_TYPE}/jobs`;

// --- ARM body → CLI v2 job document ------------------------------------------------------------------

/** ISO 8601 durations as ARM sends them (PT10M, P1DT2H, PT90.5S), or seconds → whole seconds; undefined when malformed. */
function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.ceil(v);
  const ms = isoDurationMs(v);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

const isoDuration = (seconds: number) => `PT${seconds}S`;

const MODES: Record<string, string> = {
  readonlymount: 'ro_mount',
  readwritemount: 'rw_mount',
  download: 'download',
  direct: 'direct',
  evalmount: 'eval_mount',
  evaldownload: 'eval_download',
  upload: 'upload',
};
const MODES_BACK: Record<string, string> = { ro_mount: 'ReadOnlyMount', rw_mount: 'ReadWriteMount', direct: 'Direct', upload: 'Upload' };

const DISTRIBUTIONS: Record<string, string> = { pytorch: 'PyTorch', mpi: 'Mpi', tensorflow: 'TensorFlow' };
const POLICIES: Record<string, string> = { bandit: 'Bandit', median_stopping: 'MedianStopping', truncation_selection: 'TruncationSelection' };

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && Object.keys(v as object).length === 0);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** How one ARM field becomes a field of the document: a plain rename, or a conversion. */
type Rule = string | { to: string; map: (v: unknown, arm: string) => unknown } | 'drop' | 'dropIfEmpty';

/** The document and where each of its fields came from (to name ARM's field in a refusal). */
class ArmToDocument {
  readonly links: Array<[doc: string, arm: string]> = [
    ['type', 'properties.jobType'],
    ['environment', 'properties.environmentId'],
    ['compute', 'properties.computeId'],
    ['code', 'properties.codeId'],
    ['trial.environment', 'properties.trial.environmentId'],
    ['trial.code', 'properties.trial.codeId'],
    ['search_space', 'properties.searchSpace'],
    ['sampling_algorithm', 'properties.samplingAlgorithm'],
    ['early_termination', 'properties.earlyTermination'],
    ['name', 'name'],
  ];
  readonly errors: FieldError[] = [];

  constructor(private readonly ctx: ArmContext) {}

  refuse(arm: string, message: string): undefined {
    this.errors.push({ path: arm, message });
    return undefined;
  }

  /** ARM's name for a field of the document (the longest known prefix, the rest as the document has it). */
  armPath(doc: string): string {
    let best: [string, string] | undefined;
    for (const l of this.links) {
      if ((doc === l[0] || doc.startsWith(`${l[0]}.`) || doc.startsWith(`${l[0]}[`)) && (!best || l[0].length > best[0].length)) best = l;
    }
    return best ? best[1] + doc.slice(best[0].length) : `properties.${doc}`;
  }

  /** An ARM object → a document object, field by field; unknown fields go on under their CLI name (the action refuses them). */
  object(src: unknown, arm: string, doc: string, rules: Record<string, Rule>): Record<string, unknown> | undefined {
    if (src === undefined || src === null) return undefined;
    if (!isObject(src)) return this.refuse(arm, 'must be an object');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(src)) {
      const rule = rules[k] ?? camelToSnake(k);
      if (rule === 'drop') continue;
      if (rule === 'dropIfEmpty') {
        if (empty(v)) continue;
        this.put(out, doc, camelToSnake(k), `${arm}.${k}`, v);
        continue;
      }
      if (v === null || v === undefined) continue;
      if (typeof rule === 'string') this.put(out, doc, rule, `${arm}.${k}`, v);
      else {
        const mapped = rule.map(v, `${arm}.${k}`);
        if (mapped !== undefined) this.put(out, doc, rule.to, `${arm}.${k}`, mapped);
      }
    }
    return out;
  }

  private put(out: Record<string, unknown>, doc: string, key: string, arm: string, v: unknown) {
    out[key] = v;
    this.links.push([doc ? `${doc}.${key}` : key, arm]);
  }

  /** A map of user-named entries (inputs, outputs), each mapped on its own. */
  entries(src: unknown, arm: string, doc: string, each: (v: unknown, arm: string, doc: string) => unknown): Record<string, unknown> | undefined {
    if (src === undefined || src === null) return undefined;
    if (!isObject(src)) return this.refuse(arm, 'must be an object');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(src)) {
      this.links.push([`${doc}.${k}`, `${arm}.${k}`]);
      const m = each(v, `${arm}.${k}`, `${doc}.${k}`);
      if (m !== undefined) out[k] = m;
    }
    return out;
  }

  /** `<ws id>/<kind>/<name>[/versions/<v>]` of this workspace → its parts; anything else: null. */
  private armId(v: string, kind: AssetKind, arm: string): { name: string; version?: string } | null | undefined {
    const a = parseAssetId(v, kind);
    if (!a) return null;
    const other = otherWorkspace(v, kind, this.ctx.workspace, a);
    return other ? this.refuse(arm, other) : a;
  }

  compute = (v: unknown, arm: string) => {
    if (typeof v !== 'string') return this.refuse(arm, 'must be a compute ARM id');
    const id = this.armId(v, 'computes', arm);
    return id === undefined ? undefined : id ? `azureml:${id.name}` : v;
  };

  environment = (v: unknown, arm: string) => {
    if (typeof v !== 'string') return this.refuse(arm, 'must be an environment ARM id (…/environments/{name}/versions/{version}) or an azureml: reference');
    const id = this.armId(v, 'environments', arm);
    if (id === undefined) return undefined;
    if (id) return id.version ? `azureml:${id.name}:${id.version}` : `azureml:${id.name}@latest`;
    // azureml:<name>:<version>, azureml:<name>@label, azureml://registries/…; a bare image reference as Harbormaster answers it
    return v.startsWith('azureml:') ? v : { image: v };
  };

  code = (v: unknown, arm: string) => {
    if (typeof v !== 'string') return this.refuse(arm, 'must be a code ARM id or an azureml: reference');
    const id = this.armId(v, 'codes', arm);
    if (id === undefined) return undefined;
    return id ? `azureml:${id.name}${id.version ? `:${id.version}` : ''}` : v;
  };

  duration = (v: unknown, arm: string) => durationSeconds(v) ?? this.refuse(arm, `${JSON.stringify(v)} is not an ISO 8601 duration such as PT30M or P1DT2H`);

  lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

  mode = (v: unknown) => (typeof v === 'string' ? (MODES[v.toLowerCase()] ?? v) : v);

  input = (v: unknown, arm: string, doc: string) => {
    if (!isObject(v)) return this.refuse(arm, 'must be a JobInput object {jobInputType, …}');
    if (String(v.jobInputType).toLowerCase() === 'literal') return this.object(v, arm, doc, { jobInputType: 'drop', description: 'drop', value: { to: 'value', map: (x) => x } })?.value;
    return this.object(v, arm, doc, { jobInputType: { to: 'type', map: this.lower }, uri: 'path', mode: { to: 'mode', map: this.mode }, description: 'drop', pathOnCompute: 'path_on_compute' });
  };

  output = (v: unknown, arm: string, doc: string) => {
    if (v === null) return {};
    if (!isObject(v)) return this.refuse(arm, 'must be a JobOutput object {jobOutputType, …}');
    return this.object(v, arm, doc, { jobOutputType: { to: 'type', map: this.lower }, uri: 'path', mode: { to: 'mode', map: this.mode }, assetName: 'name', assetVersion: 'version', description: 'drop' });
  };

  resources = (v: unknown, arm: string, doc: string) =>
    this.object(v, arm, doc, { instanceType: 'instance_type', instanceCount: 'instance_count', shmSize: 'shm_size', properties: 'dropIfEmpty', dockerArgs: 'docker_args', maxInstanceCount: 'max_instance_count', locations: 'dropIfEmpty' });

  distribution = (v: unknown, arm: string, doc: string) =>
    this.object(v, arm, doc, { distributionType: { to: 'type', map: this.lower } });

  private trialRules(doc: string): Record<string, Rule> {
    const at = (f: string) => (doc ? `${doc}.${f}` : f);
    return {
      command: 'command',
      codeId: { to: 'code', map: this.code },
      environmentId: { to: 'environment', map: this.environment },
      environmentVariables: 'environment_variables',
      resources: { to: 'resources', map: (v, arm) => this.resources(v, arm, at('resources')) },
      distribution: { to: 'distribution', map: (v, arm) => this.distribution(v, arm, at('distribution')) },
    };
  }

  searchSpace = (v: unknown, arm: string) =>
    this.entries(v, arm, 'search_space', (p, at) => {
      // Azure ML's hyperdrive form: ["choice", [[1, 2]]], ["uniform", [0.1, 1]], ["randint", [10]], …
      if (!Array.isArray(p) || typeof p[0] !== 'string' || !Array.isArray(p[1])) return this.refuse(at, 'must be a search expression such as ["choice", [[1, 2]]] or ["uniform", [0, 1]]');
      const type = p[0].toLowerCase();
      const a = p[1] as unknown[];
      if (type === 'choice') return { type, values: Array.isArray(a[0]) ? a[0] : a };
      if (type === 'randint') return { type, upper: a[0] };
      if (type === 'uniform' || type === 'loguniform') return { type, min_value: a[0], max_value: a[1] };
      if (type === 'quniform' || type === 'qloguniform') return { type, min_value: a[0], max_value: a[1], q: a[2] };
      if (type === 'normal' || type === 'lognormal') return { type, mu: a[0], sigma: a[1] };
      if (type === 'qnormal' || type === 'qlognormal') return { type, mu: a[0], sigma: a[1], q: a[2] };
      return { type };
    });

  /** The whole job: ARM's `properties` → the CLI v2 document named by the URL. */
  document(body: Record<string, unknown>): Record<string, unknown> {
    for (const k of Object.keys(body)) if (!['properties', 'id', 'name', 'type', 'systemData'].includes(k)) this.refuse(k, 'unknown field of a job resource');
    const p = body.properties;
    if (!isObject(p)) {
      this.refuse('properties', 'is required: the job (jobType, command, environmentId, computeId, …)');
      return {};
    }
    const jobType = typeof p.jobType === 'string' ? p.jobType.toLowerCase() : p.jobType;
    const common: Record<string, Rule> = {
      jobType: 'drop',
      status: 'drop',
      parameters: 'drop',
      isArchived: { to: 'is_archived', map: (v, arm) => (v === true ? this.refuse(arm, 'archiving jobs is not supported by Harbormaster') : undefined) },
      displayName: 'display_name',
      description: 'description',
      tags: 'tags',
      properties: 'properties',
      experimentName: 'experiment_name',
      computeId: { to: 'compute', map: this.compute },
      identity: 'dropIfEmpty',
      services: 'dropIfEmpty',
      queueSettings: 'dropIfEmpty',
      notificationSetting: { to: 'notification_setting', map: (v, arm) => (empty(v) ? undefined : this.refuse(arm, 'e-mail and webhook notifications are not sent by Harbormaster; remove it')) },
      inputs: { to: 'inputs', map: (v, arm) => this.entries(v, arm, 'inputs', this.input) },
      outputs: { to: 'outputs', map: (v, arm) => this.entries(v, arm, 'outputs', this.output) },
    };
    let rules: Record<string, Rule>;
    if (jobType === 'sweep') {
      rules = {
        ...common,
        trial: { to: 'trial', map: (v, arm) => this.object(v, arm, 'trial', this.trialRules('trial')) },
        searchSpace: { to: 'search_space', map: this.searchSpace },
        samplingAlgorithm: {
          to: 'sampling_algorithm',
          map: (v, arm) => this.object(v, arm, 'sampling_algorithm', { samplingAlgorithmType: { to: 'type', map: this.lower }, rule: { to: 'rule', map: this.lower } }),
        },
        objective: { to: 'objective', map: (v, arm) => this.object(v, arm, 'objective', { goal: { to: 'goal', map: this.lower }, primaryMetric: 'primary_metric' }) },
        earlyTermination: {
          to: 'early_termination',
          map: (v, arm) => this.object(v, arm, 'early_termination', { policyType: { to: 'type', map: (t) => (typeof t === 'string' ? camelToSnake(t) : t) } }),
        },
        limits: {
          to: 'limits',
          map: (v, arm) => this.object(v, arm, 'limits', { jobLimitsType: 'drop', maxTotalTrials: 'max_total_trials', maxConcurrentTrials: 'max_concurrent_trials', timeout: { to: 'timeout', map: this.duration }, trialTimeout: { to: 'trial_timeout', map: this.duration } }),
        },
        resources: { to: 'resources', map: (v, arm) => this.resources(v, arm, 'resources') },
      };
    } else {
      rules = {
        ...common,
        ...this.trialRules(''),
        parentJobName: 'parent_job_name',
        limits: { to: 'limits', map: (v, arm) => this.object(v, arm, 'limits', { jobLimitsType: 'drop', timeout: { to: 'timeout', map: this.duration } }) },
      };
    }
    const doc = this.object(p, 'properties', '', rules) ?? {};
    // command and sweep as the document writes them; other job types go on as written, for the action to refuse.
    return { name: this.ctx.route.name, type: typeof jobType === 'string' ? jobType : p.jobType, ...doc };
  }
}

// --- Harbormaster's job → ARM's JobBase --------------------------------------------------------------

function environmentId(ctx: ArmContext, e: EnvironmentSpec): string {
  const m = e.source === 'workspace' && e.reference ? /^azureml:([^:@/]+):(.+)$/.exec(e.reference) : null;
  if (m) return `${ctx.workspaceId}/environments/${m[1]}/versions/${m[2]}`;
  return e.source === 'inline' ? (e.image ?? '') : (e.reference ?? e.image ?? '');
}

function inputsOf(inputs: Record<string, JobInput>) {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, i]) => [k, i.kind === 'literal' ? { jobInputType: 'literal', value: i.text } : { jobInputType: i.type, uri: i.path, mode: MODES_BACK[i.mode] ?? i.mode }]),
  );
}

function outputsOf(outputs: Record<string, JobOutput>) {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, o]) => [k, { jobOutputType: o.type, mode: MODES_BACK[o.mode] ?? o.mode, ...(o.name ? { assetName: o.name } : {}), ...(o.version ? { assetVersion: o.version } : {}) }]),
  );
}

function searchExpression(p: z.infer<typeof SearchSpaceParamSchema>): [string, unknown[]] {
  switch (p.type) {
    case 'choice':
      return ['choice', [p.values.map((v) => v.value)]];
    case 'randint':
      return ['randint', [p.upper]];
    case 'uniform':
    case 'loguniform':
      return [p.type, [p.minValue, p.maxValue]];
    case 'quniform':
    case 'qloguniform':
      return [p.type, [p.minValue, p.maxValue, p.q]];
    case 'normal':
    case 'lognormal':
      return [p.type, [p.mu, p.sigma]];
    default:
      return [p.type, [p.mu, p.sigma, p.q]];
  }
}

function trialOf(ctx: ArmContext, t: TrialSpec, j: JobDto) {
  const code = t.code?.kind === 'asset' ? t.code.reference : t.code?.kind === 'git' ? `git+${t.code.url}${t.code.ref ? `@${t.code.ref}` : ''}` : t.code?.kind === 'url' ? t.code.url : undefined;
  return {
    command: t.command,
    ...(j.codeSha256 ? { codeId: `${ctx.workspaceId}/codes/code-${j.codeSha256}/versions/1` } : code ? { codeId: code } : {}),
    environmentId: environmentId(ctx, t.environment),
    environmentVariables: t.environmentVariables,
    resources: { instanceType: j.instanceType ?? t.resources.instanceType, instanceCount: t.resources.instanceCount, shmSize: t.resources.shmSize },
    ...(t.distribution
      ? {
          distribution:
            t.distribution.type === 'tensorflow'
              ? { distributionType: 'TensorFlow', workerCount: t.distribution.workerCount, parameterServerCount: t.distribution.parameterServerCount }
              : { distributionType: DISTRIBUTIONS[t.distribution.type], processCountPerInstance: t.distribution.processCountPerInstance },
        }
      : {}),
  };
}

const present = (o: Record<string, string | null>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as Record<string, string>;

/** ARM's JobBase of one of Harbormaster's jobs (status in Azure ML's words, Studio → the console's job page). */
export function jobResource(ctx: ArmContext, j: JobDto): Wire<JobBase> {
  const spec: JobSpec = j.spec;
  const console = ctx.base.replace(/\/arm$/, '');
  const common = {
    status: j.status,
    displayName: j.displayName ?? spec.displayName ?? j.name,
    ...(spec.description ? { description: spec.description } : {}),
    tags: present(spec.tags),
    properties: present(spec.properties),
    experimentName: j.experimentName ?? spec.experimentName ?? 'Default',
    computeId: `${ctx.workspaceId}/computes/${j.computeTarget}`,
    isArchived: false,
    services: { Studio: { jobServiceType: 'Studio', endpoint: `${console}/w/${encodeURIComponent(ctx.workspace)}/jobs/${encodeURIComponent(j.name)}`, status: j.status } },
    inputs: inputsOf(spec.inputs),
    outputs: outputsOf(spec.outputs),
  };
  let properties: CommandJob | SweepJob;
  if (spec.type === 'sweep') {
    const l = spec.limits;
    properties = {
      jobType: 'Sweep',
      ...common,
      trial: trialOf(ctx, spec.trial, j),
      searchSpace: Object.fromEntries(Object.entries(spec.searchSpace).map(([k, p]) => [k, searchExpression(p)])),
      samplingAlgorithm:
        spec.samplingAlgorithm.type === 'grid'
          ? { samplingAlgorithmType: 'Grid' }
          : { samplingAlgorithmType: 'Random', ...(spec.samplingAlgorithm.seed !== undefined ? { seed: spec.samplingAlgorithm.seed } : {}), ...(spec.samplingAlgorithm.logbase !== undefined ? { logbase: String(spec.samplingAlgorithm.logbase) } : {}) },
      objective: { goal: spec.objective.goal === 'maximize' ? 'Maximize' : 'Minimize', primaryMetric: spec.objective.primaryMetric },
      ...(spec.earlyTermination
        ? {
            earlyTermination: {
              policyType: POLICIES[spec.earlyTermination.type],
              evaluationInterval: spec.earlyTermination.evaluationInterval,
              delayEvaluation: spec.earlyTermination.delayEvaluation,
              ...(spec.earlyTermination.type === 'bandit' ? { slackFactor: spec.earlyTermination.slackFactor, slackAmount: spec.earlyTermination.slackAmount } : {}),
              ...(spec.earlyTermination.type === 'truncation_selection' ? { truncationPercentage: spec.earlyTermination.truncationPercentage } : {}),
            },
          }
        : {}),
      limits: {
        jobLimitsType: 'Sweep',
        maxTotalTrials: l.maxTotalTrials,
        maxConcurrentTrials: l.maxConcurrentTrials,
        ...(l.timeoutSeconds ? { timeout: isoDuration(l.timeoutSeconds) } : {}),
        ...(l.trialTimeoutSeconds ? { trialTimeout: isoDuration(l.trialTimeoutSeconds) } : {}),
      },
    } as SweepJob;
  } else {
    properties = {
      jobType: 'Command',
      ...common,
      ...trialOf(ctx, spec, j),
      ...(spec.limits.timeoutSeconds ? { limits: { jobLimitsType: 'Command', timeout: isoDuration(spec.limits.timeoutSeconds) } } : {}),
    } as CommandJob;
  }
  return {
    id: `${ctx.workspaceId}/jobs/${j.name}`,
    name: j.name,
    type: JOB_TYPE,
    systemData: systemData(j.createdAt, j.createdBy),
    properties,
  } as unknown as Wire<JobBase>;
}

// --- handlers ---------------------------------------------------------------------------------------

/** The fields of an existing job's document that a PUT would change (ARM names). */
function changedFields(stored: Record<string, unknown>, doc: Record<string, unknown>, mapper: ArmToDocument): string[] {
  const keys = new Set([...Object.keys(stored), ...Object.keys(doc)]);
  return [...keys].filter((k) => !isDeepStrictEqual(stored[k], doc[k])).map((k) => mapper.armPath(k));
}

async function putJob(ctx: ArmContext): Promise<Response> {
  const body = await armBody(ctx);
  const mapper = new ArmToDocument(ctx);
  const doc = mapper.document(body);
  const name = ctx.route.name;
  if (mapper.errors.length) return refuseArmBody(ctx, SUBMIT, mapper.errors, name);
  // A job that exists: the same body is 200 (nothing changes); another is refused naming what it would change.
  if (mayRun(ctx, SUBMIT)) {
    const existing = await getJobRow(ctx.db, ctx.workspace, name).catch(() => undefined);
    if (existing) {
      let stored: Record<string, unknown> = {};
      try {
        stored = existing.row.sourceFormat === 'json' ? JSON.parse(existing.row.source) : {};
      } catch {
        stored = {};
      }
      const changed = existing.row.sourceFormat === 'json' ? changedFields(stored, doc, mapper) : ['properties'];
      if (changed.length === 0) return armJson(ctx, jobResource(ctx, await getJob(ctx.db, ctx.workspace, name)), 200);
      const editable = ['properties.tags', 'properties.description', 'properties.properties'];
      return refuseArmBody(
        ctx,
        SUBMIT,
        changed.map((path) => ({
          path,
          message: editable.includes(path)
            ? `job ${name} exists; Harbormaster keeps a job's ${path.slice('properties.'.length)} as submitted (it has no update of them)`
            : `job ${name} exists and a submitted job cannot be changed (Azure ML allows only tags, description and properties); submit it under another name`,
        })),
        name,
        'conflict',
      );
    }
  }
  // A refusal of the action names ARM's fields (`resources.docker_args` → `properties.resources.dockerArgs`).
  await armAction(ctx, SUBMIT, { workspace: ctx.workspace, job: doc, origin: requestOrigin(ctx) }, (p) => mapper.armPath(p.replace(/^job\./, '')));
  return armJson(ctx, jobResource(ctx, await getJob(ctx.db, ctx.workspace, name)), 201);
}

function listViewType(ctx: ArmContext): 'ActiveOnly' | 'ArchivedOnly' | 'All' {
  const v = ctx.url.searchParams.get('listViewType') ?? 'ActiveOnly';
  const known = ['ActiveOnly', 'ArchivedOnly', 'All'] as const;
  const hit = known.find((k) => k.toLowerCase() === v.toLowerCase());
  if (!hit) throw new ArmError('bad_request', 'InvalidQueryParameter', `listViewType must be one of ${known.join(', ')}`, [{ path: 'listViewType', message: `"${v.slice(0, 40)}" is not one of ${known.join(', ')}` }]);
  return hit;
}

async function listArmJobs(ctx: ArmContext) {
  // Harbormaster archives nothing: every job is active.
  if (listViewType(ctx) === 'ArchivedOnly') return { value: [] };
  const top = Number(ctx.url.searchParams.get('$top') ?? '');
  const page = await listJobs(ctx.db, ctx.workspace, { cursor: skipToken(ctx), limit: Number.isInteger(top) && top > 0 ? Math.min(top, 200) : 50 });
  const rows = await Promise.all(page.items.map((s) => getJobRow(ctx.db, ctx.workspace, s.name)));
  const byName = new Map(rows.map((r) => [r.row.name, jobDto(r.row, r.createdBy, true)]));
  return armList(ctx, page, (s) => jobResource(ctx, byName.get(s.name)!));
}

async function cancelArmJob(ctx: ArmContext): Promise<Response> {
  await armAction(ctx, CANCEL, { workspace: ctx.workspace, name: ctx.route.name });
  // ARM's long-running cancel: 202 and a Location the client polls; the job's own URL answers 200 at once
  // (Harbormaster records Canceled in the same transaction).
  const location = `${ctx.base}${ctx.workspaceId}/jobs/${encodeURIComponent(ctx.route.name)}?api-version=${encodeURIComponent(ctx.apiVersion)}`;
  return armJson(ctx, undefined, 202, { location, 'retry-after': '1' });
}

/**
 * Local code (`code: ./src`): the SDK first asks for a code version with the folder's hash (GET
 * codes/{uuid}/versions?hash=…), then for a blob upload URL (startPendingUpload) and writes the folder to Azure
 * Blob Storage. Harbormaster has no Blob endpoint; the first call is refused naming `code`.
 */
function refuseCodeUpload(): never {
  throw new ArmError(
    'bad_request',
    'CodeUploadNotSupported',
    'code: Harbormaster does not take local code folders through the Azure ML SDK (it has no Azure Blob Storage endpoint to upload them to). ' +
      'Put the code in the image (environment=Environment(image=…)) and leave code out, point code at a git repository (git+https://…), ' +
      'or submit the job with its folder through Harbormaster: `hm jobs submit job.yml` or POST /api/v1/workspaces/{workspace}/jobs as multipart with the files.',
    [{ path: 'code', message: 'local code folders cannot be uploaded through the Azure ML–compatible API' }],
  );
}

const EXAMPLE_JOB = {
  properties: {
    jobType: 'Command',
    command: 'echo hello',
    environmentId: 'python:3.11',
    inputs: {},
    outputs: {},
    environmentVariables: {},
    tags: {},
    properties: {},
    isArchived: false,
  },
};

export const jobRoutes: ArmRoute[] = [
  { method: 'GET', path: '/jobs', permission: 'jobs.read', handler: listArmJobs, example: {} },
  { method: 'PUT', path: '/jobs/{name}', action: SUBMIT, handler: putJob, example: { route: { name: 'rbac-example-arm-job' }, body: EXAMPLE_JOB } },
  { method: 'GET', path: '/jobs/{name}', permission: 'jobs.read', handler: async (ctx) => jobResource(ctx, await getJob(ctx.db, ctx.workspace, ctx.route.name)), example: { route: { name: 'rbac-example-job' } } },
  { method: 'POST', path: '/jobs/{name}/cancel', action: CANCEL, handler: cancelArmJob, example: { route: { name: 'rbac-example-job' } } },
  { method: 'GET', path: '/codes/{name}/versions', permission: 'jobs.submit', handler: async () => refuseCodeUpload(), example: { route: { name: 'rbac-example-code' } } },
];

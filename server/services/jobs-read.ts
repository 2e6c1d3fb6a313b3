import 'server-only';
import type { JobSummaryDto } from '@/lib/jobs/dto';
import { and, asc, desc, eq, gte, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { JobSpec } from '@/lib/aml/job-spec';
import type { DbOrTx } from '../db';
import { jobs, jobTransitions as jobTransitionsTable, users, workspaces, type TrialTermination } from '../db/schema';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor, type Page } from '../http/paging';
import { JOB_STATUSES, TERMINAL_STATUSES, type JobStatus } from '../compute/backend';
import type { KubeObject, PlanStep } from '../kube/plan';
import { cancelPendingIntents } from '../runtime/intents';
import { jobTransitionsOf, objectNameOf } from '../runtime/job-status';
import { sweepSummary, trialDto, trialRowsOf, type SweepSummaryDto, type TrialDto } from './sweeps';
import { modelVersionsOfJob } from './models';
import { findClusterRow, type ClusterRow } from './clusters';
import { backendFor } from './jobs';

// Reading jobs back: the list (from the database, newest first, cursor-paged — never a cluster LIST per
// request) and one job with its live state from the backend (falling back to the last recorded one when the
// cluster cannot be reached). The job runner of the next issue keeps the recorded status current.

export type JobRow = typeof jobs.$inferSelect;

export type { JobSummaryDto } from '@/lib/jobs/dto';

export interface JobDto extends JobSummaryDto {
  id: string;
  namespace: string;
  spec: JobSpec;
  source: string;
  sourceFormat: 'yaml' | 'json';
  codeSha256: string | null;
  objects: unknown[];
  warnings: Array<{ path: string; message: string }>;
  startedAt: string | null;
  finishedAt: string | null;
  /** Whether the status can still change (the reconciler follows it live). */
  live: boolean;
  /** Every status it went through, oldest first. */
  transitions?: Array<{ status: string; message: string | null; at: string }>;
  /** The Kubernetes Job's name (a command job or a trial; azureml: Azure ML's Job, once the status poller found it). */
  objectName: string;
  /** Who runs it: kubernetes (Harbormaster's objects) or azureml (Azure ML, through ARM); always set by the server. */
  backend?: 'kubernetes' | 'azureml';
  /** azureml: the job's name in the Azure ML workspace, and the last error reading its status from ARM. */
  azure?: { jobName: string | null; jobId: string | null; status: string | null; error: string | null };
  /** The model versions this job's outputs became (name, version, output). */
  models?: Array<{ name: string; version: string; output: string | null }>;
  /** A sweep: its objective, limits, how many trials ran and ended how, and its best trial. */
  sweep?: SweepSummaryDto;
  /** A trial: its sweep (and the sweep's objective), index, parameters, primary metric and why it was stopped. */
  trial?: TrialDto & { sweep: string; objective?: { primaryMetric: string; goal: 'maximize' | 'minimize' } };
}

export function jobSummaryDto(r: JobRow, createdBy?: string | null): JobSummaryDto {
  return {
    uid: r.id,
    name: r.name,
    displayName: r.displayName,
    experimentName: r.experimentName,
    type: r.type,
    status: r.status,
    statusMessage: r.statusMessage,
    computeTarget: r.computeName,
    cluster: r.clusterName,
    instanceType: r.instanceType,
    instanceCount: r.instanceCount,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    createdBy: createdBy ?? null,
  };
}

export function jobDto(r: JobRow, createdBy: string | null, live: boolean): JobDto {
  return {
    ...jobSummaryDto(r, createdBy),
    id: r.id,
    namespace: r.namespace,
    spec: r.spec as JobSpec,
    source: r.source,
    sourceFormat: r.sourceFormat,
    codeSha256: r.codeSha256,
    objects: r.objects,
    warnings: r.warnings,
    live,
    objectName: objectNameOf(r),
    backend: r.backend,
    ...(r.backend === 'azureml' ? { azure: { jobName: r.azureJobName, jobId: r.azureJobId, status: r.azureStatus, error: r.azureError } } : {}),
  };
}

async function workspaceIdOf(db: DbOrTx, workspace: string): Promise<string> {
  const [w] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, workspace)).limit(1);
  if (!w) throw new AppError('not_found', `workspace ${workspace} not found`);
  return w.id;
}

export const JOB_ORDER_FIELDS = ['createdAt', 'status', 'duration', 'name'] as const;
export type JobOrderField = (typeof JOB_ORDER_FIELDS)[number];

export interface JobListQuery {
  limit?: number;
  cursor?: string;
  /** Any of these statuses. */
  status?: string[];
  compute?: string;
  experiment?: string;
  /** The submitter's email. */
  createdBy?: string;
  since?: Date;
  until?: Date;
  /** Text in the name or display name (case-insensitive). */
  q?: string;
  orderBy?: { field: JobOrderField; dir: 'asc' | 'desc' };
}

const fieldError = (path: string, message: string) => new AppError('bad_request', `${path}: ${message}`, { fieldErrors: [{ path, message }] });

/** The list's query parameters, validated (a 400 names the parameter). */
export function parseJobListQuery(p: URLSearchParams): JobListQuery {
  const q: JobListQuery = {};
  const limit = p.get('limit');
  if (limit !== null) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 200) throw fieldError('limit', 'must be a whole number from 1 to 200');
    q.limit = n;
  }
  if (p.get('cursor')) q.cursor = p.get('cursor')!;
  const status = p.getAll('status').flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (status.length) {
    const bad = status.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
    if (bad.length) throw fieldError('status', `unknown status ${bad.join(', ')} (one of ${JOB_STATUSES.join(', ')})`);
    q.status = status;
  }
  for (const k of ['compute', 'experiment', 'createdBy', 'q'] as const) {
    const v = p.get(k);
    if (v) q[k] = k === 'compute' ? v.replace(/^azureml:/, '') : v;
  }
  for (const k of ['since', 'until'] as const) {
    const v = p.get(k);
    if (!v) continue;
    const t = new Date(v);
    if (Number.isNaN(t.getTime())) throw fieldError(k, 'must be a date and time (ISO 8601, e.g. 2026-12-01T00:00:00Z)');
    q[k] = t;
  }
  const order = p.get('orderBy');
  if (order) {
    const m = /^(createdAt|status|duration|name)(?::(asc|desc))?$/.exec(order);
    if (!m) throw fieldError('orderBy', `must be one of ${JOB_ORDER_FIELDS.join(', ')}, optionally with :asc or :desc (got "${order.slice(0, 40)}")`);
    q.orderBy = { field: m[1] as JobOrderField, dir: (m[2] as 'asc' | 'desc') ?? (m[1] === 'name' ? 'asc' : 'desc') };
  }
  return q;
}

/** Whether a list item matches the list's filters (the jobs stream drops items that stop matching). */
export function jobMatches(j: JobSummaryDto, q: JobListQuery): boolean {
  if (q.status?.length && !q.status.includes(j.status)) return false;
  if (q.compute && j.computeTarget !== q.compute) return false;
  if (q.experiment && j.experimentName !== q.experiment) return false;
  if (q.createdBy && (j.createdBy ?? '').toLowerCase() !== q.createdBy.toLowerCase()) return false;
  const t = Date.parse(j.createdAt);
  if (q.since && t < q.since.getTime()) return false;
  if (q.until && t >= q.until.getTime()) return false;
  if (q.q && !`${j.name}\n${j.displayName}`.toLowerCase().includes(q.q.toLowerCase())) return false;
  return true;
}

/** The sort key of each order: an SQL expression and how a cursor value is cast back. */
function orderKey(field: JobOrderField): { expr: SQL; cast: (v: string | number) => SQL; of: (r: JobRow) => string | number } {
  switch (field) {
    case 'status':
      return { expr: sql`${jobs.status}`, cast: (v) => sql`${String(v)}::text`, of: (r) => r.status };
    case 'name':
      return { expr: sql`${jobs.name}`, cast: (v) => sql`${String(v)}::text`, of: (r) => r.name };
    case 'duration':
      // Seconds from start to end; jobs that have not finished sort as -1 (last when descending).
      return {
        expr: sql`coalesce(extract(epoch from (${jobs.finishedAt} - ${jobs.startedAt})), -1)::float8`,
        cast: (v) => sql`${Number(v)}::float8`,
        of: (r) => (r.finishedAt && r.startedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : -1),
      };
    default:
      return { expr: sql`${jobs.createdAt}`, cast: (v) => sql`${String(v)}::timestamptz`, of: (r) => r.createdAt.toISOString() };
  }
}

/**
 * A workspace's jobs: filtered, sorted and keyset-paged in the database (never a cluster LIST), `{items, next}`.
 * `next` carries the sort key and id of the page's last row; ties on the key are broken by id.
 */
export async function listJobs(db: DbOrTx, workspace: string, opts: JobListQuery = {}): Promise<Page<JobSummaryDto>> {
  const wid = await workspaceIdOf(db, workspace);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const order = opts.orderBy ?? { field: 'createdAt', dir: 'desc' };
  const key = orderKey(order.field);
  // Trials are listed under their sweep (GET …/jobs/{sweep}/trials), not here.
  const where: SQL[] = [eq(jobs.workspaceId, wid), isNull(jobs.parentJobId)];
  if (opts.status?.length) where.push(inArray(jobs.status, opts.status));
  if (opts.compute) where.push(eq(jobs.computeName, opts.compute));
  if (opts.experiment) where.push(eq(jobs.experimentName, opts.experiment));
  if (opts.createdBy) where.push(eq(users.email, opts.createdBy.toLowerCase()));
  if (opts.since) where.push(gte(jobs.createdAt, opts.since));
  if (opts.until) where.push(lt(jobs.createdAt, opts.until));
  if (opts.q) {
    const like = `%${opts.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(jobs.name, like), ilike(jobs.displayName, like))!);
  }
  if (opts.cursor) {
    const c = decodeCursor<{ k: string | number; id: string }>(opts.cursor, ['k', 'id']);
    if (order.field === 'createdAt' && Number.isNaN(new Date(String(c.k)).getTime())) throw fieldError('cursor', 'not a cursor from this list');
    where.push(order.dir === 'desc' ? sql`(${key.expr}, ${jobs.id}) < (${key.cast(c.k)}, ${c.id}::uuid)` : sql`(${key.expr}, ${jobs.id}) > (${key.cast(c.k)}, ${c.id}::uuid)`);
  }
  const dir = (e: SQL | typeof jobs.id) => (order.dir === 'desc' ? desc(e) : asc(e));
  const rows = await db
    .select({ j: jobs, email: users.email })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.createdBy))
    .where(and(...where))
    .orderBy(dir(key.expr), dir(jobs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const items = page.map((r) => jobSummaryDto(r.j, r.email));
  return rows.length > limit && last ? { items, next: encodeCursor({ k: key.of(last.j), id: last.j.id }) } : { items };
}

/** One job in the shape of a list item (the jobs stream re-reads changed jobs with this); undefined when gone. */
export async function jobSummaryByName(db: DbOrTx, workspace: string, name: string): Promise<JobSummaryDto | undefined> {
  const wid = await workspaceIdOf(db, workspace);
  const [r] = await db
    .select({ j: jobs, email: users.email })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.createdBy))
    .where(and(eq(jobs.workspaceId, wid), eq(jobs.name, name), isNull(jobs.parentJobId)))
    .limit(1);
  return r ? jobSummaryDto(r.j, r.email) : undefined;
}

export async function getJobRow(db: DbOrTx, workspace: string, name: string): Promise<{ row: JobRow; createdBy: string | null }> {
  const wid = await workspaceIdOf(db, workspace);
  const [r] = await db.select({ j: jobs, email: users.email }).from(jobs).leftJoin(users, eq(users.id, jobs.createdBy)).where(and(eq(jobs.workspaceId, wid), eq(jobs.name, name))).limit(1);
  if (!r) throw new AppError('not_found', `job ${name} not found in workspace ${workspace}`);
  return { row: r.j, createdBy: r.email };
}

function refOf(row: JobRow) {
  return { name: row.name, type: row.type, target: { workspace: '', name: row.computeName, cluster: row.clusterName, namespace: row.namespace, serviceAccountName: '' } };
}

/**
 * One job as recorded. Reads never write: the status reconciler (server/runtime/job-status.ts) keeps the
 * record current from the cluster's informers, and its transitions are the status timeline.
 */
export async function getJob(db: DbOrTx, workspace: string, name: string): Promise<JobDto> {
  const { row, createdBy } = await getJobRow(db, workspace, name);
  const transitions = await jobTransitionsOf(db, row.id);
  const dto: JobDto = {
    ...jobDto(row, createdBy, !TERMINAL_STATUSES.has(row.status as JobStatus)),
    transitions: transitions.map((t) => ({ status: t.status, message: t.message, at: t.at.toISOString() })),
  };
  const made = await modelVersionsOfJob(db, row.id);
  if (made.length) dto.models = made;
  if (row.type === 'sweep') dto.sweep = sweepSummary(row, await trialRowsOf(db, row.id));
  if (row.parentJobId) {
    const [p] = await db.select({ name: jobs.name, spec: jobs.spec }).from(jobs).where(eq(jobs.id, row.parentJobId)).limit(1);
    const objective = p ? (p.spec as { objective?: { primaryMetric: string; goal: 'maximize' | 'minimize' } }).objective : undefined;
    dto.trial = { ...trialDto(row), sweep: p?.name ?? '', ...(objective ? { objective } : {}) };
  }
  return dto;
}

export interface CancelOptions {
  dryRun: boolean;
  /** Why, when it is not a user's cancel (a sweep's controller stopping a trial): recorded on the trial. */
  termination?: Omit<TrialTermination, 'at'>;
}

/**
 * Records a job as Canceled (inside the caller's transaction) and answers the steps that delete its
 * Kubernetes Jobs (their pods and dependents go with them), carried out after commit. A job whose Job was
 * never created has its pending creation canceled instead. A sweep takes its active trials with it.
 */
export async function cancelJob(db: DbOrTx, workspace: string, name: string, opts: CancelOptions): Promise<{ before: string; row: JobRow; steps: PlanStep[]; perJob: Array<{ id: string; steps: PlanStep[] }>; cluster: ClusterRow | undefined; trials: string[] }> {
  const { row } = await getJobRow(db, workspace, name);
  if (TERMINAL_STATUSES.has(row.status as JobStatus)) {
    throw new AppError('conflict', `job ${name} already ended (${row.status}); there is nothing to cancel`);
  }
  const cluster = await findClusterRow(db, row.clusterName);
  const members = row.type === 'sweep' ? (await trialRowsOf(db, row.id)).filter((t) => !TERMINAL_STATUSES.has(t.status as JobStatus)) : [row];
  // One set of deletes per Job's record, so that each record shows how its own deletion went.
  const perJob = cluster ? members.map((m) => ({ id: m.id, steps: backendFor(cluster).cancelSteps(refOf(m), m.objects as KubeObject[]) })).filter((p) => p.steps.length) : [];
  const steps = perJob.flatMap((p) => p.steps);
  const trials = row.type === 'sweep' ? members.map((m) => m.name) : [];
  if (opts.dryRun) return { before: row.status, row: { ...row, status: 'Canceled' }, steps, perJob, cluster, trials };
  const what = opts.termination ? opts.termination.reason : 'canceled by a user';
  const message = cluster ? `${what}; deleting its pods` : `${what}; cluster ${row.clusterName} is no longer registered, nothing was deleted`;
  const now = new Date();
  const termination = opts.termination ? { ...opts.termination, at: now.toISOString() } : undefined;
  let updated: JobRow | undefined;
  for (const m of row.type === 'sweep' ? [row, ...members] : [row]) {
    await cancelPendingIntents(db, { type: 'job', id: m.id });
    const trialOfSweep = m.id !== row.id;
    const msg = trialOfSweep ? (cluster ? 'canceled with its sweep; deleting its pods' : 'canceled with its sweep') : message;
    const t = trialOfSweep ? { policy: 'sweep_canceled', reason: 'its sweep was canceled', at: now.toISOString() } : termination;
    const [u] = await db
      .update(jobs)
      .set({ status: 'Canceled', statusMessage: msg, finishedAt: now, updatedAt: now, ...(t ? { termination: t } : {}) })
      .where(eq(jobs.id, m.id))
      .returning();
    await db.insert(jobTransitionsTable).values({ jobId: m.id, status: 'Canceled', message: msg });
    if (m.id === row.id) updated = u;
  }
  return { before: row.status, row: updated!, steps, perJob, cluster, trials };
}

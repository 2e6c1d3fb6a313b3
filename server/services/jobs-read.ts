import 'server-only';
import type { JobSummaryDto } from '@/lib/jobs/dto';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { JobSpec } from '@/lib/aml/job-spec';
import type { DbOrTx } from '../db';
import { jobs, jobTransitions as jobTransitionsTable, users, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor, type Page } from '../http/paging';
import { TERMINAL_STATUSES, type JobStatus, type KubeObject } from '../compute/backend';
import type { PlanStep } from '../kube/plan';
import { cancelPendingIntents } from '../runtime/intents';
import { jobTransitionsOf } from '../runtime/job-status';
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
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    live,
  };
}

async function workspaceIdOf(db: DbOrTx, workspace: string): Promise<string> {
  const [w] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, workspace)).limit(1);
  if (!w) throw new AppError('not_found', `workspace ${workspace} not found`);
  return w.id;
}

/** Newest first, keyset-paged: `next` carries the created time and id of the page's last row. */
export async function listJobs(db: DbOrTx, workspace: string, opts: { limit?: number; cursor?: string } = {}): Promise<Page<JobSummaryDto>> {
  const wid = await workspaceIdOf(db, workspace);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  let where = eq(jobs.workspaceId, wid);
  if (opts.cursor) {
    const { t: at, id } = decodeCursor<{ t: string; id: string }>(opts.cursor, ['t', 'id']);
    const t = new Date(at);
    if (Number.isNaN(t.getTime())) throw new AppError('bad_request', 'cursor: not a cursor from this list', { fieldErrors: [{ path: 'cursor', message: 'invalid' }] });
    where = and(where, or(lt(jobs.createdAt, t), and(eq(jobs.createdAt, t), lt(jobs.id, id))))!;
  }
  const rows = await db
    .select({ j: jobs, email: users.email })
    .from(jobs)
    .leftJoin(users, eq(users.id, jobs.createdBy))
    .where(where)
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const items = page.map((r) => jobSummaryDto(r.j, r.email));
  return rows.length > limit && last ? { items, next: encodeCursor({ t: last.j.createdAt.toISOString(), id: last.j.id }) } : { items };
}

/** One job in the shape of a list item (the jobs stream re-reads changed jobs with this); undefined when gone. */
export async function jobSummaryByName(db: DbOrTx, workspace: string, name: string): Promise<JobSummaryDto | undefined> {
  const wid = await workspaceIdOf(db, workspace);
  const [r] = await db.select({ j: jobs, email: users.email }).from(jobs).leftJoin(users, eq(users.id, jobs.createdBy)).where(and(eq(jobs.workspaceId, wid), eq(jobs.name, name))).limit(1);
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
  return {
    ...jobDto(row, createdBy, !TERMINAL_STATUSES.has(row.status as JobStatus)),
    transitions: transitions.map((t) => ({ status: t.status, message: t.message, at: t.at.toISOString() })),
  };
}

/**
 * Records a job as Canceled (inside the caller's transaction) and answers the steps that delete its
 * Kubernetes Jobs (their pods and dependents go with them), carried out after commit. A job whose Job was
 * never created has its pending creation canceled instead.
 */
export async function cancelJob(db: DbOrTx, workspace: string, name: string, opts: { dryRun: boolean }): Promise<{ before: string; row: JobRow; steps: PlanStep[]; cluster: ClusterRow | undefined }> {
  const { row } = await getJobRow(db, workspace, name);
  if (TERMINAL_STATUSES.has(row.status as JobStatus)) {
    throw new AppError('conflict', `job ${name} already ended (${row.status}); there is nothing to cancel`);
  }
  const cluster = await findClusterRow(db, row.clusterName);
  const steps = cluster ? backendFor(cluster).cancelSteps(refOf(row), row.objects as KubeObject[]) : [];
  if (opts.dryRun) return { before: row.status, row: { ...row, status: 'Canceled' }, steps, cluster };
  await cancelPendingIntents(db, { type: 'job', id: row.id }, 'jobs.submit');
  const message = cluster ? 'canceled by a user; deleting its pods' : `canceled by a user; cluster ${row.clusterName} is no longer registered, nothing was deleted`;
  const [u] = await db.update(jobs).set({ status: 'Canceled', statusMessage: message, finishedAt: new Date(), updatedAt: new Date() }).where(eq(jobs.id, row.id)).returning();
  await db.insert(jobTransitionsTable).values({ jobId: row.id, status: 'Canceled', message });
  return { before: row.status, row: u, steps, cluster };
}

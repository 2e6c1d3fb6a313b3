import 'server-only';
import type { JobSummaryDto } from '@/lib/jobs/dto';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { JobSpec } from '@/lib/aml/job-spec';
import type { DbOrTx } from '../db';
import { jobs, users, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { logger } from '../logger';
import { TERMINAL_STATUSES, type JobState, type JobStatus } from '../compute/backend';
import { findClusterRow } from './clusters';
import { clusterAppError } from '../kube/errors';
import { backendFor } from './jobs';

// Reading jobs back: the list (from the database, newest first, cursor-paged — never a cluster LIST per
// request) and one job with its live state from the backend (falling back to the last recorded one when the
// cluster cannot be reached). The job runner of the next issue keeps the recorded status current.

export type JobRow = typeof jobs.$inferSelect;

export type { JobSummaryDto } from '@/lib/jobs/dto';

export interface JobDto extends JobSummaryDto {
  id: string;
  namespace: string;
  statusMessage: string | null;
  spec: JobSpec;
  source: string;
  sourceFormat: 'yaml' | 'json';
  codeSha256: string | null;
  objects: unknown[];
  warnings: Array<{ path: string; message: string }>;
  startedAt: string | null;
  finishedAt: string | null;
  /** Whether status came from the backend just now (false: the last recorded state). */
  live: boolean;
}

export function jobSummaryDto(r: JobRow, createdBy?: string | null): JobSummaryDto {
  return {
    name: r.name,
    displayName: r.displayName,
    experimentName: r.experimentName,
    type: r.type,
    status: r.status,
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
    statusMessage: r.statusMessage,
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

/** Cursor = "<createdAt ISO>|<id>" of the last row of the previous page. */
export async function listJobs(db: DbOrTx, workspace: string, opts: { limit?: number; cursor?: string } = {}): Promise<{ items: JobSummaryDto[]; cursor?: string }> {
  const wid = await workspaceIdOf(db, workspace);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  let where = eq(jobs.workspaceId, wid);
  if (opts.cursor) {
    const [at, id] = opts.cursor.split('|');
    const t = new Date(at);
    if (Number.isNaN(t.getTime()) || !id) throw new AppError('bad_request', 'cursor: not a cursor from this list', { fieldErrors: [{ path: 'cursor', message: 'invalid' }] });
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
  return { items: page.map((r) => jobSummaryDto(r.j, r.email)), cursor: rows.length > limit && last ? `${last.j.createdAt.toISOString()}|${last.j.id}` : undefined };
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

/** Records a state the backend reported (status, message, start/finish times). */
async function recordState(db: DbOrTx, row: JobRow, s: JobState): Promise<JobRow> {
  if (row.status === 'Canceled') return row; // canceled stays canceled, whatever is left of its objects
  const status: JobStatus = s.status === 'NotStarted' && row.status !== 'NotStarted' ? (row.status as JobStatus) : s.status;
  const patch = {
    status,
    statusMessage: s.message ?? null,
    startedAt: row.startedAt ?? (s.startedAt ? new Date(s.startedAt) : null),
    finishedAt: row.finishedAt ?? (TERMINAL_STATUSES.has(status) ? (s.finishedAt ? new Date(s.finishedAt) : new Date()) : null),
  };
  if (patch.status === row.status && patch.statusMessage === row.statusMessage && +(patch.startedAt ?? 0) === +(row.startedAt ?? 0) && +(patch.finishedAt ?? 0) === +(row.finishedAt ?? 0)) return row;
  const [u] = await db.update(jobs).set({ ...patch, updatedAt: new Date() }).where(eq(jobs.id, row.id)).returning();
  return u;
}

/** One job, with its state asked from the backend now (unless it already ended). */
export async function getJob(db: DbOrTx, workspace: string, name: string): Promise<JobDto> {
  let { row, createdBy } = await getJobRow(db, workspace, name);
  if (TERMINAL_STATUSES.has(row.status as JobStatus)) return jobDto(row, createdBy, false);
  const cluster = await findClusterRow(db, row.clusterName);
  if (!cluster) return jobDto(row, createdBy, false);
  try {
    const state = await backendFor(cluster).status(refOf(row));
    row = await recordState(db, row, state);
    return jobDto(row, createdBy, true);
  } catch (e) {
    logger.debug({ err: e, job: row.name }, 'job status unavailable');
    return jobDto(row, createdBy, false);
  }
}

/** Stops a job on its backend and records it as Canceled. */
export async function cancelJob(db: DbOrTx, workspace: string, name: string): Promise<{ before: string; row: JobRow }> {
  const { row } = await getJobRow(db, workspace, name);
  if (TERMINAL_STATUSES.has(row.status as JobStatus)) {
    throw new AppError('conflict', `job ${name} already ended (${row.status}); there is nothing to cancel`);
  }
  const cluster = await findClusterRow(db, row.clusterName);
  if (cluster) {
    try {
      await backendFor(cluster).cancel(refOf(row));
    } catch (e) {
      throw clusterAppError(e, cluster.name);
    }
  }
  const [u] = await db.update(jobs).set({ status: 'Canceled', statusMessage: 'canceled by a user', finishedAt: new Date(), updatedAt: new Date() }).where(eq(jobs.id, row.id)).returning();
  return { before: row.status, row: u };
}

import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db';
import { jobs, workspaces } from '../db/schema';
import { logger } from '../logger';
import { subscribeAll } from '../live/bus';
import { runAction, systemCaller } from '../actions/run';
import { refreshSweep } from '../services/sweeps';
import type { JobRow } from './job-status';

// The sweep controller (leader only): for every active sweep, on every change of its trials (their status from
// the reconciler, their metrics from the collector) and every few seconds (limits.timeout), it
//   1. records the sweep's status, best trial and trials' primary metric (services/sweeps.ts refreshSweep),
//   2. stops the trials lib/jobs/sweep-control.ts says to stop (jobs.cancel with the decision's numbers),
//   3. starts the next trials (sweeps.startTrials), keeping max_concurrent_trials active.
// Everything it knows is in the database, so a restarted or new leader picks up where the last one stopped:
// trials are numbered 0, 1, … and the unique (parent, index) index makes a second start of one impossible.

const ACTIVE = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing'];

export async function advanceSweep(db: Db, sweep: JobRow, workspace: string): Promise<void> {
  const { decision, trials } = await refreshSweep(db, sweep);
  if (!decision.terminate.length && !decision.create.length) return;
  const caller = await systemCaller(db, `sweep:${sweep.name}`);
  const byIndex = new Map(trials.map((t) => [t.trialIndex, t.name]));
  for (const stop of decision.terminate) {
    const name = byIndex.get(stop.index);
    if (!name) continue;
    const { index: _i, ...termination } = stop;
    await runAction('jobs.cancel', { workspace, name, termination }, caller).catch((e) => logger.warn({ err: { message: (e as Error).message }, sweep: sweep.name, trial: name }, 'sweep: stopping a trial failed'));
  }
  if (decision.create.length) {
    await runAction('sweeps.startTrials', { workspace, name: sweep.name }, caller).catch((e) => logger.warn({ err: { message: (e as Error).message }, sweep: sweep.name }, 'sweep: starting trials failed'));
  }
  const [after] = await db.select().from(jobs).where(eq(jobs.id, sweep.id)).limit(1);
  if (after) await refreshSweep(db, after);
}

export function startSweepController(db: Db, opts: { tickMs?: number; debounceMs?: number } = {}): () => void {
  const tickMs = opts.tickMs ?? 2000;
  const debounceMs = opts.debounceMs ?? 100;
  let stopped = false;
  let running = false;
  let again: false | 'all' | 'some' = false;
  let soon: NodeJS.Timeout | undefined;

  // A pass over every active sweep on each tick; in between, only the sweeps whose trials changed (notices name
  // the job: a sweep, or a trial `<sweep>_<index>`), so metrics arriving from many trials stay cheap.
  const dirty = new Set<string>();
  const pass = async (all: boolean) => {
    if (stopped) return;
    if (running) {
      again = all || again === 'all' ? 'all' : 'some';
      return;
    }
    running = true;
    const only = all ? undefined : new Set(dirty);
    if (all) dirty.clear();
    else for (const k of only!) dirty.delete(k);
    try {
      const rows = await db
        .select({ j: jobs, ws: workspaces.name })
        .from(jobs)
        .innerJoin(workspaces, eq(workspaces.id, jobs.workspaceId))
        .where(and(eq(jobs.type, 'sweep'), inArray(jobs.status, ACTIVE)));
      const due = only ? rows.filter((r) => only.has(`${r.ws}/${r.j.name}`)) : rows;
      await Promise.all(due.map((r) => advanceSweep(db, r.j, r.ws).catch((e) => logger.warn({ err: { message: (e as Error).message }, sweep: r.j.name }, 'sweep controller pass failed'))));
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message } }, 'sweep controller pass failed');
    } finally {
      running = false;
      if (again && !stopped) {
        const next = again;
        again = false;
        void pass(next === 'all');
      }
    }
  };

  const timer = setInterval(() => void pass(true), tickMs);
  timer.unref?.();
  void pass(true);
  const unsubscribe = subscribeAll((n) => {
    if (!n.topic.startsWith('jobs:')) return;
    const ws = n.topic.slice('jobs:'.length);
    dirty.add(`${ws}/${n.key}`);
    dirty.add(`${ws}/${n.key.replace(/_\d+$/, '')}`);
    if (soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      void pass(false);
    }, debounceMs);
  });
  return () => {
    stopped = true;
    unsubscribe();
    if (soon) clearTimeout(soon);
    clearInterval(timer);
  };
}

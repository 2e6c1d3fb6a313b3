import 'server-only';
import { z } from 'zod';
import { eq, sql } from 'drizzle-orm';
import { workspaceName } from '@/lib/schemas/core';
import { jobs } from '../db/schema';
import { AppError } from '../errors';
import { publish } from '../live/bus';
import { findClusterRow } from '../services/clusters';
import { recordTrials } from '../services/jobs';
import { getJobRow } from '../services/jobs-read';
import { sweepState } from '../services/sweeps';
import { defineAction } from './registry';

// A sweep's controller (server/runtime/sweeps.ts) starts trials through this action, so that each one is
// recorded, audited (actor: system) and created after commit like any job. It decides again under a lock on
// the sweep's row, so two consoles (or a console and its restarted self) never start the same trial twice —
// the unique (parent, index) index would refuse it anyway.

defineAction({
  name: 'sweeps.startTrials',
  clusterEffects: true,
  permission: 'jobs.submit',
  description: 'Start the next trials of a sweep, up to max_concurrent_trials active and max_total_trials in all (its controller does this)',
  input: z.strictObject({ workspace: workspaceName, name: z.string().min(1).max(255) }),
  example: { workspace: 'vision', name: 'rbac-example-sweep' },
  async run({ tx, effects }, input) {
    const { row } = await getJobRow(tx, input.workspace, input.name);
    if (row.type !== 'sweep') throw new AppError('bad_request', `name: job ${input.name} is not a sweep`, { fieldErrors: [{ path: 'name', message: 'not a sweep' }] });
    await tx.execute(sql`SELECT 1 FROM jobs WHERE id = ${row.id} FOR UPDATE`);
    const [sweep] = await tx.select().from(jobs).where(eq(jobs.id, row.id)).limit(1);
    if (['Completed', 'Failed', 'Canceled'].includes(sweep.status)) throw new AppError('conflict', `sweep ${sweep.name} already ended (${sweep.status})`);
    const { decision } = await sweepState(tx, sweep);
    const cluster = await findClusterRow(tx, sweep.clusterName);
    if (!cluster) throw new AppError('conflict', `cluster ${sweep.clusterName} is no longer registered; sweep ${sweep.name} cannot start more trials`);
    const created = decision.create.length ? await recordTrials(tx, sweep, decision.create, cluster) : [];
    for (const c of created) effects.kube(cluster, { type: 'job', id: c.row.id }, c.steps, { ownByJobs: true });
    effects.afterCommit(() => publish(`jobs:${input.workspace}`, sweep.name));
    const trials = created.map((c) => ({ name: c.row.name, index: c.row.trialIndex, parameters: c.row.parameters }));
    return {
      result: { name: sweep.name, trials },
      audit: { targetType: 'job', targetName: sweep.name, workspace: input.workspace, after: { trialsStarted: trials } },
    };
  },
});

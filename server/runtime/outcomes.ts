import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { jobs } from '../db/schema';
import { writeAuditAlone } from '../audit/audit';
import { publish } from '../live/bus';
import { recordJobStatus } from './job-status';
import type { IntentRow } from './intents';

// What an intent's outcome means for the record that owns it (imported by the intent runner directly).
//   job, jobs.submit   done → Queued (the Job exists); still waiting → NotStarted, "waiting for cluster x: …";
//                      refused → Failed with the API server's message
//   job, jobs.cancel   the record is already Canceled; the message says whether deleting finished
//   anything          a refusal is audited (the action itself was audited as committed) and the cluster's
//                      streams hear about it
// Refusals are audited as failed attempts of the action, by the request that caused them.

/** Whether an intent is no longer needed when its turn comes (its owner changed meanwhile). */
export async function shouldSkipIntent(db: Db, row: IntentRow): Promise<boolean> {
  if (row.ownerType === 'job' && row.action === 'jobs.submit') {
    const [j] = await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, row.ownerId)).limit(1);
    return !j || j.status === 'Canceled';
  }
  return false;
}

export async function onIntentOutcome(db: Db, row: IntentRow): Promise<void> {
  if (row.status === 'failed') {
    await writeAuditAlone(db, {
      requestId: row.requestId,
      actor: null,
      action: row.action,
      targetType: row.ownerType,
      targetName: row.ownerType === 'job' ? await jobName(db, row.ownerId) : row.ownerId,
      outcome: 'failed',
      message: `cluster ${row.clusterName} refused the change after it was recorded: ${row.lastError ?? 'refused'}`,
    });
  }
  if (row.ownerType === 'job') await jobOutcome(db, row);
  publish('clusters', row.clusterName);
}

async function jobName(db: Db, id: string): Promise<string> {
  const [j] = await db.select({ name: jobs.name }).from(jobs).where(eq(jobs.id, id)).limit(1);
  return j?.name ?? id;
}

async function jobOutcome(db: Db, row: IntentRow) {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, row.ownerId)).limit(1);
  if (!job) return;
  if (row.action === 'jobs.submit') {
    if (row.status === 'done' && job.status === 'NotStarted') await recordJobStatus(db, job, { status: 'Queued', message: 'the Kubernetes Job was created; waiting for its pods' });
    else if (row.status === 'pending' && job.status === 'NotStarted') await recordJobStatus(db, job, { status: 'NotStarted', message: row.lastError });
    else if (row.status === 'failed') await recordJobStatus(db, job, { status: 'Failed', message: `the API server refused the job: ${row.lastError ?? 'refused'}` });
    return;
  }
  if (row.action === 'jobs.cancel') {
    const message =
      row.status === 'done'
        ? 'canceled by a user; its pods were deleted'
        : row.status === 'pending'
          ? `canceled by a user; deleting its pods is ${row.lastError ?? 'waiting for the cluster'}`
          : row.status === 'failed'
            ? `canceled by a user; deleting its Kubernetes objects failed: ${row.lastError ?? 'refused'}`
            : 'canceled by a user';
    await recordJobStatus(db, job, { status: 'Canceled', message }, { force: true });
  }
}

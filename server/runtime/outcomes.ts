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

/** Actions whose intents create a job's Kubernetes Job (a submit, or a sweep's controller starting trials). */
const CREATES_JOB = new Set(['jobs.submit', 'jobs.rerun', 'sweeps.startTrials']);

/** Whether an intent is no longer needed when its turn comes (its owner changed meanwhile). */
export async function shouldSkipIntent(db: Db, row: IntentRow): Promise<boolean> {
  if (row.ownerType === 'job' && CREATES_JOB.has(row.action)) {
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
  if (CREATES_JOB.has(row.action) && row.kind === 'azure.arm') {
    // azureml backend: the job was sent to Azure ML; its status comes from ARM (server/runtime/azureml-status.ts).
    if (row.status === 'done' && job.status === 'NotStarted') await recordJobStatus(db, job, { status: 'NotStarted', message: 'submitted to Azure ML; waiting for its status' });
    else if (row.status === 'pending' && job.status === 'NotStarted') await recordJobStatus(db, job, { status: 'NotStarted', message: `waiting for Azure ML: ${row.lastError ?? 'not submitted yet'}` });
    else if (row.status === 'failed') await recordJobStatus(db, job, { status: 'Failed', message: `Azure ML refused the job: ${row.lastError ?? 'refused'}` });
    return;
  }
  if (row.action === 'jobs.cancel' && row.kind === 'azure.arm') {
    const why = (job.statusMessage ?? 'canceled').replace(/; deleting its pods.*$|; canceling it in Azure ML.*$|; Azure ML canceled it$/, '');
    const message = row.status === 'done' ? `${why}; Azure ML canceled it` : row.status === 'failed' ? `${why}; canceling it in Azure ML failed: ${row.lastError ?? 'refused'}` : `${why}; canceling it in Azure ML (${row.lastError ?? 'pending'})`;
    await recordJobStatus(db, job, { status: 'Canceled', message }, { force: true });
    return;
  }
  if (CREATES_JOB.has(row.action)) {
    if (row.status === 'done' && job.status === 'NotStarted') await recordJobStatus(db, job, { status: 'Queued', message: 'the Kubernetes Job was created; waiting for its pods' });
    else if (row.status === 'pending' && job.status === 'NotStarted') await recordJobStatus(db, job, { status: 'NotStarted', message: row.lastError });
    else if (row.status === 'failed') await recordJobStatus(db, job, { status: 'Failed', message: `the API server refused the job: ${row.lastError ?? 'refused'}` });
    return;
  }
  if (row.action === 'jobs.cancel') {
    // Who canceled it and why stays (a user, its sweep, an early-termination policy); how deleting went follows.
    const why = (job.statusMessage ?? 'canceled').replace(/; deleting its pods.*$|; its pods were deleted$|; deleting its Kubernetes objects failed.*$/, '');
    const message =
      row.status === 'done'
        ? `${why}; its pods were deleted`
        : row.status === 'pending'
          ? `${why}; deleting its pods is ${row.lastError ?? 'waiting for the cluster'}`
          : row.status === 'failed'
            ? `${why}; deleting its Kubernetes objects failed: ${row.lastError ?? 'refused'}`
            : why;
    await recordJobStatus(db, job, { status: 'Canceled', message }, { force: true });
  }
}

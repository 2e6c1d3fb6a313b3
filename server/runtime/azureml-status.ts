import 'server-only';
import { isRestError } from '@azure/core-rest-pipeline';
import { and, eq, inArray, isNotNull, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../db';
import { azureConnections, jobs } from '../db/schema';
import { logger } from '../logger';
import type { AzureSession } from '../azure/discovery';
import { parseComputeId, sessionFor } from '../azure/effects-compute';
import { armResult } from '../azure/errors';
import { armRetryOptions } from '../azure/clients';
import { azureJobTarget } from '../services/compute-targets-azure';
import { findClusterRow, liveCache } from '../services/clusters';
import { listAll } from '../kube/apply';
import { leanJob, leanPod } from '../kube/cache';
import { deriveJobState } from '@/lib/jobs/status';
import { publishJobChange, recordJobStatus, toPodState, type JobRow } from './job-status';

// Status of the azureml backend's jobs from ARM (run by the leader only, started by server/runtime/start.ts): each
// active job that reached Azure ML is read with `jobs.get` when its next poll is due, and Azure ML's status is
// recorded exactly as the informers record a Kubernetes job's (recordJobStatus: transition, times, the workspace's
// live streams). A failed read never stops the loop or hangs a page: ARM's sentence goes on the job (azure_error),
// the job's next poll backs off (2 s · 2^failures, at most a minute) and honours ARM's Retry-After when throttled.

const ACTIVE = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing'];
const POLL_MS = 2_000;
const MAX_BACKOFF_MS = 60_000;
/** How many due jobs one pass reads (the rest are due on the next pass). */
const BATCH = 50;

/** Azure ML's job status → Harbormaster's (the same vocabulary; its extra states folded in). undefined: keep the current one. */
export function mapAzureMlStatus(s: string | undefined): string | undefined {
  switch (s) {
    case 'NotStarted':
    case 'Queued':
    case 'Preparing':
    case 'Running':
    case 'Finalizing':
    case 'Completed':
    case 'Failed':
    case 'Canceled':
      return s;
    case 'Starting':
    case 'Provisioning':
      return 'Preparing';
    default:
      // CancelRequested, NotResponding, Paused, Unknown: the status stays, the message says what Azure ML said.
      return undefined;
  }
}

const STARTED = new Set(['Running', 'Finalizing', 'Completed', 'Failed']);

/**
 * ARM sessions of the poller, by connection id, kept across passes: the credential caches its token, so a pass is
 * not a token request per connection. A session is made again when the connection changed (its updatedAt: a new
 * secret or CA) or the retry settings did, and dropped at once when ARM refuses its token.
 */
export type SessionCache = Map<string, { az: AzureSession; key: string }>;

async function sessionOf(db: Db, sessions: SessionCache, connectionId: string): Promise<AzureSession> {
  const [c] = await db.select({ updatedAt: azureConnections.updatedAt }).from(azureConnections).where(eq(azureConnections.id, connectionId)).limit(1);
  const key = `${c?.updatedAt.toISOString()} ${JSON.stringify(armRetryOptions())}`;
  const hit = sessions.get(connectionId);
  if (hit && hit.key === key) return hit.az;
  const az = await sessionFor(db, connectionId);
  sessions.set(connectionId, { az, key });
  return az;
}

async function pollOne(db: Db, row: JobRow, sessions: SessionCache): Promise<boolean> {
  let az: AzureSession | undefined;
  let connectionId: string | undefined;
  const now = Date.now();
  try {
    const target = await azureJobTarget(db, row.workspaceId, row.computeTargetId);
    connectionId = target.connectionId;
    az = await sessionOf(db, sessions, connectionId);
    const { subscriptionId, resourceGroup, workspace } = parseComputeId(target.computeId);
    const j = await az.clients.ml(subscriptionId).jobs.get(resourceGroup, workspace, row.azureJobName!);
    const azStatus = j.properties.status ?? 'Unknown';
    await db.update(jobs).set({ azureStatus: azStatus, azureNextPollAt: new Date(now + POLL_MS), azurePollFailures: 0, azureError: null }).where(eq(jobs.id, row.id));
    const mapped = mapAzureMlStatus(azStatus);
    const objectName = !row.objectName && j.id && mapped && mapped !== 'NotStarted' ? await findKubernetesJob(db, row, j.id) : row.objectName;
    if (!mapped) return !!(await recordJobStatus(db, row, { status: row.status, message: `Azure ML: ${azStatus}` }));
    const message = mapped === 'Failed' ? await failureMessage(db, row, objectName, j.properties.services?.Studio?.endpoint) : `Azure ML: ${azStatus}`;
    return !!(await recordJobStatus(db, row, { status: mapped, message, ...(STARTED.has(mapped) ? { startedAt: new Date() } : {}) }));
  } catch (e) {
    if (connectionId && isRestError(e) && (e.statusCode === 401 || e.statusCode === 403)) sessions.delete(connectionId);
    const r = armResult(e, az, `read job ${row.azureJobName} in Azure ML`);
    const message = r.ok ? '' : r.message;
    const failures = row.azurePollFailures + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** Math.min(5, failures));
    const retryAfter = !r.ok && r.retryAfterMs !== undefined ? r.retryAfterMs : 0;
    await db
      .update(jobs)
      .set({ azureError: message, azurePollFailures: failures, azureNextPollAt: new Date(now + Math.max(retryAfter, backoff)) })
      .where(eq(jobs.id, row.id));
    if (isRestError(e) && e.statusCode === 404) {
      return !!(await recordJobStatus(db, row, { status: 'Failed', message: `Azure ML no longer has job ${row.azureJobName}: ${message}` }));
    }
    await publishJobChange(db, row);
    return false;
  }
}

/**
 * The Kubernetes Job Azure ML made for the job on the registered cluster (its `ml.azure.com/job-id` annotation is the
 * ARM id), recorded as the job's object name so that the job page's pods, events and logs come from the cluster.
 */
async function findKubernetesJob(db: Db, row: JobRow, armId: string): Promise<string | null> {
  try {
    const cluster = await findClusterRow(db, row.clusterName);
    if (!cluster) return null;
    const list = await listAll<{ metadata?: { name?: string; annotations?: Record<string, string> } }>(liveCache(cluster).client, `/apis/batch/v1/namespaces/${row.namespace}/jobs`, { labelSelector: `ml.azure.com/compute=${row.computeName}` });
    const name = list.find((k) => k.metadata?.annotations?.['ml.azure.com/job-id']?.toLowerCase() === armId.toLowerCase())?.metadata?.name;
    if (name) await db.update(jobs).set({ objectName: name }).where(eq(jobs.id, row.id));
    return name ?? null;
  } catch (e) {
    logger.debug({ err: { message: (e as Error).message }, job: row.name }, 'azureml job: its Kubernetes Job could not be looked up');
    return null;
  }
}

/**
 * A failed job's message from what the real contract has: Azure ML's `jobs.get` carries no error detail, only the
 * status and its services (Studio: the run's page in Azure ML studio, where Azure ML shows why). The reason comes
 * from the registered cluster: the Kubernetes Job Azure ML made and its pods (read once, as the job ends), in the
 * words the Kubernetes backend uses (deriveJobState: the pod's reason, then the Job's).
 */
async function failureMessage(db: Db, row: JobRow, objectName: string | null, studio: string | undefined): Promise<string> {
  const reason = objectName ? await kubernetesFailure(db, row, objectName) : undefined;
  return `Azure ML: Failed${reason ? ` — ${reason}` : ''}${studio ? `. Details in Azure ML studio: ${studio}` : ''}`;
}

async function kubernetesFailure(db: Db, row: JobRow, objectName: string): Promise<string | undefined> {
  try {
    const cluster = await findClusterRow(db, row.clusterName);
    if (!cluster) return undefined;
    const { client } = liveCache(cluster);
    const base = `/namespaces/${row.namespace}`;
    const [job, pods] = await Promise.all([
      client.get<Record<string, unknown>>(`/apis/batch/v1${base}/jobs/${objectName}`, { what: `read Job ${objectName}` }),
      listAll<Record<string, unknown>>(client, `/api/v1${base}/pods`, { labelSelector: `batch.kubernetes.io/job-name=${objectName}` }),
    ]);
    const d = deriveJobState(leanJob(job), pods.map((p) => toPodState(leanPod(p))));
    return d.status === 'Failed' ? (d.message ?? undefined) : undefined;
  } catch (e) {
    logger.debug({ err: { message: (e as Error).message }, job: row.name }, 'azureml job: the reason of its failure could not be read from the cluster');
    return undefined;
  }
}

/** One pass: reads every due azureml job from ARM and records what changed. Answers how many changed. */
export async function pollAzureMlJobs(db: Db, sessions: SessionCache = new Map()): Promise<number> {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.backend, 'azureml'), inArray(jobs.status, ACTIVE), isNotNull(jobs.azureJobName), or(isNull(jobs.azureNextPollAt), lte(jobs.azureNextPollAt, new Date()))))
    .orderBy(jobs.azureNextPollAt)
    .limit(BATCH);
  let changed = 0;
  for (const r of rows) if (await pollOne(db, r, sessions)) changed++;
  return changed;
}

/** The poller (leader only): a pass every tickMs (default 1 s); each job has its own due time. */
export function startAzureMlStatusPoller(db: Db, opts: { tickMs?: number } = {}): () => void {
  let busy = false;
  const sessions: SessionCache = new Map();
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await pollAzureMlJobs(db, sessions);
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message } }, 'azureml status pass failed');
    } finally {
      busy = false;
    }
  };
  const t = setInterval(() => void tick(), opts.tickMs ?? 1_000);
  t.unref?.();
  void tick();
  return () => clearInterval(t);
}

import 'server-only';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { and, asc, eq, inArray, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db';
import { clusters, intents } from '../db/schema';
import { decryptSecret, encryptSecret } from '../secrets';
import { pruneIdempotencyKeys } from '../http/idempotency';
import { pruneCodeBlobs } from '../services/code-assets';
import { logger } from '../logger';
import { env } from '../env';
import { applyPlan, type KubeObject, type PlanResult, type PlanStep, type StepVerdict } from '../kube/plan';
import { liveCache, type ClusterRow } from '../services/clusters';
import { onIntentOutcome, shouldSkipIntent } from './outcomes';
import { syncRouter } from '../services/router-sync';
import { runAzureOperation, type AzureOperationName } from '../azure/effects';

// Effects after commit (DESIGN §3). An action never calls a cluster inside its transaction: it validates
// (the API server's server-side dry run included), then commits its DB change, its audit event and its
// cluster effects as intents (this outbox) in one transaction. After commit the request carries out its
// own intents at once and waits for them (bounded), so an API answer keeps its meaning (201 for a job means
// its Job exists). An intent the cluster could not take (unreachable) is retried with backoff by the loop
// below, in any console process (a claim with a lease keeps two processes from running the same intent);
// one the API server refused fails with the server's message. A console that died between commit and
// apply leaves the intent pending: the next process to start finishes it (SSA with deterministic names
// makes a second apply harmless, so exactly one Job results).

export type IntentKind = 'kube.plan' | 'extension.operation' | 'router.sync' | 'azure.arm';

export interface IntentOwner {
  /** job | compute | instancetype | extension … — who shows the outcome (server/runtime/outcomes.ts). */
  type: string;
  id: string;
}

export interface KubePlanPayload {
  steps: PlanStep[];
  /** Dependents of a Job (its Secrets, headless Service) get an ownerReference to it once it exists. */
  ownByJobs?: boolean;
}

export interface ExtensionOperationPayload {
  operationId: string;
}

/** router.sync: re-render the cluster's inference router from the DB when carried out (server/services/router-sync.ts). */
export type RouterSyncPayload = Record<string, never>;

/** azure.arm: one named change through Azure Resource Manager (server/azure/effects.ts). */
export interface AzureArmPayload {
  operation: AzureOperationName;
  args: Record<string, unknown>;
}

export interface IntentRequest {
  kind: IntentKind;
  cluster: Pick<ClusterRow, 'id' | 'name'>;
  owner: IntentOwner;
  payload: KubePlanPayload | ExtensionOperationPayload | RouterSyncPayload | AzureArmPayload;
  /** The request waits for this intent (default true); long operations (extension installs) do not. */
  wait?: boolean;
}

export type IntentRow = typeof intents.$inferSelect;

export interface IntentOutcome {
  id: string;
  status: IntentRow['status'];
  /** Still pending when the wait ended: why (waiting for the cluster, …). */
  message: string | null;
  verdicts: StepVerdict[];
  owner: IntentOwner;
}

const purpose = (id: string) => `intent:${id}`;
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;
const STEP_TIMEOUT_MS = 8_000;
/** How long a request waits for its own intents (DESIGN §7: a job's Job exists when submit answers 201). */
const requestWaitMs = () => env().HARBORMASTER_REQUEST_WAIT_MS;

// One process-wide state: its identity for claims, the loop, and who waits for which intent.
interface RuntimeState {
  processId: string;
  events: EventEmitter;
  loop?: NodeJS.Timeout;
  loopDb?: Db;
  running: Set<string>;
  wake?: () => void;
}
const g = globalThis as unknown as { __hmIntents?: RuntimeState };
function rt(): RuntimeState {
  if (!g.__hmIntents) {
    const events = new EventEmitter();
    events.setMaxListeners(0);
    g.__hmIntents = { processId: `${process.pid}-${randomUUID().slice(0, 8)}`, events, running: new Set() };
  }
  return g.__hmIntents;
}

/** Records intents inside the action's transaction. Returns their ids (in order). */
export async function enqueueIntents(tx: DbOrTx, reqs: IntentRequest[], meta: { action: string; requestId: string }): Promise<string[]> {
  const ids: string[] = [];
  for (const r of reqs) {
    const id = randomUUID();
    await tx.insert(intents).values({
      id,
      kind: r.kind,
      clusterId: r.cluster.id,
      clusterName: r.cluster.name,
      ownerType: r.owner.type,
      ownerId: r.owner.id,
      action: meta.action,
      requestId: meta.requestId,
      payloadEnc: encryptSecret(JSON.stringify(r.payload), purpose(id)),
    });
    ids.push(id);
  }
  return ids;
}

/** Marks pending intents of an owner canceled (e.g. a job canceled before its Job could be created). */
export async function cancelPendingIntents(tx: DbOrTx, owner: IntentOwner, action?: string): Promise<number> {
  const rows = await tx
    .update(intents)
    .set({ status: 'canceled', finishedAt: new Date(), lastError: 'canceled before it could be carried out' })
    .where(and(eq(intents.ownerType, owner.type), eq(intents.ownerId, owner.id), eq(intents.status, 'pending'), action ? eq(intents.action, action) : undefined))
    .returning({ id: intents.id });
  return rows.length;
}

async function claim(db: Db, id: string): Promise<IntentRow | undefined> {
  const s = rt();
  const [row] = await db
    .update(intents)
    .set({ claimedBy: s.processId, claimedUntil: new Date(Date.now() + LEASE_MS), attempts: sql`${intents.attempts} + 1` })
    .where(and(eq(intents.id, id), eq(intents.status, 'pending'), or(isNull(intents.claimedUntil), lt(intents.claimedUntil, new Date()), eq(intents.claimedBy, s.processId))))
    .returning();
  return row;
}

const outcomeOf = (r: IntentRow): IntentOutcome => ({
  id: r.id,
  status: r.status,
  message: r.lastError,
  verdicts: r.verdicts as StepVerdict[],
  owner: { type: r.ownerType, id: r.ownerId },
});

/** Carries out one claimed intent and records the outcome. */
async function execute(db: Db, row: IntentRow, onStarted?: () => void): Promise<IntentRow> {
  const payload = JSON.parse(decryptSecret(row.payloadEnc, purpose(row.id))) as KubePlanPayload & ExtensionOperationPayload & AzureArmPayload;
  const finish = async (patch: Partial<typeof intents.$inferInsert>) => {
    const [u] = await db
      .update(intents)
      .set({ claimedBy: null, claimedUntil: null, ...patch })
      .where(eq(intents.id, row.id))
      .returning();
    return u;
  };
  if (await shouldSkipIntent(db, row)) {
    return finish({ status: 'canceled', finishedAt: new Date(), lastError: 'no longer needed (its record changed before it ran)' });
  }
  const [cluster] = row.clusterId ? await db.select().from(clusters).where(eq(clusters.id, row.clusterId)).limit(1) : [];
  if (!cluster) return finish({ status: 'failed', finishedAt: new Date(), lastError: `cluster ${row.clusterName} is no longer registered` });

  if (row.kind === 'extension.operation') {
    // The installer records its own steps and outcome on the extension row; the intent makes it durable.
    const { scheduleExtensionOperation } = await import('../services/extension-installer');
    const run = scheduleExtensionOperation(db, cluster.id, payload.operationId);
    onStarted?.();
    await run;
    return finish({ status: 'done', finishedAt: new Date(), lastError: null });
  }

  if (row.kind === 'azure.arm') {
    onStarted?.();
    const r = await runAzureOperation(db, cluster, payload.operation, payload.args, { intentId: row.id, attempt: row.attempts });
    if (r.ok) return finish({ status: 'done', finishedAt: new Date(), lastError: null });
    if (r.retryAfterMs !== undefined) {
      // Unreachable or throttled: again later (ARM's Retry-After when it gave one, else the usual backoff).
      const delay = Math.max(r.retryAfterMs, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(10, Math.max(0, row.attempts - 1))));
      return finish({ lastError: r.message, nextAttemptAt: new Date(Date.now() + delay) });
    }
    return finish({ status: 'failed', finishedAt: new Date(), lastError: r.message });
  }

  if (row.kind === 'router.sync') {
    // The router is rendered from the cluster as the changes before it left it (a new deployment's Service
    // address): while one of them is still pending here — the loop may pick this one up while the request is
    // still applying the deployment — it waits its turn.
    const [earlier] = await db
      .select({ id: intents.id })
      .from(intents)
      .where(and(eq(intents.clusterId, cluster.id), eq(intents.status, 'pending'), lt(intents.seq, row.seq), ne(intents.kind, 'router.sync')))
      .limit(1);
    if (earlier) return finish({ lastError: `waiting for the changes before it on cluster ${cluster.name}`, nextAttemptAt: new Date(Date.now() + 250) });
  }
  let result: PlanResult;
  try {
    if (row.kind === 'router.sync') result = await syncRouter(db, cluster);
    else {
      const client = liveCache(cluster).client;
      result = await applyPlan(client, payload.steps, {
        timeoutMs: STEP_TIMEOUT_MS,
        beforeApply: payload.ownByJobs ? ownByJob : undefined,
      });
    }
  } catch (e) {
    result = { ok: false, unreachable: true, verdicts: [], message: (e as Error).message };
  }
  if (result.ok) return finish({ status: 'done', finishedAt: new Date(), lastError: null, verdicts: result.verdicts });
  if (result.unreachable) {
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(10, Math.max(0, row.attempts - 1)));
    return finish({ lastError: `waiting for cluster ${cluster.name}: ${result.message ?? 'unreachable'}`, verdicts: result.verdicts, nextAttemptAt: new Date(Date.now() + delay) });
  }
  return finish({ status: 'failed', finishedAt: new Date(), lastError: result.message ?? 'the API server refused it', verdicts: result.verdicts });
}

/** A Job's dependents (labelled with its harbormaster.io/job) are owned by it, so deleting the Job removes them. */
function ownByJob(obj: KubeObject, applied: Map<string, { kind: string; name: string; uid: string; apiVersion: string }>) {
  if (obj.kind === 'Job') return obj;
  const jobKey = obj.metadata.labels?.['harbormaster.io/job'];
  if (!jobKey) return obj;
  const owner = [...applied.values()].find((a) => a.kind === 'Job' && a.name === jobKey);
  if (!owner) return obj;
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [{ apiVersion: owner.apiVersion, kind: 'Job', name: owner.name, uid: owner.uid, controller: false, blockOwnerDeletion: false }] } };
}

/** Claims and runs one intent now in this process (if nobody else holds it), then reports its outcome. */
async function runOne(db: Db, id: string, onStarted?: () => void): Promise<void> {
  const s = rt();
  if (s.running.has(id)) return;
  s.running.add(id);
  try {
    const row = await claim(db, id);
    if (!row) return;
    if (row.kind !== 'extension.operation') onStarted?.();
    let after: IntentRow;
    // Long operations (an extension install waits for rollouts) keep their claim alive.
    const lease = setInterval(() => {
      void db
        .update(intents)
        .set({ claimedUntil: new Date(Date.now() + LEASE_MS) })
        .where(and(eq(intents.id, id), eq(intents.claimedBy, s.processId)))
        .catch(() => undefined);
    }, LEASE_MS / 3);
    lease.unref?.();
    try {
      after = await execute(db, row, onStarted);
    } catch (e) {
      logger.error({ err: e, intent: id }, 'intent failed unexpectedly; retrying later');
      [after] = await db
        .update(intents)
        .set({ claimedBy: null, claimedUntil: null, lastError: `internal error: ${(e as Error).message}`, nextAttemptAt: new Date(Date.now() + 5000) })
        .where(eq(intents.id, id))
        .returning();
    } finally {
      clearInterval(lease);
    }
    try {
      await onIntentOutcome(db, after);
    } catch (e) {
      logger.error({ err: e, intent: id }, 'recording an intent outcome failed');
    }
    s.events.emit(id, after);
  } finally {
    s.running.delete(id);
  }
}

/**
 * After commit: carries out the given intents now (in order) and waits up to waitMs for each to finish.
 * Intents marked wait: false are started without waiting. Answers each one's outcome (pending = still
 * waiting for its cluster; the loop goes on retrying).
 */
export async function carryOut(db: Db, ids: string[], opts: { waitMs?: number; noWait?: Set<string> } = {}): Promise<IntentOutcome[]> {
  const s = rt();
  const deadline = Date.now() + (opts.waitMs ?? requestWaitMs());
  ensureLoop(db);
  const out: IntentOutcome[] = [];
  for (const id of ids) {
    if (opts.noWait?.has(id)) {
      // Started (the installer registered itself), not finished: the caller follows its progress.
      await new Promise<void>((resolve) => {
        runOne(db, id, resolve)
          .catch((e) => logger.error({ err: e, intent: id }, 'intent failed'))
          .finally(resolve);
      });
      continue;
    }
    const finished = new Promise<IntentRow | undefined>((resolve) => {
      const t = setTimeout(() => {
        s.events.off(id, on);
        resolve(undefined);
      }, Math.max(0, deadline - Date.now()));
      const on = (r: IntentRow) => {
        if (r.status === 'pending') return; // a retry is scheduled: keep waiting
        clearTimeout(t);
        s.events.off(id, on);
        resolve(r);
      };
      s.events.on(id, on);
    });
    await runOne(db, id);
    // Unreachable: the loop retries (backoff from 1 s); wake it so a retry inside the bound is not missed.
    s.wake?.();
    await finished;
    const [row] = await db.select().from(intents).where(eq(intents.id, id)).limit(1);
    if (row) out.push(outcomeOf(row));
  }
  return out;
}

/** Pending intents whose time has come and that nobody holds, oldest first. */
async function due(db: Db, limit = 20): Promise<string[]> {
  const now = new Date();
  const rows = await db
    .select({ id: intents.id })
    .from(intents)
    .where(and(eq(intents.status, 'pending'), lte(intents.nextAttemptAt, now), or(isNull(intents.claimedUntil), lt(intents.claimedUntil, now))))
    .orderBy(asc(intents.seq))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** One pass: runs every due intent (per cluster in order). */
export async function reconcileIntents(db: Db): Promise<number> {
  const ids = await due(db);
  for (const id of ids) await runOne(db, id);
  return ids.length;
}

/** Starts the background loop of this process (idempotent). Runs every second, or at once when woken. */
export function ensureLoop(db: Db): void {
  const s = rt();
  if (s.loop && s.loopDb === db) return;
  if (s.loop) clearInterval(s.loop); // another database (tests open one per file)
  s.loopDb = db;
  let busy = false;
  let lastPrune = 0;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await reconcileIntents(db);
      if (Date.now() - lastPrune > 3600_000) {
        lastPrune = Date.now();
        await pruneIntents(db);
        await pruneIdempotencyKeys(db);
        // Code blobs no job or model version has referenced for 7 days (server/services/code-assets.ts).
        const blobs = await pruneCodeBlobs(db);
        if (blobs.length) logger.info({ blobs: blobs.length }, 'deleted unreferenced code blobs');
      }
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message } }, 'intent loop pass failed');
    } finally {
      busy = false;
    }
  };
  s.loop = setInterval(() => void tick(), 1000);
  s.loop.unref?.();
  s.wake = () => void tick();
  void tick();
}

export function stopLoop(): void {
  const s = rt();
  if (s.loop) clearInterval(s.loop);
  s.loop = undefined;
  s.loopDb = undefined;
  s.wake = undefined;
}

/** How long finished intents (done, failed, canceled) are kept: the audit log is the lasting record. */
export const INTENT_RETENTION_MS = 7 * 24 * 3600_000;

/** Deletes finished intents older than the retention; pending ones are never touched. */
export async function pruneIntents(db: Db, now = Date.now()): Promise<number> {
  const rows = await db
    .delete(intents)
    .where(and(inArray(intents.status, ['done', 'failed', 'canceled']), lt(intents.finishedAt, new Date(now - INTENT_RETENTION_MS))))
    .returning({ id: intents.id });
  return rows.length;
}

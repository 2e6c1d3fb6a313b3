import 'server-only';
import { routerEndpoints } from './router-sync';
import { and, eq } from 'drizzle-orm';
import type { ExtensionSettings } from '@/lib/domain';
import type { Db } from '../db';
import { clusterExtensions, clusters } from '../db/schema';
import { logger } from '../logger';
import { publish } from '../live/bus';
import type { KubeClient } from '../kube/client';
import { getObject } from '../kube/apply';
import { applyPlan, deleteSteps, planError, refOf, type ObjectRef, type PlanStep, type StepVerdict } from '../kube/plan';
import { isKubeError } from '../kube/errors';
import { podProblem } from '../kube/cache';
import { extensionComponents, EXTENSION_NAMESPACE, type ExtensionBundle } from '../kube/manifests/extension';
import { INSTANCE_TYPE_CRD_NAME } from '../kube/manifests/instance-type-crd';
import { clusterClient, liveCache, type ClusterRow, type ExtensionRow } from './clusters';
import {
  buildBundle,
  detectLive,
  EXTENSION_VERSION,
  extensionWorkers,
  knownOperations,
  objectKey,
  objectsToPrune,
  planSteps,
  readSslSecret,
  storedTls,
  TERMINATING_MESSAGE,
  usesTls,
  type ExtensionStep,
} from './extension';

// Runs an install/upgrade recorded by recordInstall (planned by planInstall before the transaction), after the request's transaction committed: the bundle
// through the plan layer (applyPlan, server-side apply) one object per step, then the waits and the prune,
// saving each step's progress so people watch it live.
// Every step is idempotent, so an interrupted install completes when run again, and re-running a finished
// install changes nothing (server-side apply of identical content does not move resourceVersion).

export interface InstallerOptions {
  /** How long a component may take to become ready (image pulls on real clusters take minutes). */
  rolloutTimeoutMs?: number;
  pollMs?: number;
  /** Test hook: stop (as if the server died) after this many apply steps, leaving the install half done. */
  interruptAfterApplies?: number;
}

/** Defaults for installs started by the action (tests shorten them). */
export const installerDefaults = { rolloutTimeoutMs: 10 * 60_000, pollMs: 1000 };

class Interrupted extends Error {}
class Superseded extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the installer in the background for a recorded operation. */
export function scheduleExtensionOperation(db: Db, clusterId: string, operationId: string, opts: InstallerOptions = {}): Promise<void> {
  knownOperations.add(operationId);
  const p = runExtensionOperation(db, clusterId, operationId, opts)
    .catch((err) => logger.error({ err, clusterId, operationId }, 'extension installer crashed'))
    .finally(() => {
      if (extensionWorkers.get(clusterId) === p) extensionWorkers.delete(clusterId);
    });
  extensionWorkers.set(clusterId, p);
  return p;
}

/** Waits until the operation's row is visible (the recording transaction committed) or gives up (rolled back). */
async function awaitCommitted(db: Db, clusterId: string, operationId: string): Promise<ExtensionRow | undefined> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [ext] = await db
      .select()
      .from(clusterExtensions)
      .where(and(eq(clusterExtensions.clusterId, clusterId), eq(clusterExtensions.operationId, operationId)))
      .limit(1);
    if (ext) return ext;
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}

export async function runExtensionOperation(db: Db, clusterId: string, operationId: string, opts: InstallerOptions = {}): Promise<void> {
  const ext = await awaitCommitted(db, clusterId, operationId);
  if (!ext || ext.status !== 'installing') return;
  const [row] = await db.select().from(clusters).where(eq(clusters.id, clusterId)).limit(1);
  if (!row) return;
  const steps = (ext.steps as ExtensionStep[]).map((s) => ({ ...s, status: s.status === 'done' ? 'done' : 'pending', detail: s.status === 'done' ? s.detail : undefined }) as ExtensionStep);
  const rolloutTimeoutMs = opts.rolloutTimeoutMs ?? installerDefaults.rolloutTimeoutMs;
  const pollMs = opts.pollMs ?? installerDefaults.pollMs;
  let saving = Promise.resolve();

  const save = async (patch: Partial<typeof clusterExtensions.$inferInsert> = {}) => {
    const now = new Date();
    const r = await db
      .update(clusterExtensions)
      .set({ steps: steps.map((s) => ({ ...s })), heartbeatAt: now, updatedAt: now, ...patch })
      .where(and(eq(clusterExtensions.clusterId, clusterId), eq(clusterExtensions.operationId, operationId)))
      .returning({ id: clusterExtensions.clusterId });
    if (r.length === 0) throw new Superseded('a newer operation replaced this one');
    // Live pages: the install panel and the clusters list re-read the extension.
    publish(`extension:${row.name}`, row.name);
    publish('clusters', row.name);
  };
  const queueSave = () => (saving = saving.then(() => save()).catch(() => undefined));
  const step = (key: string) => steps.find((s) => s.key === key);
  const begin = async (key: string, detail?: string) => {
    const s = step(key);
    if (!s) return;
    s.status = 'running';
    s.startedAt = new Date().toISOString();
    s.detail = detail;
    await save();
  };
  const finish = async (key: string, status: 'done' | 'skipped', detail?: string) => {
    const s = step(key);
    if (!s) return;
    s.status = status;
    s.finishedAt = new Date().toISOString();
    if (detail !== undefined) s.detail = detail;
    await save();
  };

  let client: KubeClient | undefined;
  let current: string | undefined;
  try {
    client = clusterClient(row as ClusterRow);
    const settings = ext.settings as ExtensionSettings;

    current = 'preflight';
    await begin('preflight');
    const detection = await detectLive(client);
    if (detection.flavor === 'azureml') throw new Error(`${detection.detail}: Harbormaster never installs over it`);
    if (detection.namespaceTerminating) throw new Error(TERMINATING_MESSAGE);
    let sslKeys: { cert: string; key: string } | undefined;
    let tlsRevision: string | undefined;
    if (usesTls(settings) && settings.sslSecret) {
      const s = await readSslSecret(client, settings.sslSecret, settings.sslCname);
      if (!s.ok) throw new Error(`Secret ${EXTENSION_NAMESPACE}/${settings.sslSecret}: ${s.message}`);
      sslKeys = s.keys;
      tlsRevision = s.resourceVersion;
    }
    const bundle: ExtensionBundle = buildBundle({ settings, tls: storedTls(clusterId, ext), sslSecretKeys: sslKeys, tlsRevision, endpoints: await routerEndpoints(db, clusterId) });
    const prune = objectsToPrune((ext.applied as ObjectRef[]) ?? [], bundle);
    // The plan is recomputed from the same inputs; keep the recorded progress of steps that still exist.
    const fresh = planSteps(bundle, prune);
    for (const f of fresh) {
      const old = step(f.key);
      if (old?.status === 'done') Object.assign(f, { status: 'done', detail: old.detail, startedAt: old.startedAt, finishedAt: old.finishedAt });
    }
    steps.splice(0, steps.length, ...fresh);
    await finish('preflight', 'done', detection.flavor === 'harbormaster' ? `${detection.detail}: upgrading in place` : detection.detail);

    let applies = 0;
    for (const o of bundle.objects) {
      const ref = refOf(o);
      const key = `apply:${objectKey(ref)}`;
      current = key;
      await begin(key);
      const before = await getObject<{ metadata?: { resourceVersion?: string } }>(client, ref);
      const [applied] = await carryOut(client, [{ op: 'apply', object: o }]);
      const changed = before?.metadata?.resourceVersion !== applied.resourceVersion;
      await finish(key, 'done', !before ? 'created' : changed ? 'updated' : 'unchanged');
      applies++;
      if (opts.interruptAfterApplies !== undefined && applies >= opts.interruptAfterApplies) throw new Interrupted('interrupted by test hook');
    }

    current = 'crd-established';
    await begin('crd-established');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const crd = await getObject<{ status?: { conditions?: Array<{ type: string; status: string; message?: string }> } }>(client, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: INSTANCE_TYPE_CRD_NAME,
      });
      const est = crd?.status?.conditions?.find((c) => c.type === 'Established');
      if (est?.status === 'True') break;
      const names = crd?.status?.conditions?.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
      if (names) throw new Error(`CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME}: ${names.message}`);
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME} is not established after 60 s`);
      await sleep(Math.min(pollMs, 500));
    }
    await finish('crd-established', 'done', 'established');

    current = 'prune';
    await begin('prune');
    const removed = (await carryOut(client, deleteSteps(prune))).filter((v) => v.outcome === 'deleted').map((v) => v.object);
    await finish('prune', prune.length ? 'done' : 'skipped', prune.length ? `removed ${removed.length ? removed.join(', ') : 'nothing (already gone)'}` : 'nothing to remove');

    for (const c of extensionComponents(bundle)) {
      const key = `rollout:${c.kind}:${c.namespace}:${c.name}`;
      current = key;
      await begin(key);
      const detail = await waitForRollout(client, c, rolloutTimeoutMs, pollMs, (d) => {
        const s = step(key);
        if (s && s.detail !== d) {
          s.detail = d;
          queueSave();
        }
      });
      await saving;
      await finish(key, 'done', detail);
    }

    const now = new Date();
    await save({
      status: 'installed',
      version: EXTENSION_VERSION,
      applied: bundle.objects.map(refOf),
      message: null,
      finishedAt: now,
    });
    try {
      liveCache(row as ClusterRow).resync('deployments', 'daemonsets', 'instancetypes');
    } catch {
      /* the cache rebuilds on next read */
    }
  } catch (e) {
    if (e instanceof Superseded) return;
    if (e instanceof Interrupted) return;
    const s = current ? step(current) : undefined;
    const message = (e as Error).message;
    if (s) {
      s.status = 'failed';
      s.finishedAt = new Date().toISOString();
      s.detail = message;
    }
    await saving;
    await save({ status: 'failed', message: s ? `${s.title}: ${message}` : message, finishedAt: new Date() }).catch(() => undefined);
  } finally {
    client?.close();
  }
}

/** Carries out steps of the install; the first failure fails it with the API server's words (or why it could not be asked). */
async function carryOut(client: KubeClient, steps: PlanStep[]): Promise<StepVerdict[]> {
  const r = await applyPlan(client, steps);
  const failed = planError(r);
  if (failed) throw failed;
  return r.verdicts;
}

interface WorkloadStatus {
  metadata?: { generation?: number };
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    updatedNumberScheduled?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
}

/** Polls a Deployment/DaemonSet until its rollout is complete; on timeout, says which pod is stuck and why. */
async function waitForRollout(
  client: KubeClient,
  c: { kind: 'Deployment' | 'DaemonSet'; namespace: string; name: string },
  timeoutMs: number,
  pollMs: number,
  progress: (detail: string) => void,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastDetail = '';
  let selector: Record<string, string> = {};
  for (;;) {
    const w = await getObject<WorkloadStatus>(client, { apiVersion: 'apps/v1', kind: c.kind, name: c.name, namespace: c.namespace });
    if (!w) throw new Error(`${c.kind} ${c.namespace}/${c.name} disappeared`);
    selector = w.spec?.selector?.matchLabels ?? selector;
    const st = w.status ?? {};
    const observed = (st.observedGeneration ?? 0) >= (w.metadata?.generation ?? 0);
    let desired: number, ready: number, updated: number, total: number;
    if (c.kind === 'Deployment') {
      desired = w.spec?.replicas ?? 1;
      ready = st.readyReplicas ?? 0;
      updated = st.updatedReplicas ?? 0;
      total = st.replicas ?? 0;
    } else {
      desired = st.desiredNumberScheduled ?? 0;
      ready = st.numberReady ?? 0;
      updated = st.updatedNumberScheduled ?? 0;
      total = desired;
    }
    lastDetail = `${ready} of ${desired} ready${updated < desired ? `, ${updated} updated` : ''}`;
    progress(lastDetail);
    if (observed && ready >= desired && updated >= desired && total <= desired) {
      return c.kind === 'DaemonSet' && desired === 0 ? 'no eligible node (0 pods): nothing to wait for' : `${ready} of ${desired} ready`;
    }
    const stalled = st.conditions?.find((x) => x.type === 'Progressing' && x.status === 'False');
    if (Date.now() > deadline || stalled) {
      const why = await podDiagnosis(client, c.namespace, selector);
      throw new Error(`${c.kind} ${c.namespace}/${c.name} is not ready (${lastDetail})${stalled ? `: ${stalled.reason}: ${stalled.message}` : ` after ${Math.round(timeoutMs / 1000)} s`}${why ? `. ${why}` : ''}`);
    }
    await sleep(pollMs);
  }
}

/** "pod azureml-fe-…: ImagePullBackOff: Back-off pulling image …" for the first stuck pods of a selector. */
export async function podDiagnosis(client: KubeClient, namespace: string, selector: Record<string, string>): Promise<string> {
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  if (!labelSelector) return '';
  try {
    const list = await client.get<{ items?: Record<string, unknown>[] }>(`/api/v1/namespaces/${namespace}/pods`, { query: { labelSelector, limit: 50 }, what: 'list pods' });
    const problems = (list?.items ?? [])
      .map((p) => ({ name: String((p.metadata as { name?: string })?.name ?? ''), problem: podProblem(p) }))
      .filter((p) => p.problem)
      .slice(0, 3)
      .map((p) => `pod ${p.name}: ${p.problem!.reason}: ${p.problem!.message}`);
    return problems.join('; ');
  } catch (e) {
    return isKubeError(e) ? `(pods could not be read: ${e.message})` : '';
  }
}

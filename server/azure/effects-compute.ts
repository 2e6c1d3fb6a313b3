import 'server-only';
import { eq } from 'drizzle-orm';
import { isRestError } from '@azure/core-rest-pipeline';
import type { ComputeResource, JobBase } from '@azure/arm-machinelearning';
import type { Db } from '../db';
import { computeTargets, jobs, type AzureComputeState } from '../db/schema';
import { AppError } from '../errors';
import type { AzureOperation } from './effects';
import { openAzureById, type AzureSession } from './discovery';
import { armResult, armText, explainArm } from './errors';
import { lroStep } from './lro';
import type { StoredAzureState } from '../services/compute-targets-view';

// Kubernetes computes attached to an Azure ML workspace through ARM (attach / detach) and the azureml backend's
// jobs (submit / cancel), run after commit as `azure.arm` intents. The attach's long-running operation is followed
// as the extension's is (lroStep, ./lro.ts): started by the first attempt, the SDK poller's state kept on the target
// (azure_state.lroState, with the intent's id), resumed and polled once by each later attempt. Detach and cancel
// have no record to keep a poller's state on (the target is gone; the job's cancel is short): they follow their
// operation for ≤ 6 s and then, still running, answer "again in a moment" (detach reads the compute first: Deleting
// = still running). ARM throttling (429 + Retry-After) and outages answer retryAfterMs; everything else fails for
// good with ARM's error verbatim, plus Harbormaster's explanation where it has one.

/** How long one detach / cancel attempt follows its long-running operation before handing over to the next attempt. */
const LRO_BUDGET_MS = 6_000;
const LRO_POLL_MS = 1_000;
const STILL_RUNNING_MS = 2_000;

/** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}/computes/{name}` → parts. */
export function parseComputeId(id: string): { subscriptionId: string; resourceGroup: string; workspace: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.machinelearningservices\/workspaces\/([^/]+)\/computes\/([^/]+)$/i.exec(id);
  if (!m) throw new AppError('bad_request', `${id} is not the ARM id of an Azure ML compute`);
  return { subscriptionId: m[1], resourceGroup: m[2], workspace: m[3], name: m[4] };
}

/** The ARM session of a workspace link's connection (no signed-in user here: `user` connections cannot act in the background). */
export const sessionFor = (db: Db, connectionId: string): Promise<AzureSession> => openAzureById(db, connectionId, 'this workspace link');

const is404 = (e: unknown) => isRestError(e) && e.statusCode === 404;

/** Follows a poller for at most LRO_BUDGET_MS: the result, or undefined while it still runs. */
async function within<T>(poller: { pollUntilDone(): Promise<T>; stopPolling(): void }): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), LRO_BUDGET_MS)));
  try {
    const r = await Promise.race([poller.pollUntilDone().then((value) => ({ value })), timeout]);
    if (!r) poller.stopPolling();
    return r;
  } finally {
    clearTimeout(timer);
  }
}

async function recordComputeState(db: Db, targetId: string | undefined, state: Omit<StoredAzureState, 'at'>) {
  if (!targetId) return;
  await db
    .update(computeTargets)
    .set({ azureState: { ...state, at: new Date().toISOString() }, updatedAt: new Date() })
    .where(eq(computeTargets.id, targetId));
}

interface ComputeArgs {
  connectionId: string;
  computeId: string;
  targetId?: string;
  body?: ComputeResource;
}

/** provisioningErrors of a compute, verbatim. */
function provisioningErrorsOf(c: ComputeResource): string | undefined {
  const errs = (c.properties as { provisioningErrors?: Array<{ error?: { code?: string; message?: string } }> } | undefined)?.provisioningErrors;
  if (!errs?.length) return undefined;
  return errs.map((x) => `${x.error?.code ? `${x.error.code}: ` : ''}${x.error?.message ?? ''}`).join('; ');
}

const attach: AzureOperation = async (db, _cluster, raw, ctx) => {
  const args = raw as unknown as ComputeArgs;
  const { subscriptionId, resourceGroup, workspace, name } = parseComputeId(args.computeId);
  let az: AzureSession | undefined;
  const what = `attach compute ${name} to Azure ML workspace ${resourceGroup}/${workspace}`;
  // This intent's operation, when an earlier attempt started it (its poller's state is on the target).
  let running: { intentId: string; lroState: string } | undefined;
  try {
    const [t] = args.targetId ? await db.select({ azureState: computeTargets.azureState }).from(computeTargets).where(eq(computeTargets.id, args.targetId)).limit(1) : [];
    if (args.targetId && !t) return { ok: true }; // detached meanwhile: its detach intent takes it from here
    const stored = t?.azureState as StoredAzureState | null | undefined;
    if (stored?.intentId === ctx.intentId && stored.lroState) running = { intentId: ctx.intentId, lroState: stored.lroState };
    az = await sessionFor(db, args.connectionId);
    const ops = az.clients.ml(subscriptionId).computeOperations;
    const opts = { updateIntervalInMs: LRO_POLL_MS };
    const step = await lroStep(
      running?.lroState,
      () => ops.beginCreateOrUpdate(resourceGroup, workspace, name, args.body!, opts),
      (resumeFrom) => ops.beginCreateOrUpdate(resourceGroup, workspace, name, args.body!, { ...opts, resumeFrom }),
    );
    if (!step.done) {
      running = { intentId: ctx.intentId, lroState: step.lroState };
      await recordComputeState(db, args.targetId, { provisioningState: 'Creating', ...running });
      return { ok: false, message: `Azure ML is attaching compute ${name} (${step.status})`, retryAfterMs: STILL_RUNNING_MS };
    }
    const c = step.result as ComputeResource | undefined;
    const state = c?.properties?.provisioningState ?? 'Succeeded';
    if (state === 'Failed') {
      const error = (c && provisioningErrorsOf(c)) ?? 'the operation ended Failed';
      const explanation = explainArm(error);
      await recordComputeState(db, args.targetId, { provisioningState: state, error, ...(explanation ? { explanation } : {}) });
      return { ok: false, message: `Azure could not ${what}: ${error}${explanation ? ` — ${explanation}` : ''}` };
    }
    await recordComputeState(db, args.targetId, { provisioningState: state });
    return { ok: true };
  } catch (e) {
    const r = armResult(e, az, what);
    if (!('retryAfterMs' in r) || r.retryAfterMs === undefined) {
      const error = armText(e);
      const explanation = explainArm(error);
      await recordComputeState(db, args.targetId, { provisioningState: 'Failed', error, ...(explanation ? { explanation } : {}) });
    } else {
      // ARM unreachable or throttling: the operation (if started) is resumed by the next attempt.
      await recordComputeState(db, args.targetId, { provisioningState: running ? 'Creating' : 'Pending', error: r.message, ...running });
    }
    return r;
  }
};

const detach: AzureOperation = async (db, _cluster, raw) => {
  const args = raw as unknown as ComputeArgs;
  const { subscriptionId, resourceGroup, workspace, name } = parseComputeId(args.computeId);
  let az: AzureSession | undefined;
  const what = `detach compute ${name} from Azure ML workspace ${resourceGroup}/${workspace}`;
  try {
    az = await sessionFor(db, args.connectionId);
    const ml = az.clients.ml(subscriptionId);
    let state: string | undefined;
    try {
      state = (await ml.computeOperations.get(resourceGroup, workspace, name)).properties?.provisioningState;
    } catch (e) {
      if (is404(e)) return { ok: true }; // already gone
      throw e;
    }
    if (state === 'Deleting') return { ok: false, message: `Azure ML is detaching compute ${name}`, retryAfterMs: STILL_RUNNING_MS };
    const poller = await ml.computeOperations.beginDelete(resourceGroup, workspace, name, 'Detach', { updateIntervalInMs: LRO_POLL_MS });
    const done = await within(poller);
    if (!done) return { ok: false, message: `Azure ML is detaching compute ${name}`, retryAfterMs: STILL_RUNNING_MS };
    return { ok: true };
  } catch (e) {
    return armResult(e, az, what);
  }
};

interface JobArgs {
  connectionId: string;
  computeId: string;
  jobId: string;
  armJobName: string;
  body?: JobBase;
}

const submitJob: AzureOperation = async (db, _cluster, raw) => {
  const args = raw as unknown as JobArgs;
  const { subscriptionId, resourceGroup, workspace } = parseComputeId(args.computeId);
  let az: AzureSession | undefined;
  try {
    az = await sessionFor(db, args.connectionId);
    const created = await az.clients.ml(subscriptionId).jobs.createOrUpdate(resourceGroup, workspace, args.armJobName, args.body!);
    await db
      .update(jobs)
      .set({ azureJobName: args.armJobName, azureJobId: created.id ?? null, azureStatus: created.properties.status ?? null, azureNextPollAt: new Date(), azurePollFailures: 0, azureError: null })
      .where(eq(jobs.id, args.jobId));
    return { ok: true };
  } catch (e) {
    return armResult(e, az, `submit job ${args.armJobName} to Azure ML workspace ${resourceGroup}/${workspace}`);
  }
};

const cancelJob: AzureOperation = async (db, _cluster, raw) => {
  const args = raw as unknown as JobArgs;
  const { subscriptionId, resourceGroup, workspace } = parseComputeId(args.computeId);
  let az: AzureSession | undefined;
  try {
    az = await sessionFor(db, args.connectionId);
    const poller = await az.clients.ml(subscriptionId).jobs.beginCancel(resourceGroup, workspace, args.armJobName, { updateIntervalInMs: LRO_POLL_MS });
    const done = await within(poller);
    if (!done) return { ok: false, message: `Azure ML is canceling job ${args.armJobName}`, retryAfterMs: STILL_RUNNING_MS };
    return { ok: true };
  } catch (e) {
    if (is404(e)) return { ok: true }; // never created there, or gone
    return armResult(e, az, `cancel job ${args.armJobName} in Azure ML workspace ${resourceGroup}/${workspace}`);
  }
};

export const COMPUTE_OPERATIONS: Record<string, AzureOperation> = {
  'compute.attach': attach,
  'compute.detach': detach,
  'job.submit': submitJob,
  'job.cancel': cancelJob,
};

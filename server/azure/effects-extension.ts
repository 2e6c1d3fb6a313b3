import 'server-only';
import { eq } from 'drizzle-orm';
import type { Extension, PatchExtension } from '@azure/arm-kubernetesconfiguration';
import type { Db } from '../db';
import { clusters } from '../db/schema';
import { AppError } from '../errors';
import type { ClusterRow } from '../services/clusters';
import { publish } from '../live/bus';
import type { AzureOperation, AzureOperationResult } from './effects';
import { openAzureById, type AzureSession } from './discovery';
import { armError, retryDelayMs } from './errors';
import { lroStep } from './lro';
import {
  AZURE_ML_EXTENSION_TYPE,
  AZURE_ML_RELEASE_NAMESPACE,
  armExtensionTarget,
  azureExtensionRow,
  protectedSettingsOf,
  storedProtectedTls,
  updateAzureExtensionRow,
  type ArmExtensionTarget,
  type AzureExtensionRow,
} from './extension';

// The Microsoft.AzureML.Kubernetes extension through ARM (install / update / remove), run after commit as azure.arm
// intents. ARM's long-running operation is followed with lroStep (./lro.ts): started by the first attempt, the SDK
// poller's state kept on the record (lro_state), resumed and polled once by each later attempt (the intent runner
// brings it back a few seconds later) until ARM says Succeeded or Failed — never blocking for the minutes a real
// install takes. Settings and protected settings come from the record (protected ones encrypted there), not from
// the intent.

type Op = 'install' | 'update' | 'remove';

/** How soon to poll a running operation again (the runner's backoff may make it later). */
const POLL_AGAIN_MS = 1000;

/** The connection the cluster was registered through, as a session (user connections act with the requester's sign-in). */
export async function clusterAzureSession(db: Db, cluster: ClusterRow, sessionIdHash?: string): Promise<AzureSession> {
  if (!cluster.azureConnectionId) throw new AppError('bad_request', `cluster ${cluster.name} was not registered through an Azure connection`);
  return openAzureById(db, cluster.azureConnectionId, `cluster ${cluster.name}`, sessionIdHash);
}

type Statuses = AzureExtensionRow['statuses'];
const statusesOf = (e: Extension | undefined): Statuses =>
  (e?.statuses ?? []).map((s) => ({ code: s.code, displayStatus: s.displayStatus, level: s.level, message: s.message, time: s.time }));

const VERB: Record<Op, string> = { install: 'install', update: 'update', remove: 'remove' };

function startOp(op: Op, az: AzureSession, t: ArmExtensionTarget, name: string, rec: AzureExtensionRow, args: Record<string, unknown>) {
  const sendProtected = args.sendProtected === true;
  const c = az.clients.extensions(t.subscriptionId);
  const protectedSettings = protectedSettingsOf(storedProtectedTls(rec));
  if (op === 'install') {
    const body: Extension = {
      extensionType: AZURE_ML_EXTENSION_TYPE,
      releaseTrain: 'stable',
      autoUpgradeMinorVersion: true,
      scope: { cluster: { releaseNamespace: AZURE_ML_RELEASE_NAMESPACE } },
      configurationSettings: rec.configurationSettings ?? {},
      ...(protectedSettings ? { configurationProtectedSettings: protectedSettings } : {}),
    };
    return c.extensions.beginCreate(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name, body);
  }
  if (op === 'update') {
    const patch: PatchExtension = {
      // ARM merges: a key no longer set is sent as null, which removes it.
      configurationSettings: { ...Object.fromEntries(((args.removedKeys as string[] | undefined) ?? []).map((k) => [k, null])), ...(rec.configurationSettings ?? {}) } as Record<string, string>,
      // Protected settings are replaced wholesale by ARM: sent only when new ones were given (see the action).
      ...(protectedSettings && sendProtected ? { configurationProtectedSettings: protectedSettings } : {}),
    };
    return c.extensions.beginUpdate(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name, patch);
  }
  return c.extensions.beginDelete(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name);
}

function resumeOp(op: Op, az: AzureSession, t: ArmExtensionTarget, name: string, state: string) {
  const c = az.clients.extensions(t.subscriptionId);
  if (op === 'install') return c.extensions.beginCreate(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name, {}, { resumeFrom: state });
  if (op === 'update') return c.extensions.beginUpdate(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name, {}, { resumeFrom: state });
  return c.extensions.beginDelete(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name, { resumeFrom: state });
}

/** After the operation ended: what ARM shows of the extension now (undefined when it is gone or cannot be read). */
async function readExtension(az: AzureSession, t: ArmExtensionTarget, name: string): Promise<Extension | undefined> {
  try {
    return await az.clients.extensions(t.subscriptionId).extensions.get(t.resourceGroup, t.clusterRp, t.clusterResourceName, t.clusterName, name);
  } catch {
    return undefined;
  }
}

function extensionOperation(op: Op): AzureOperation {
  return async (db, cluster, args): Promise<AzureOperationResult> => {
    const rec = await azureExtensionRow(db, cluster.id);
    // Superseded (another operation was recorded since) or already finished: nothing to do.
    if (!rec || rec.operation !== op || rec.state === 'succeeded' || rec.state === 'failed') return { ok: true };
    const t = armExtensionTarget(cluster);
    const name = rec.extensionName;
    const what = `${VERB[op]} the Azure ML extension (${AZURE_ML_EXTENSION_TYPE}) on ${t.clusterResourceName === 'managedClusters' ? 'AKS' : 'Azure Arc'} cluster ${t.clusterName}`;
    let az: AzureSession | undefined;
    const announce = () => publish('clusters', cluster.name);
    try {
      az = await clusterAzureSession(db, cluster, typeof args.sessionIdHash === 'string' ? args.sessionIdHash : undefined);
      const session = az;
      const step = await lroStep(rec.lroState, () => startOp(op, session, t, name, rec, args), (from) => resumeOp(op, session, t, name, from));
      if (!step.done) {
        await updateAzureExtensionRow(db, cluster.id, {
          state: 'running',
          lroState: step.lroState,
          provisioningState: op === 'install' ? 'Creating' : op === 'update' ? 'Updating' : 'Deleting',
          lastError: null,
        });
        announce();
        return { ok: false, message: `Azure is still running the operation to ${what} (${step.status})`, retryAfterMs: POLL_AGAIN_MS };
      }
      if (op === 'remove') {
        await updateAzureExtensionRow(db, cluster.id, { state: 'succeeded', lroState: null, provisioningState: null, statuses: [], version: null, lastError: null, finishedAt: new Date() });
        await db.update(clusters).set({ extensionProvider: null }).where(eq(clusters.id, cluster.id));
        announce();
        return { ok: true };
      }
      const ext = (await readExtension(az, t, name)) ?? (step.result as Extension | undefined);
      await updateAzureExtensionRow(db, cluster.id, {
        state: 'succeeded',
        lroState: null,
        provisioningState: ext?.provisioningState ?? 'Succeeded',
        statuses: statusesOf(ext),
        configurationSettings: ext?.configurationSettings ?? rec.configurationSettings,
        version: ext?.currentVersion ?? ext?.version ?? null,
        lastError: null,
        finishedAt: new Date(),
      });
      announce();
      return { ok: true };
    } catch (e) {
      const err = armError(e, { armEndpoint: az?.connection.armEndpoint ?? 'Azure Resource Manager', identity: az?.identity ?? 'the cluster\'s Azure connection', what });
      // Deleting what is already gone is done.
      if (op === 'remove' && err.code === 'not_found') {
        await updateAzureExtensionRow(db, cluster.id, { state: 'succeeded', lroState: null, provisioningState: null, statuses: [], lastError: null, finishedAt: new Date() });
        await db.update(clusters).set({ extensionProvider: null }).where(eq(clusters.id, cluster.id));
        announce();
        return { ok: true };
      }
      const retryAfterMs = retryDelayMs(err);
      if (retryAfterMs !== undefined) {
        await updateAzureExtensionRow(db, cluster.id, { lastError: `waiting for Azure: ${err.message}` });
        announce();
        return { ok: false, message: err.message, retryAfterMs };
      }
      // Failed for good: ARM's error verbatim (in the message) with our explanation; the resource's state as ARM shows it.
      const ext = az ? await readExtension(az, t, name) : undefined;
      const armDetail = ext?.errorInfo?.code ? ` (the extension shows ${ext.errorInfo.code}: ${ext.errorInfo.message ?? ''})` : '';
      await updateAzureExtensionRow(db, cluster.id, {
        state: 'failed',
        lroState: null,
        provisioningState: ext?.provisioningState ?? (rec.provisioningState && op === 'install' ? 'Failed' : rec.provisioningState),
        statuses: ext ? statusesOf(ext) : rec.statuses,
        lastError: `${err.message}${armDetail && !err.message.includes(ext!.errorInfo!.code!) ? armDetail : ''}`,
        finishedAt: new Date(),
      });
      announce();
      return { ok: false, message: err.message };
    }
  };
}

export const EXTENSION_OPERATIONS: Record<string, AzureOperation> = {
  'extension.install': extensionOperation('install'),
  'extension.update': extensionOperation('update'),
  'extension.remove': extensionOperation('remove'),
};

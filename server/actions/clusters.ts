import 'server-only';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  clusterName,
  installExtensionInput,
  registerClusterInput,
  uninstallExtensionInput,
  updateClusterInput,
  updateCredentialsInput,
} from '@/lib/clusters/schemas';
import { clusters } from '../db/schema';
import { AppError } from '../errors';
import { dropClusterCache } from '../kube/cache';
import type { ClusterProbe } from '../kube/probe';
import { dropClusterToken } from '../azure/aks-token';
import {
  assertUsable,
  clusterAttachments,
  clusterConnection,
  clusterRegistrationDto,
  extensionRow,
  getClusterRow,
  insertCluster,
  liveCache,
  prepareConnection,
  probeConnection,
  probeSummary,
  replaceCredentials,
  storeProbe,
  type RegisterValues,
} from '../services/clusters';
import type { Tx } from '../db';
import { inspectUninstall, planInstall, recordInstall, uninstallExtension, type InstallPlan, type PrepareInstallInput, type UninstallFacts } from '../services/extension';
import { defineAction, type Effects } from './registry';
import { publish } from '../live/bus';

/** Live pages (the clusters list) re-read the cluster once the change is committed. */
const announce = (effects: Effects, name: string) => effects.afterCommit(() => publish('clusters', name));

// Cluster registration and the ML extension (ops admins; auditors read through the GET routes).

defineAction({
  name: 'clusters.register',
  permission: 'clusters.manage',
  description: 'Register a cluster (kubeconfig or in-cluster service account); runs the checks and stores the credentials encrypted',
  input: registerClusterInput,
  example: { name: 'rbac-example', kind: 'kubernetes', location: 'on-prem', connection: { mode: 'inCluster' } },
  prepare: (_ctx, input) => checkConnection(input.connection),
  async run({ tx, user, effects, prepared }, input) {
    announce(effects, input.name);
    const checked = prepared as CheckedConnection;
    return registerChecked(tx, { ...input, ...checked, createdBy: user.id }, input.allowUnreachable);
  },
});

type CheckedConnection = Pick<RegisterValues, 'prepared' | 'probe'>;

/** The checks reach the cluster: actions run them in prepare(), before their transaction (DESIGN §3), like clusters.registerFromAzure's ARM reads. */
async function checkConnection(connection: Parameters<typeof prepareConnection>[0]): Promise<CheckedConnection> {
  const prepared = prepareConnection(connection);
  return { prepared, probe: await probeConnection(prepared.connection) };
}

/**
 * A checked connection becomes a registered cluster (clusters.register, and clusters.registerFromAzure with the
 * kubeconfig ARM handed out): refused when the checks failed (unless allowUnreachable), the answer and the audit.
 */
export async function registerChecked(tx: Tx, v: RegisterValues, allowUnreachable: boolean | undefined) {
  assertUsable(v.probe, allowUnreachable);
  const row = await insertCluster(tx, v);
  const dto = clusterRegistrationDto(row);
  const { prepared, probe } = v;
  return {
    result: { cluster: dto, checks: probeSummary(probe), warnings: [...prepared.warnings, ...probe.warnings] },
    audit: { targetType: 'cluster', targetName: row.name, after: { ...dto, reachable: probe.reachable, version: probe.version?.gitVersion ?? null, error: probe.error ?? null } },
  };
}

defineAction({
  name: 'clusters.update',
  permission: 'clusters.manage',
  description: 'Rename a cluster (its display name; the name is its URL key) or change its description, kind or location',
  input: updateClusterInput,
  example: { name: 'rbac-example', displayName: 'Example cluster' },
  async run({ tx, effects }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    const [u] = await tx
      .update(clusters)
      .set({
        displayName: input.displayName ?? row.displayName,
        description: input.description ?? row.description,
        kind: input.kind ?? row.kind,
        location: input.location ?? row.location,
        region: input.region ?? row.region,
        updatedAt: new Date(),
      })
      .where(eq(clusters.id, row.id))
      .returning();
    return { result: clusterRegistrationDto(u), audit: { targetType: 'cluster', targetName: row.name, before: clusterRegistrationDto(row), after: clusterRegistrationDto(u) } };
  },
});

defineAction({
  name: 'clusters.updateCredentials',
  permission: 'clusters.manage',
  description: 'Replace a cluster\'s credentials (new kubeconfig or context); runs the checks first',
  input: updateCredentialsInput,
  example: { name: 'rbac-example', connection: { mode: 'inCluster' } },
  prepare: (_ctx, input) => checkConnection(input.connection),
  async run({ tx, effects, prepared: checked }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    const { prepared, probe } = checked as CheckedConnection;
    assertUsable(probe, input.allowUnreachable);
    const u = await replaceCredentials(tx, row, prepared, probe);
    const before = clusterRegistrationDto(row);
    const after = clusterRegistrationDto(u);
    return {
      result: { cluster: after, checks: probeSummary(probe), warnings: [...prepared.warnings, ...probe.warnings] },
      audit: { targetType: 'cluster', targetName: row.name, before: before.connection, after: { ...after.connection, reachable: probe.reachable, error: probe.error ?? null } },
    };
  },
});

defineAction({
  name: 'clusters.check',
  permission: 'clusters.manage',
  description: 'Run a cluster\'s checks now (reachability, version, permissions, nodes, extension) and store the result',
  input: z.strictObject({ name: clusterName }),
  example: { name: 'rbac-example' },
  // The checks reach the cluster (and, for an Entra-token cluster, may ask the identity provider and read the
  // connection): before the transaction (DESIGN §3).
  async prepare({ db }, input): Promise<ClusterProbe> {
    const row = await getClusterRow(db, input.name);
    try {
      return await probeConnection(clusterConnection(row));
    } catch (e) {
      throw new AppError('internal', `the stored credentials of ${row.name} cannot be read: ${(e as Error).message}`);
    }
  },
  async run({ tx, effects, prepared }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    const probe = prepared as ClusterProbe;
    await storeProbe(tx, row, probe);
    return {
      result: { cluster: row.name, checks: probeSummary(probe) },
      audit: { targetType: 'cluster', targetName: row.name, after: { reachable: probe.reachable, version: probe.version?.gitVersion ?? null, error: probe.error ?? null } },
    };
  },
});

defineAction({
  name: 'clusters.remove',
  permission: 'clusters.manage',
  description: 'Remove a cluster from Harbormaster (refused while compute targets are attached); nothing is deleted on the cluster',
  input: z.strictObject({ name: clusterName }),
  example: { name: 'rbac-example' },
  async run({ tx, effects }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    const attached = await clusterAttachments(tx, row.id);
    if (attached.length) {
      throw new AppError('conflict', `cluster ${row.name} has ${attached.length} compute target(s) attached: ${attached.map((a) => `${a.workspace}/${a.name}`).join(', ')}. Detach them first.`);
    }
    const ext = await extensionRow(tx, row.id);
    await tx.delete(clusters).where(eq(clusters.id, row.id));
    effects.afterCommit(() => {
      dropClusterCache(row.id);
      dropClusterToken(row.id);
    });
    const note = ext && ext.status !== 'notInstalled' ? 'The ML extension stays installed on the cluster; uninstall it first if you want it gone.' : 'Nothing was changed on the cluster.';
    return {
      result: { removed: row.name, message: `Cluster ${row.name} removed from Harbormaster. ${note}` },
      audit: { targetType: 'cluster', targetName: row.name, before: clusterRegistrationDto(row) },
    };
  },
});

/** The provider is explicit per cluster: never Harbormaster's extension over Azure ML's (installed through ARM). */
function refuseOverAzureMl(row: { name: string; extensionProvider: string | null }) {
  if (row.extensionProvider === 'azureml') {
    throw new AppError('conflict', `cluster ${row.name} uses Azure ML's extension (Microsoft.AzureML.Kubernetes, through Azure): Harbormaster never installs its own over it. Remove it first (DELETE /api/v1/clusters/${row.name}/azure-extension) to switch.`);
  }
}

const installInput = (input: z.output<typeof installExtensionInput>): PrepareInstallInput => ({
  settings: input.settings,
  tls: input.tls,
  removeTls: input.removeTls,
  egress: input.egress,
  confirm: input.confirm,
});

defineAction({
  name: 'clusters.extension.install',
  clusterEffects: true,
  permission: 'clusters.manage',
  description: 'Install or upgrade Harbormaster\'s ML extension with settings (server-side apply, step by step); refused over Azure ML\'s extension',
  input: installExtensionInput,
  example: { name: 'rbac-example', settings: { enableTraining: true } },
  // Every cluster read (detection, the sslSecret, a dry run's verdicts) before the transaction (DESIGN §3).
  async prepare({ db, dryRun }, input) {
    const row = await getClusterRow(db, input.name);
    refuseOverAzureMl(row);
    return planInstall(db, row, installInput(input), { dryRun });
  },
  async run({ tx, user, dryRun, effects, prepared: plan }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    refuseOverAzureMl(row);
    if (!dryRun && row.extensionProvider !== 'harbormaster') await tx.update(clusters).set({ extensionProvider: 'harbormaster' }).where(eq(clusters.id, row.id));
    const prepared = await recordInstall(tx, row, plan as InstallPlan, installInput(input), { dryRun, requestedBy: user.email });
    // After commit, durably: the intent runner starts the installer (and a console that restarts finishes it).
    if (!dryRun && prepared.operationId) effects.extensionOperation(row, prepared.operationId);
    const { audit, operationId: _op, ...result } = prepared;
    void _op;
    return { result, audit: { targetType: 'cluster.extension', targetName: row.name, before: audit.before, after: audit.after } };
  },
});

defineAction({
  name: 'clusters.extension.uninstall',
  clusterEffects: true,
  permission: 'clusters.manage',
  description: 'Uninstall Harbormaster\'s ML extension; keeps the InstanceType CRD and instance types unless purge',
  input: uninstallExtensionInput,
  example: { name: 'rbac-example' },
  // What runs on the cluster (and a dry run's verdicts), read before the transaction (DESIGN §3).
  async prepare({ db, dryRun }, input) {
    return inspectUninstall(db, await getClusterRow(db, input.name), { purge: !!input.purge, dryRun });
  },
  async run({ tx, dryRun, effects, prepared }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    const r = await uninstallExtension(tx, row, { purge: !!input.purge, dryRun }, prepared as UninstallFacts);
    const { audit, steps, ...result } = r;
    effects.kube(row, { type: 'extension', id: row.id }, steps);
    effects.afterCommit(() => {
      try {
        liveCache(row).resync('deployments', 'daemonsets', 'instancetypes');
      } catch {
        /* the cache is rebuilt on next read */
      }
    });
    return { result, audit: { targetType: 'cluster.extension', targetName: row.name, before: audit.before, after: audit.after } };
  },
  // The deletes ran after commit: answer what was deleted and what was already gone, or the refusal.
  settle(outcomes, result) {
    const o = outcomes[0];
    if (!o) return result;
    if (o.status === 'failed') throw new AppError('bad_request', `the uninstall was recorded, but the cluster refused a delete: ${o.message}`);
    if (o.status === 'pending') return { ...result, message: `${result.message} (deleting is ${o.message})` };
    return { ...result, deleted: o.verdicts.filter((v) => v.outcome === 'deleted').map((v) => v.object), alreadyGone: o.verdicts.filter((v) => v.outcome === 'absent').map((v) => v.object) };
  },
});

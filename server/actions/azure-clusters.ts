import 'server-only';
import { azureExtensionInput, refreshAzureCredentialsInput, registerFromAzureInput, removeAzureExtensionInput } from '@/lib/azure/cluster-schemas';
import { AppError } from '../errors';
import type { Db } from '../db';
import { clusterClient, clusterRegistrationDto, getClusterRow, probeConnection, probeSummary, replaceCredentials, type ClusterRow, type PreparedConnection } from '../services/clusters';
import { detectLive } from '../services/extension';
import type { ClusterProbe } from '../kube/probe';
import { getConnection } from '../azure/connections';
import { fetchClusterCredentials, openAzure, parseArmId } from '../azure/discovery';
import { ENTRA_TOKEN_AUTH } from '../azure/aks-token';
import { clusterAzureSession } from '../azure/effects-extension';
import {
  armExtensionTarget,
  assertNoHarbormasterExtension,
  azureExtensionDto,
  azureExtensionRow,
  checkAzureSettings,
  recordAzureExtensionOperation,
  storedProtectedTls,
} from '../azure/extension';
import { publish } from '../live/bus';
import { registerChecked } from './clusters';
import { defineAction, type Effects } from './registry';

// Clusters from Azure (AKS / Arc, credentials through ARM) and Azure ML's Microsoft.AzureML.Kubernetes extension
// installed through ARM. ARM and the cluster are only read in prepare(), before the transaction; the extension
// change itself runs after commit as an azure.arm intent (server/azure/effects-extension.ts).

const announce = (effects: Effects, name: string) => effects.afterCommit(() => publish('clusters', name));

interface FetchedCredentials {
  prepared: PreparedConnection;
  probe: ClusterProbe;
  kind: 'aks' | 'arc';
  resourceId: string;
  armLocation: string;
  connectionId: string;
  /** Entra-enabled AKS through a `user` connection: the requester's session, which renews the cluster's tokens. */
  tokenSessionIdHash?: string;
}

/** ARM: the cluster's resource (it exists, its canonical id and region), then its user kubeconfig, then the checks. */
async function fetchFromArm(db: Db, connection: string, resourceId: string, sessionIdHash: string | undefined): Promise<FetchedCredentials> {
  const az = await openAzure(db, connection, sessionIdHash);
  return fetchWithSession(az, resourceId, sessionIdHash);
}

async function fetchWithSession(az: Awaited<ReturnType<typeof openAzure>>, resourceId: string, sessionIdHash: string | undefined): Promise<FetchedCredentials> {
  const id = parseArmId(resourceId);
  const aks = id.provider.toLowerCase() === 'microsoft.containerservice';
  const resource = aks
    ? await az.call(`read AKS cluster ${id.name} in resource group ${id.resourceGroup}`, (c) => c.aks(id.subscriptionId).managedClusters.get(id.resourceGroup, id.name))
    : await az.call(`read Azure Arc cluster ${id.name} in resource group ${id.resourceGroup}`, (c) => c.arc(id.subscriptionId).connectedClusterOperations.get(id.resourceGroup, id.name));
  // Entra-enabled AKS (aadProfile): calls carry a token of the AKS server application instead of kubelogin.
  const entra = aks && !!(resource as { aadProfile?: unknown }).aadProfile;
  const creds = await fetchClusterCredentials(az, resource.id ?? resourceId, { entra });
  const probe = await probeConnection(creds.connection);
  return {
    prepared: creds,
    probe,
    kind: creds.kind,
    resourceId: resource.id ?? resourceId,
    armLocation: resource.location ?? '',
    connectionId: az.connection.id,
    ...(entra && az.connection.kind === 'user' && sessionIdHash ? { tokenSessionIdHash: sessionIdHash } : {}),
  };
}

defineAction({
  name: 'clusters.registerFromAzure',
  permission: 'clusters.manage',
  description: 'Register an AKS or Azure Arc cluster from Azure: its credentials are fetched through ARM with an Azure connection (and can be refreshed from ARM), checked, and stored encrypted',
  input: registerFromAzureInput,
  example: {
    connection: 'rbac-example',
    resourceId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-example',
    name: 'rbac-example-aks',
    location: 'cloud',
  },
  async prepare({ db, sessionIdHash }, input) {
    return fetchFromArm(db, input.connection, input.resourceId, sessionIdHash);
  },
  async run({ tx, user, effects, prepared }, input) {
    announce(effects, input.name);
    const f = prepared as FetchedCredentials;
    const conn = await getConnection(tx, input.connection);
    const out = await registerChecked(
      tx,
      {
        name: input.name,
        displayName: input.displayName,
        description: input.description,
        kind: f.kind,
        location: input.location,
        region: input.region ?? f.armLocation,
        prepared: f.prepared,
        probe: f.probe,
        createdBy: user.id,
        azure: { resourceId: f.resourceId, connectionId: conn.id, sessionIdHash: f.tokenSessionIdHash },
      },
      input.allowUnreachable,
    );
    const message =
      f.prepared.authMethod === ENTRA_TOKEN_AUTH
        ? `Entra-enabled: calls carry an Entra token through connection ${conn.name}; server and CA of ${f.resourceId} fetched from Azure`
        : `credentials of ${f.resourceId} fetched from Azure through connection ${conn.name}`;
    return { ...out, audit: { ...out.audit, message } };
  },
});

defineAction({
  name: 'clusters.refreshAzureCredentials',
  permission: 'clusters.manage',
  description: 'Fetch a cluster\'s kubeconfig from Azure again (listClusterUserCredential through its Azure connection), check it and store it encrypted',
  input: refreshAzureCredentialsInput,
  example: { name: 'rbac-example' },
  async prepare({ db, sessionIdHash }, input) {
    const row = await getClusterRow(db, input.name);
    if (!row.azureResourceId || !row.azureConnectionId) {
      throw new AppError('bad_request', `cluster ${row.name} was not registered from Azure: its credentials cannot be fetched from ARM (replace them with PUT /api/v1/clusters/${row.name}/credentials)`);
    }
    const az = await clusterAzureSession(db, row, sessionIdHash);
    return fetchWithSession(az, row.azureResourceId, sessionIdHash);
  },
  async run({ tx, effects, prepared }, input) {
    announce(effects, input.name);
    const f = prepared as FetchedCredentials;
    const row = await getClusterRow(tx, input.name);
    const u = await replaceCredentials(tx, row, f.prepared, f.probe, { fromAzure: true, azureSessionIdHash: f.tokenSessionIdHash });
    const before = clusterRegistrationDto(row);
    const after = clusterRegistrationDto(u);
    return {
      result: { cluster: after, checks: probeSummary(f.probe), warnings: [...f.prepared.warnings, ...f.probe.warnings] },
      audit: {
        targetType: 'cluster',
        targetName: row.name,
        before: before.connection,
        after: { ...after.connection, reachable: f.probe.reachable, error: f.probe.error ?? null },
        message: `credentials fetched again from Azure (${f.resourceId})`,
      },
    };
  },
});

// ------------------------------------------------------------------------------------------ Azure ML extension

/** What the cluster shows now (Harbormaster's extension or none); undefined when it cannot be read (ARM still can). */
async function liveFlavor(row: ClusterRow): Promise<string | undefined> {
  let client;
  try {
    client = clusterClient(row);
    return (await detectLive(client)).flavor;
  } catch {
    return undefined;
  } finally {
    client?.close();
  }
}

async function assertIdle(db: Db | Parameters<typeof azureExtensionRow>[0], row: ClusterRow) {
  const rec = await azureExtensionRow(db, row.id);
  if (rec && (rec.state === 'pending' || rec.state === 'running')) {
    throw new AppError('conflict', `an ${rec.operation} of Azure ML's extension on ${row.name} is in progress (Azure: ${rec.provisioningState ?? 'not started yet'}): wait for it to finish`);
  }
  return rec;
}

const owner = (row: ClusterRow) => ({ type: 'extension', id: row.id });

defineAction({
  name: 'clusters.azureExtension.install',
  clusterEffects: true,
  permission: 'clusters.manage',
  description: 'Install Azure ML\'s extension (Microsoft.AzureML.Kubernetes) through Azure on an AKS or Arc cluster registered from Azure, with the same settings as Harbormaster\'s; the certificate and key go as protected settings. Refused over Harbormaster\'s extension',
  input: azureExtensionInput,
  example: { name: 'rbac-example', settings: { enableTraining: true } },
  async prepare({ db }, input) {
    const row = await getClusterRow(db, input.name);
    armExtensionTarget(row);
    return { flavor: await liveFlavor(row) };
  },
  async run({ tx, user, effects, prepared, sessionIdHash }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    armExtensionTarget(row);
    await assertNoHarbormasterExtension(tx, row, (prepared as { flavor?: string }).flavor);
    const prev = await assertIdle(tx, row);
    const tls = input.tls ?? storedProtectedTls(prev);
    const checked = checkAzureSettings(input.settings, tls);
    const rec = await recordAzureExtensionOperation(tx, row, { operation: 'install', checked, tls, requestedBy: user.email });
    effects.azure(row, owner(row), 'extension.install', { ...(sessionIdHash ? { sessionIdHash } : {}), sendProtected: true }, { wait: false });
    const dto = azureExtensionDto({ ...row, extensionProvider: 'azureml' }, rec);
    return {
      result: { extension: dto, warnings: checked.warnings },
      audit: { targetType: 'cluster.azureExtension', targetName: row.name, before: prev ? azureExtensionDto(row, prev) : undefined, after: dto },
    };
  },
});

defineAction({
  name: 'clusters.azureExtension.update',
  clusterEffects: true,
  permission: 'clusters.manage',
  description: 'Change the settings of Azure ML\'s extension through Azure (settings are merged by ARM; a new certificate and key replace the protected settings)',
  input: azureExtensionInput,
  example: { name: 'rbac-example', settings: { enableTraining: true } },
  async run({ tx, user, effects, sessionIdHash }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    armExtensionTarget(row);
    const prev = await assertIdle(tx, row);
    if (row.extensionProvider !== 'azureml' || !prev || prev.provisioningState === null) {
      throw new AppError('conflict', `Azure ML's extension is not installed on ${row.name} through Harbormaster: install it first (PUT /api/v1/clusters/${row.name}/azure-extension)`);
    }
    const tls = input.tls ?? storedProtectedTls(prev);
    const checked = checkAzureSettings(input.settings, tls);
    // ARM merges configurationSettings on PATCH: keys no longer set are sent as null (removed).
    const removedKeys = Object.keys(prev.configurationSettings ?? {}).filter((k) => !(k in checked.configurationSettings));
    const rec = await recordAzureExtensionOperation(tx, row, { operation: 'update', checked, tls: input.tls, requestedBy: user.email });
    effects.azure(row, owner(row), 'extension.update', { ...(sessionIdHash ? { sessionIdHash } : {}), sendProtected: !!input.tls, removedKeys }, { wait: false });
    const dto = azureExtensionDto(row, rec);
    return {
      result: { extension: dto, warnings: checked.warnings },
      audit: { targetType: 'cluster.azureExtension', targetName: row.name, before: azureExtensionDto(row, prev), after: dto, message: input.tls ? 'certificate and key replaced (protected settings, stored encrypted)' : undefined },
    };
  },
});

defineAction({
  name: 'clusters.azureExtension.remove',
  clusterEffects: true,
  permission: 'clusters.manage',
  description: 'Remove Azure ML\'s extension from the cluster through Azure (ARM deletes it; Azure ML computes using it stop working)',
  input: removeAzureExtensionInput,
  example: { name: 'rbac-example' },
  async run({ tx, user, effects, sessionIdHash }, input) {
    announce(effects, input.name);
    const row = await getClusterRow(tx, input.name);
    armExtensionTarget(row);
    const prev = await assertIdle(tx, row);
    if (!prev || row.extensionProvider !== 'azureml') throw new AppError('not_found', `Azure ML's extension was not installed on ${row.name} through Harbormaster`);
    const rec = await recordAzureExtensionOperation(tx, row, { operation: 'remove', requestedBy: user.email });
    effects.azure(row, owner(row), 'extension.remove', { ...(sessionIdHash ? { sessionIdHash } : {}) }, { wait: false });
    const dto = azureExtensionDto(row, rec);
    return { result: { extension: dto }, audit: { targetType: 'cluster.azureExtension', targetName: row.name, before: azureExtensionDto(row, prev), after: dto } };
  },
});

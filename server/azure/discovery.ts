import 'server-only';
import type { TokenCredential } from '@azure/identity';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { azureConnections } from '../db/schema';
import { AppError } from '../errors';
import { reduceKubeconfig, type MinimalKubeconfig } from '@/lib/clusters/kubeconfig';
import { parseYaml } from '@/lib/yaml-limits';
import { prepareConnection, type PreparedConnection } from '../services/clusters';
import { credentialTokenSource, ENTRA_TOKEN_AUTH } from './aks-token';
import { armClients, type ArmClients } from './clients';
import { credentialFor } from './credentials';
import { getConnection, identityLabel, type AzureConnectionRow } from './connections';
import { armError } from './errors';

// Discovery through Azure Resource Manager for one connection: subscriptions, Azure ML workspaces, AKS and Arc
// clusters, and cluster credentials (a kubeconfig checked by the same validator as a pasted one, so exec plugins stay
// refused). Every ARM failure becomes an AppError through server/azure/errors.ts. Never called inside a DB transaction.

export interface AzureSession {
  connection: AzureConnectionRow;
  identity: string;
  credential: TokenCredential;
  clients: ArmClients;
  /** Runs an ARM call; any failure → AppError saying who tried to do `what`. */
  call<T>(what: string, fn: (clients: ArmClients) => Promise<T>): Promise<T>;
}

/** The connection's credential and clients, for the caller (`sessionIdHash` matters for `user` connections). */
export function azureSession(connection: AzureConnectionRow, ctx: { db: DbOrTx; sessionIdHash?: string }): AzureSession {
  const identity = identityLabel(connection);
  const credential = credentialFor(connection, ctx);
  const clients = armClients(connection, credential);
  return {
    connection,
    identity,
    credential,
    clients,
    async call(what, fn) {
      try {
        return await fn(clients);
      } catch (e) {
        throw armError(e, { armEndpoint: connection.armEndpoint, identity, what });
      }
    },
  };
}

export async function openAzure(db: DbOrTx, connectionName: string, sessionIdHash?: string): Promise<AzureSession> {
  return azureSession(await getConnection(db, connectionName), { db, sessionIdHash });
}

/**
 * The same by the connection's id (a cluster's, a workspace link's), for work after commit; `whose` names the owner
 * in the refusal when the connection was deleted meanwhile.
 */
export async function openAzureById(db: DbOrTx, connectionId: string, whose: string, sessionIdHash?: string): Promise<AzureSession> {
  const [c] = await db.select().from(azureConnections).where(eq(azureConnections.id, connectionId)).limit(1);
  if (!c) throw new AppError('not_found', `the Azure connection of ${whose} no longer exists`);
  return azureSession(c, { db, sessionIdHash });
}

/** ARM lists are followed through nextLink up to this many items (an Ops page, not an export). */
const MAX_ITEMS = 2000;
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length >= MAX_ITEMS) break;
  }
  return out;
}

/** /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name} → its parts (case-insensitive keys). */
export function parseArmId(id: string): { subscriptionId: string; resourceGroup: string; provider: string; type: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id.trim());
  if (!m) throw new AppError('bad_request', `${id} is not an ARM resource id (/subscriptions/…/resourceGroups/…/providers/<namespace>/<type>/<name>)`, { fieldErrors: [{ path: 'resourceId', message: 'not an ARM resource id' }] });
  return { subscriptionId: m[1], resourceGroup: m[2], provider: m[3], type: m[4], name: m[5] };
}

const rgOf = (id: string | undefined) => (id ? /\/resourcegroups\/([^/]+)/i.exec(id)?.[1] ?? '' : '');

// --- Subscriptions.

export interface SubscriptionDto {
  subscriptionId: string;
  displayName: string;
  state: string;
  tenantId: string | null;
}

export async function listSubscriptions(az: AzureSession): Promise<SubscriptionDto[]> {
  const subs = await az.call('list the subscriptions', (c) => collect(c.subscriptions().subscriptions.list()));
  return subs
    .map((s) => ({ subscriptionId: s.subscriptionId ?? '', displayName: s.displayName ?? '', state: String(s.state ?? ''), tenantId: s.tenantId ?? null }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.subscriptionId.localeCompare(b.subscriptionId));
}

// --- Azure ML workspaces.

export interface MlWorkspaceDto {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  friendlyName: string;
  description: string;
}

type WorkspaceLike = { id?: string; name?: string; location?: string; friendlyName?: string; description?: string };
const workspaceDto = (subscriptionId: string, w: WorkspaceLike): MlWorkspaceDto => ({
  id: w.id ?? '',
  name: w.name ?? '',
  subscriptionId,
  resourceGroup: rgOf(w.id),
  location: w.location ?? '',
  friendlyName: w.friendlyName ?? '',
  description: w.description ?? '',
});

export async function listMlWorkspaces(az: AzureSession, subscriptionId: string, resourceGroup?: string): Promise<MlWorkspaceDto[]> {
  const where = resourceGroup ? `resource group ${resourceGroup} of subscription ${subscriptionId}` : `subscription ${subscriptionId}`;
  const list = await az.call(`list the Azure ML workspaces of ${where}`, (c) =>
    collect(resourceGroup ? c.ml(subscriptionId).workspaces.listByResourceGroup(resourceGroup) : c.ml(subscriptionId).workspaces.listBySubscription()),
  );
  return list.map((w) => workspaceDto(subscriptionId, w)).sort((a, b) => a.resourceGroup.localeCompare(b.resourceGroup) || a.name.localeCompare(b.name));
}

/** One Azure ML workspace (its 404 says whether the subscription, the resource group or the workspace is missing). */
export async function getMlWorkspace(az: AzureSession, subscriptionId: string, resourceGroup: string, name: string): Promise<MlWorkspaceDto> {
  const w = await az.call(`read Azure ML workspace ${name} in resource group ${resourceGroup} of subscription ${subscriptionId}`, (c) => c.ml(subscriptionId).workspaces.get(resourceGroup, name));
  return workspaceDto(subscriptionId, w);
}

// --- Clusters.

export interface AzureClusterDto {
  kind: 'aks' | 'arc';
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  kubernetesVersion: string | null;
  /** Entra ID (AAD) integration: the cluster's kubeconfig then needs an Entra token, not a static credential. */
  entraEnabled: boolean;
  provisioningState: string | null;
  /** Arc only: Connected, Offline, … */
  connectivityStatus: string | null;
}

/** AKS and Arc clusters of a subscription; one provider failing (e.g. 403 on Arc) is an error entry, not a failure. */
export async function listAzureClusters(az: AzureSession, subscriptionId: string): Promise<{ items: AzureClusterDto[]; errors: Array<{ kind: 'aks' | 'arc'; code: string; message: string }> }> {
  const errors: Array<{ kind: 'aks' | 'arc'; code: string; message: string }> = [];
  const [aks, arc] = await Promise.all([
    az
      .call(`list the AKS clusters of subscription ${subscriptionId}`, (c) => collect(c.aks(subscriptionId).managedClusters.list()))
      .then((l) =>
        l.map(
          (m): AzureClusterDto => ({
            kind: 'aks',
            id: m.id ?? '',
            name: m.name ?? '',
            subscriptionId,
            resourceGroup: rgOf(m.id),
            location: m.location,
            kubernetesVersion: m.currentKubernetesVersion ?? m.kubernetesVersion ?? null,
            entraEnabled: !!m.aadProfile,
            provisioningState: m.provisioningState ?? null,
            connectivityStatus: null,
          }),
        ),
      )
      .catch((e: AppError) => (errors.push({ kind: 'aks', code: e.code, message: e.message }), [] as AzureClusterDto[])),
    az
      .call(`list the Azure Arc connected clusters of subscription ${subscriptionId}`, (c) => collect(c.arc(subscriptionId).connectedClusterOperations.listBySubscription()))
      .then((l) =>
        l.map(
          (m): AzureClusterDto => ({
            kind: 'arc',
            id: m.id ?? '',
            name: m.name ?? '',
            subscriptionId,
            resourceGroup: rgOf(m.id),
            location: m.location,
            kubernetesVersion: m.kubernetesVersion ?? null,
            // api-version 2021-10-01 has no aadProfile on connected clusters; newer ones do.
            entraEnabled: !!(m as { aadProfile?: unknown }).aadProfile,
            provisioningState: m.provisioningState ?? null,
            connectivityStatus: m.connectivityStatus ?? null,
          }),
        ),
      )
      .catch((e: AppError) => (errors.push({ kind: 'arc', code: e.code, message: e.message }), [] as AzureClusterDto[])),
  ]);
  const items = [...aks, ...arc].sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  return { items, errors };
}

/**
 * A cluster's user credentials from ARM (AKS listClusterUserCredential; Arc listClusterUserCredential with a
 * Token kubeconfig — Arc's cluster-connect relay cannot be used here, so the direct kubeconfig ARM returns is the
 * one taken), checked by the same validator as a pasted kubeconfig: an exec plugin is refused. For an Entra-enabled
 * AKS cluster (`entra`: its resource has `aadProfile`) the kubelogin user ARM hands out is not run but replaced: the
 * cluster entry (server, CA) is kept and calls carry a token of the AKS server application obtained through the
 * connection (server/azure/aks-token.ts). The kubeconfig is a secret: it goes to the cluster registration, never to a
 * response or a log.
 */
export async function fetchClusterCredentials(az: AzureSession, resourceId: string, opts: { entra?: boolean } = {}): Promise<PreparedConnection & { kind: 'aks' | 'arc'; resourceId: string }> {
  const id = parseArmId(resourceId);
  const type = `${id.provider}/${id.type}`.toLowerCase();
  let kind: 'aks' | 'arc';
  let raw: Uint8Array | undefined;
  if (type === 'microsoft.containerservice/managedclusters') {
    kind = 'aks';
    const r = await az.call(`fetch the user credentials of AKS cluster ${id.name}`, (c) => c.aks(id.subscriptionId).managedClusters.listClusterUserCredentials(id.resourceGroup, id.name));
    raw = r.kubeconfigs?.[0]?.value;
  } else if (type === 'microsoft.kubernetes/connectedclusters') {
    kind = 'arc';
    const r = await az.call(`fetch the user credentials of Azure Arc cluster ${id.name}`, (c) =>
      c.arc(id.subscriptionId).connectedClusterOperations.listClusterUserCredential(id.resourceGroup, id.name, { authenticationMethod: 'Token', clientProxy: false }),
    );
    raw = r.kubeconfigs?.[0]?.value;
  } else {
    throw new AppError('bad_request', `${resourceId} is neither an AKS managed cluster nor an Azure Arc connected cluster`, { fieldErrors: [{ path: 'resourceId', message: 'not a cluster' }] });
  }
  if (!raw?.length) throw new AppError('upstream_unavailable', `Azure returned no kubeconfig for ${resourceId}`);
  try {
    const text = Buffer.from(raw).toString('utf8');
    if (kind === 'aks' && opts.entra) return { ...entraConnection(az, text, id.name), kind, resourceId };
    return { ...prepareConnection({ mode: 'kubeconfig', kubeconfig: text }), kind, resourceId };
  } catch (e) {
    if (e instanceof AppError) {
      throw new AppError('bad_request', `the kubeconfig Azure returned for ${id.name} cannot be used: ${e.message}`, {
        fieldErrors: [{ path: 'resourceId', message: e.message }],
      });
    }
    throw e;
  }
}

/**
 * An Entra-enabled AKS cluster's kubeconfig (a kubelogin exec user) → its cluster entry, checked by the same
 * validator as any kubeconfig (the user, never run, is set aside first), with no user credential: the connection's
 * token for the AKS server application is added to every call instead.
 */
function entraConnection(az: AzureSession, text: string, clusterName: string): PreparedConnection {
  let doc: unknown;
  try {
    doc = parseYaml(text, 'kubeconfig');
  } catch (e) {
    throw new AppError('bad_request', `the kubeconfig is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new AppError('bad_request', 'the kubeconfig is not a YAML mapping');
  const d = doc as Record<string, unknown>;
  const users = (Array.isArray(d.users) ? d.users : []) as Array<{ name?: unknown }>;
  const placeholder = { ...d, users: users.map((u) => ({ name: u?.name, user: { token: 'entra' } })) };
  const r = reduceKubeconfig(JSON.stringify(placeholder));
  if (!r.ok) throw new AppError('bad_request', r.message);
  const kubeconfig: MinimalKubeconfig = { ...r.config, users: [{ name: r.config.users[0].name, user: {} }] };
  return {
    connection: { mode: 'kubeconfig', kubeconfig, bearer: credentialTokenSource(az.credential, `AKS cluster ${clusterName}`) },
    contextName: r.context.name,
    serverUrl: r.context.server,
    authMethod: ENTRA_TOKEN_AUTH,
    warnings: r.context.warnings,
  };
}

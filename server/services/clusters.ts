import 'server-only';
import { randomUUID } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { reduceKubeconfig, type MinimalKubeconfig } from '@/lib/clusters/kubeconfig';
import type { z } from 'zod';
import type { clusterConnectionInput, ClusterKind, ClusterLocation } from '@/lib/clusters/schemas';
import type { DbOrTx } from '../db';
import { clusterExtensions, clusters, computeTargets, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { decryptSecret, encryptSecret } from '../secrets';
import { KubeClient, type ClusterConnection } from '../kube/client';
import { clusterCache, dropClusterCache, type ClusterCache } from '../kube/cache';
import { probeCluster, type ClusterProbe } from '../kube/probe';
import { AUTH_REASONS, REASON_LABELS, type KubeErrorReason } from '../kube/errors';
import { clusterTokenSource, dropClusterToken, ENTRA_TOKEN_AUTH, sealAzureSession } from '../azure/aks-token';

// Registered clusters: rows, credentials (encrypted at rest, bound to the cluster id, never in any DTO),
// the per-cluster client and live cache, registration checks, and the compute targets attached to a cluster.

export type ClusterRow = typeof clusters.$inferSelect;
export type ExtensionRow = typeof clusterExtensions.$inferSelect;

const credentialsPurpose = (id: string) => `cluster:${id}:credentials`;

export async function findClusterRow(db: DbOrTx, name: string): Promise<ClusterRow | undefined> {
  const [row] = await db.select().from(clusters).where(eq(clusters.name, name)).limit(1);
  return row;
}

export async function getClusterRow(db: DbOrTx, name: string): Promise<ClusterRow> {
  const row = await findClusterRow(db, name);
  if (!row) throw new AppError('not_found', `cluster ${name} not found`);
  return row;
}

export async function listClusterRows(db: DbOrTx): Promise<ClusterRow[]> {
  return db.select().from(clusters).orderBy(asc(clusters.name));
}

export async function extensionRow(db: DbOrTx, clusterId: string): Promise<ExtensionRow | undefined> {
  const [row] = await db.select().from(clusterExtensions).where(eq(clusterExtensions.clusterId, clusterId)).limit(1);
  return row;
}

/** The stored connection, decrypted (server-side only). */
export function clusterConnection(row: ClusterRow): ClusterConnection {
  if (row.connectionMode === 'inCluster') return { mode: 'inCluster' };
  // Azure: the kubeconfig ARM handed out (listClusterUserCredential), stored like a pasted one and refreshed from ARM
  // by clusters.refreshAzureCredentials (server/actions/azure-clusters.ts).
  if (!row.credentialsEnc) {
    if (row.connectionMode === 'azure') throw new AppError('bad_request', `cluster ${row.name} gets its credentials from Azure and has none stored: refresh them from Azure (POST /api/v1/clusters/${row.name}/refresh-credentials)`);
    throw new AppError('internal', `cluster ${row.name} has no stored credentials`);
  }
  const kubeconfig = JSON.parse(decryptSecret(row.credentialsEnc, credentialsPurpose(row.id))) as MinimalKubeconfig;
  // Entra-enabled AKS: the kubeconfig has the cluster entry only; each call carries a token of the AKS server app.
  if (row.authMethod === ENTRA_TOKEN_AUTH) return { mode: 'kubeconfig', kubeconfig, bearer: clusterTokenSource(row) };
  return { mode: 'kubeconfig', kubeconfig };
}

/** A new client for one-off work (the caller closes it). Pages use `liveCache` instead. */
export function clusterClient(row: ClusterRow): KubeClient {
  return new KubeClient(clusterConnection(row));
}

/** The cluster's live cache (informers start lazily, per kind, on first read). */
export function liveCache(row: ClusterRow): ClusterCache {
  return clusterCache(row.id, row.name, `${row.credentialsVersion}`, () => clusterClient(row));
}

/** Compute targets attached to a cluster (workspace, target name, namespace): removing the cluster is refused while there are any. */
export async function clusterAttachments(db: DbOrTx, clusterId: string): Promise<Array<{ workspace: string; name: string; namespace: string }>> {
  return db
    .select({ workspace: workspaces.name, name: computeTargets.name, namespace: computeTargets.namespace })
    .from(computeTargets)
    .innerJoin(workspaces, eq(computeTargets.workspaceId, workspaces.id))
    .where(eq(computeTargets.clusterId, clusterId))
    .orderBy(asc(workspaces.name), asc(computeTargets.name));
}

type ConnectionInput = z.output<typeof clusterConnectionInput>;

export interface PreparedConnection {
  connection: ClusterConnection;
  contextName: string | null;
  serverUrl: string | null;
  authMethod: string;
  warnings: string[];
}

/** Validates a pasted kubeconfig / in-cluster choice; field errors name `connection.kubeconfig` or `.context`. */
export function prepareConnection(input: ConnectionInput): PreparedConnection {
  if (input.mode === 'inCluster') {
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new AppError('bad_request', 'in-cluster access needs Harbormaster to run inside the cluster: KUBERNETES_SERVICE_HOST is not set here; paste a kubeconfig instead', {
        fieldErrors: [{ path: 'connection.mode', message: 'Harbormaster does not run inside a cluster' }],
      });
    }
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
    return { connection: { mode: 'inCluster' }, contextName: null, serverUrl: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, authMethod: 'serviceAccount', warnings: [] };
  }
  const r = reduceKubeconfig(input.kubeconfig, input.context || undefined);
  if (!r.ok) throw new AppError('bad_request', r.message, { fieldErrors: [{ path: `connection.${r.field}`, message: r.message }] });
  return { connection: { mode: 'kubeconfig', kubeconfig: r.config }, contextName: r.context.name, serverUrl: r.context.server, authMethod: r.context.auth, warnings: r.context.warnings };
}

/** Runs the registration checks with a fresh client. */
export async function probeConnection(connection: ClusterConnection, timeoutMs = 8000): Promise<ClusterProbe> {
  let client: KubeClient | undefined;
  try {
    client = new KubeClient(connection);
    return await probeCluster(client, { timeoutMs });
  } catch (e) {
    const reason = ((e as { reason?: KubeErrorReason }).reason ?? 'bad_config') as KubeErrorReason;
    return { checkedAt: new Date().toISOString(), reachable: false, server: client?.server ?? '', error: { reason, message: (e as Error).message }, warnings: [] };
  } finally {
    client?.close();
  }
}

/** Refuses a connection whose checks failed, unless the caller chose to save it anyway. */
export function assertUsable(probe: ClusterProbe, allowUnreachable: boolean | undefined) {
  const authFailed = probe.error && AUTH_REASONS.has(probe.error.reason);
  if ((probe.reachable && !authFailed) || allowUnreachable) return;
  const reason = probe.error?.reason ?? 'unknown';
  const words = authFailed ? 'the cluster refuses these credentials' : 'the cluster cannot be reached';
  throw new AppError('bad_request', `${words}: ${probe.error?.message ?? 'unknown error'} [${reason}]. Fix the kubeconfig, or save anyway with allowUnreachable: true.`, {
    fieldErrors: [{ path: 'connection.kubeconfig', message: `${REASON_LABELS[reason]}: ${probe.error?.message ?? ''}` }],
  });
}

export interface RegisterValues {
  name: string;
  displayName?: string;
  description?: string;
  kind: ClusterKind;
  location: ClusterLocation;
  region?: string;
  prepared: PreparedConnection;
  probe: ClusterProbe;
  createdBy: string | null;
  /**
   * Registered from Azure: the ARM resource id and the connection its credentials are (re)fetched through; for an
   * Entra-enabled cluster through a `user` connection, the session its tokens are renewed with.
   */
  azure?: { resourceId: string; connectionId: string; sessionIdHash?: string };
}

export async function insertCluster(tx: DbOrTx, v: RegisterValues): Promise<ClusterRow> {
  if (await findClusterRow(tx, v.name)) {
    throw new AppError('conflict', `cluster ${v.name} already exists`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
  }
  const id = randomUUID();
  const [row] = await tx
    .insert(clusters)
    .values({
      id,
      name: v.name,
      displayName: v.displayName || v.name,
      description: v.description ?? '',
      kind: v.kind,
      location: v.location,
      region: v.region ?? '',
      connectionMode: v.azure ? 'azure' : v.prepared.connection.mode,
      credentialsEnc: v.prepared.connection.mode === 'kubeconfig' ? encryptSecret(JSON.stringify(v.prepared.connection.kubeconfig), credentialsPurpose(id)) : null,
      azureResourceId: v.azure?.resourceId ?? null,
      azureConnectionId: v.azure?.connectionId ?? null,
      azureSessionEnc: sealAzureSession(id, v.azure?.sessionIdHash),
      contextName: v.prepared.contextName,
      serverUrl: v.prepared.serverUrl,
      authMethod: v.prepared.authMethod,
      lastProbe: v.probe,
      lastProbeAt: new Date(v.probe.checkedAt),
      createdBy: v.createdBy,
    })
    .returning();
  seedToken(row, v.prepared);
  return row;
}

/** An Entra-token cluster starts with the token its checks were made with (no second token request, none in a transaction). */
function seedToken(row: ClusterRow, prepared: PreparedConnection) {
  if (row.authMethod === ENTRA_TOKEN_AUTH && prepared.connection.mode === 'kubeconfig' && prepared.connection.bearer) clusterTokenSource(row, prepared.connection.bearer);
}

export async function replaceCredentials(
  tx: DbOrTx,
  row: ClusterRow,
  prepared: PreparedConnection,
  probe: ClusterProbe,
  opts: { fromAzure?: boolean; azureSessionIdHash?: string } = {},
): Promise<ClusterRow> {
  const [u] = await tx
    .update(clusters)
    .set({
      connectionMode: opts.fromAzure ? 'azure' : prepared.connection.mode,
      credentialsEnc: prepared.connection.mode === 'kubeconfig' ? encryptSecret(JSON.stringify(prepared.connection.kubeconfig), credentialsPurpose(row.id)) : null,
      contextName: prepared.contextName,
      serverUrl: prepared.serverUrl,
      authMethod: prepared.authMethod,
      azureSessionEnc: sealAzureSession(row.id, opts.azureSessionIdHash),
      credentialsVersion: sql`${clusters.credentialsVersion} + 1`,
      lastProbe: probe,
      lastProbeAt: new Date(probe.checkedAt),
      updatedAt: new Date(),
    })
    .where(eq(clusters.id, row.id))
    .returning();
  dropClusterCache(row.id);
  dropClusterToken(row.id);
  seedToken(u, prepared);
  return u;
}

export async function storeProbe(db: DbOrTx, row: ClusterRow, probe: ClusterProbe): Promise<ClusterRow> {
  const [u] = await db.update(clusters).set({ lastProbe: probe, lastProbeAt: new Date(probe.checkedAt) }).where(eq(clusters.id, row.id)).returning();
  return u;
}

/** The stored probe, typed. */
export function lastProbe(row: ClusterRow): ClusterProbe | undefined {
  return (row.lastProbe as ClusterProbe | null) ?? undefined;
}

/** What people may see of a cluster's registration: no credential, not even redacted. */
export function clusterRegistrationDto(row: ClusterRow) {
  return {
    name: row.name,
    displayName: row.displayName,
    description: row.description,
    kind: row.kind,
    location: row.location,
    region: row.region,
    connection: { mode: row.connectionMode, context: row.contextName, server: row.serverUrl, authMethod: row.authMethod },
    /** Registered from Azure: its ARM resource id (credentials are fetched through ARM). */
    azureResourceId: row.azureResourceId ?? null,
    /** Which ML extension the cluster uses: harbormaster | azureml | null (not chosen). */
    extensionProvider: row.extensionProvider ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastCheckedAt: row.lastProbeAt?.toISOString() ?? null,
  };
}
export type ClusterRegistrationDto = ReturnType<typeof clusterRegistrationDto>;

/** A probe as shown to people (same content; typed for DTOs). */
export function probeSummary(p: ClusterProbe | undefined) {
  if (!p) return null;
  return {
    checkedAt: p.checkedAt,
    reachable: p.reachable,
    error: p.error ?? null,
    version: p.version ?? null,
    identity: p.identity ?? null,
    permissions: p.permissions ?? [],
    nodes: p.nodes ?? null,
    pools: p.pools ?? [],
    network: p.network ?? null,
    extension: p.extension ?? null,
    warnings: p.warnings,
  };
}
export type ProbeSummary = NonNullable<ReturnType<typeof probeSummary>>;

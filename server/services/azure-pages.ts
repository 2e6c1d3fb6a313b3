import 'server-only';
import { asc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { clusters, workspaceAzureLinks, workspaces } from '../db/schema';
import { connectionDto, connectionUsers, getConnection, linkDto, listConnections, workspaceLink, type AzureConnectionDto, type WorkspaceAzureLinkDto } from '../azure/connections';

// Read-only data for the console's Azure pages (Ops → Azure, a connection's discovery page, the workspace link card),
// shaped for them. Database only: ARM lists are read by the browser through the /api/v1/azure routes, so a slow or
// failing ARM shows as a panel's loading or error state, never as a broken page.

export type AzureConnectionView = AzureConnectionDto & { usedBy: { workspaces: string[]; clusters: string[] } };

export async function azureConnectionViews(db: DbOrTx): Promise<AzureConnectionView[]> {
  const rows = await listConnections(db);
  return Promise.all(rows.map(async (r) => ({ ...connectionDto(r), usedBy: await connectionUsers(db, r.id) })));
}

export async function azureConnectionView(db: DbOrTx, name: string): Promise<AzureConnectionView> {
  const row = await getConnection(db, name);
  return { ...connectionDto(row), usedBy: await connectionUsers(db, row.id) };
}

/** Names only, for pickers. */
export async function azureConnectionChoices(db: DbOrTx): Promise<Array<{ name: string; kindLabel: string }>> {
  return (await listConnections(db)).map((r) => ({ name: r.name, kindLabel: connectionDto(r).kindLabel }));
}

/** ARM resource id (lower-case) → Harbormaster cluster name, for "already registered". */
export async function registeredAzureClusters(db: DbOrTx): Promise<Record<string, string>> {
  const rows = await db.select({ name: clusters.name, id: clusters.azureResourceId }).from(clusters).where(isNotNull(clusters.azureResourceId)).orderBy(asc(clusters.name));
  return Object.fromEntries(rows.map((r) => [r.id!.toLowerCase(), r.name]));
}

/** Azure ML workspace ARM id (lower-case) → the Harbormaster workspace linked to it. */
export async function linkedMlWorkspaces(db: DbOrTx): Promise<Record<string, string>> {
  const rows = await db
    .select({ armId: workspaceAzureLinks.armId, name: workspaces.name })
    .from(workspaceAzureLinks)
    .innerJoin(workspaces, eq(workspaces.id, workspaceAzureLinks.workspaceId))
    .orderBy(asc(workspaces.name));
  return Object.fromEntries(rows.map((r) => [r.armId.toLowerCase(), r.name]));
}

export async function workspaceAzureLinkView(db: DbOrTx, workspace: { id: string; name: string }): Promise<WorkspaceAzureLinkDto | null> {
  const l = await workspaceLink(db, workspace.id);
  return l ? linkDto(workspace.name, l) : null;
}

/** Cluster choices of the compute attach form, with the ones registered from Azure marked (they can attach through Azure ML). */
export async function markAzureClusters<T extends { name: string }>(db: DbOrTx, choices: T[]): Promise<Array<T & { azure: boolean }>> {
  if (!choices.length) return [];
  const names = new Set(Object.values(await registeredAzureClusters(db)));
  return choices.map((c) => ({ ...c, azure: names.has(c.name) }));
}

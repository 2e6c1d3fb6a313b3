import 'server-only';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Principal } from '@/lib/rbac/permissions';
import type { DbOrTx } from '../db';
import { memberships, users, workspaces } from '../db/schema';
import { AppError } from '../errors';

export type WorkspaceRow = typeof workspaces.$inferSelect;

export function workspaceDto(w: WorkspaceRow, extra?: { members?: number }) {
  return {
    name: w.name,
    displayName: w.displayName,
    description: w.description,
    status: w.status,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    ...(extra?.members !== undefined ? { members: extra.members } : {}),
  };
}
export type WorkspaceDto = ReturnType<typeof workspaceDto>;

/** Workspaces the principal may see: ops admins and auditors all, data scientists their (active) own. */
export async function listWorkspaces(db: DbOrTx, p: Principal, opts: { includeArchived?: boolean } = {}) {
  const global = p.globalRole === 'ops_admin' || p.globalRole === 'auditor';
  if (!global && p.memberOf.length === 0) return [];
  const where = [];
  if (!global) where.push(inArray(workspaces.name, [...p.memberOf]), eq(workspaces.status, 'active'));
  else if (!opts.includeArchived) where.push(eq(workspaces.status, 'active'));
  const rows = await db.select().from(workspaces).where(where.length ? and(...where) : undefined).orderBy(asc(workspaces.name));
  const counts = await db.select({ id: memberships.workspaceId, n: count() }).from(memberships).groupBy(memberships.workspaceId);
  const byId = new Map(counts.map((c) => [c.id, Number(c.n)]));
  return rows.map((w) => workspaceDto(w, { members: byId.get(w.id) ?? 0 }));
}

/** A workspace by name, whatever its status (ops pages); 404 when absent. */
export async function workspaceByName(db: DbOrTx, name: string): Promise<WorkspaceRow> {
  const [w] = await db.select().from(workspaces).where(eq(workspaces.name, name)).limit(1);
  if (!w) throw new AppError('not_found', `workspace ${name} not found`);
  return w;
}

export async function getWorkspace(db: DbOrTx, p: Principal, name: string) {
  const [w] = await db.select().from(workspaces).where(eq(workspaces.name, name)).limit(1);
  const visible = w && (p.globalRole === 'ops_admin' || p.globalRole === 'auditor' || (p.memberOf.includes(name) && w.status === 'active'));
  if (!visible) throw new AppError('not_found', `workspace ${name} not found`);
  return w;
}

export async function workspaceMembers(db: DbOrTx, workspaceId: string) {
  const rows = await db
    .select({ email: users.email, displayName: users.displayName, status: users.status, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(memberships.userId, users.id))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ ...r, since: r.since.toISOString(), role: 'data_scientist' as const }));
}

import 'server-only';
import { and, asc, count, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { memberships, users, workspaces } from '../db/schema';
import { notSystemUser, userDto } from '../auth/users';
import { identityProviders } from '../auth/entra-flow';

// People lists and counts leave out the system account (server/auth/users.ts): it is no person and never signs in.

/**
 * Every user with the workspaces they are a data scientist in, how they sign in (`local`, `entra`) and where their
 * grants came from (null/'manual': set in Harbormaster; 'entra:…': applied at their Microsoft sign-in) — one query
 * per table, not per user.
 */
export async function listUsersWithWorkspaces(db: DbOrTx) {
  const [rows, links, providers] = await Promise.all([
    db.select().from(users).where(notSystemUser()).orderBy(asc(users.email)),
    db
      .select({ userId: memberships.userId, name: workspaces.name, source: memberships.source })
      .from(memberships)
      .innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
      .where(eq(workspaces.status, 'active')),
    identityProviders(db),
  ]);
  const byUser = new Map<string, string[]>();
  const sources = new Map<string, Record<string, string>>();
  for (const l of links) {
    byUser.set(l.userId, [...(byUser.get(l.userId) ?? []), l.name].sort());
    sources.set(l.userId, { ...(sources.get(l.userId) ?? {}), [l.name]: l.source });
  }
  return rows.map((u) => ({
    ...userDto(u, byUser.get(u.id) ?? []),
    signIn: providers.get(u.id) ?? [],
    globalRoleSource: u.globalRoleSource ?? null,
    workspaceSources: sources.get(u.id) ?? {},
  }));
}

export async function activeUserEmails(db: DbOrTx): Promise<string[]> {
  return (await db.select({ email: users.email }).from(users).where(and(eq(users.status, 'active'), notSystemUser())).orderBy(asc(users.email))).map((u) => u.email);
}

/** Counts for the ops overview. */
export async function peopleAndWorkspaceCounts(db: DbOrTx) {
  const [byStatus, [ws]] = await Promise.all([
    db.select({ status: users.status, n: count() }).from(users).where(notSystemUser()).groupBy(users.status),
    db.select({ n: count() }).from(workspaces).where(eq(workspaces.status, 'active')),
  ]);
  const get = (s: string) => Number(byStatus.find((r) => r.status === s)?.n ?? 0);
  return { activeUsers: get('active'), disabledUsers: get('disabled'), activeWorkspaces: Number(ws.n) };
}

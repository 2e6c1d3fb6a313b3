import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { memberships, users, workspaces } from '../db/schema';
import type { UserRow } from './users';

// Entra app roles and groups → Harbormaster grants (HARBORMASTER_ENTRA_ROLE_MAP / _GROUP_MAP). Applied at every
// Entra sign-in: what the ID token grants is added, what an earlier sign-in granted and this one no longer does is
// removed; grants made in Harbormaster (source 'manual') are left alone. Every grant records its source, which the
// audit log and "who can do what" show.

export interface EntraClaims {
  roles: string[];
  groups: string[];
}

export interface MappedGrants {
  /** At least one app role is mapped: a user without one is refused (the DataScientist role alone is enough). */
  allowed: boolean;
  globalRole: 'ops_admin' | 'auditor' | null;
  /** 'entra:role:<app role>' of the global role. */
  globalRoleSource: string | null;
  /** workspace → 'entra:group:<id>' / 'entra:role:<app role>'. */
  workspaces: Map<string, string>;
  /** App roles in the token that the map does not know (shown in the audit message). */
  unmappedRoles: string[];
}

const RANK = { ops_admin: 2, auditor: 1 } as const;

export function mapClaims(claims: EntraClaims, roleMap: Array<[string, string]>, groupMap: Array<[string, string]>): MappedGrants {
  const out: MappedGrants = { allowed: false, globalRole: null, globalRoleSource: null, workspaces: new Map(), unmappedRoles: [] };
  for (const role of [...new Set(claims.roles)].sort()) {
    const targets = roleMap.filter(([k]) => k === role).map(([, v]) => v);
    if (!targets.length) {
      out.unmappedRoles.push(role);
      continue;
    }
    out.allowed = true;
    for (const t of targets) {
      if (t === 'ops_admin' || t === 'auditor') {
        if (!out.globalRole || RANK[t] > RANK[out.globalRole]) {
          out.globalRole = t;
          out.globalRoleSource = `entra:role:${role}`;
        }
      } else if (t.startsWith('workspace:')) {
        if (!out.workspaces.has(t.slice(10))) out.workspaces.set(t.slice(10), `entra:role:${role}`);
      }
    }
  }
  for (const group of [...new Set(claims.groups)].sort()) {
    for (const [, ws] of groupMap.filter(([k]) => k === group)) if (!out.workspaces.has(ws)) out.workspaces.set(ws, `entra:group:${group}`);
  }
  return out;
}

/** "Entra app role OpsAdmin", "Entra group 1f0c…", "set in Harbormaster". */
export function describeSource(source: string | null | undefined): string {
  if (!source || source === 'manual') return 'set in Harbormaster';
  if (source.startsWith('entra:role:')) return `Entra app role ${source.slice(11)}`;
  if (source.startsWith('entra:group:')) return `Entra group ${source.slice(12)}`;
  return source;
}

export interface AppliedGrants {
  /** Sentences for the audit message, e.g. "global role ops_admin (Entra app role OpsAdmin)". */
  changes: string[];
  before: { globalRole: string | null; workspaces: Record<string, string> };
  after: { globalRole: string | null; globalRoleSource: string | null; workspaces: Record<string, string> };
  /** Workspaces the map names that do not exist (nothing granted). */
  missingWorkspaces: string[];
  user: UserRow;
}

/** Applies the mapped grants to the user (inside the sign-in's transaction). */
export async function applyGrants(tx: DbOrTx, user: UserRow, mapped: MappedGrants): Promise<AppliedGrants> {
  const changes: string[] = [];
  const current = await tx
    .select({ workspaceId: memberships.workspaceId, name: workspaces.name, source: memberships.source })
    .from(memberships)
    .innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
    .where(eq(memberships.userId, user.id));
  const before = { globalRole: user.globalRole ?? null, workspaces: Object.fromEntries(current.map((m) => [m.name, m.source])) };

  let updated = user;
  const fromEntra = (s: string | null) => !!s && s.startsWith('entra:');
  if (mapped.globalRole) {
    if (user.globalRole !== mapped.globalRole || user.globalRoleSource !== mapped.globalRoleSource) {
      [updated] = await tx.update(users).set({ globalRole: mapped.globalRole, globalRoleSource: mapped.globalRoleSource, updatedAt: new Date() }).where(eq(users.id, user.id)).returning();
      changes.push(`global role ${mapped.globalRole} (${describeSource(mapped.globalRoleSource)})${user.globalRole && user.globalRole !== mapped.globalRole ? ` instead of ${user.globalRole}` : ''}`);
    }
  } else if (user.globalRole && fromEntra(user.globalRoleSource)) {
    [updated] = await tx.update(users).set({ globalRole: null, globalRoleSource: null, updatedAt: new Date() }).where(eq(users.id, user.id)).returning();
    changes.push(`global role ${user.globalRole} removed (${describeSource(user.globalRoleSource)} no longer assigned)`);
  }

  const wanted = [...mapped.workspaces.keys()];
  const known = wanted.length ? await tx.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(and(inArray(workspaces.name, wanted), eq(workspaces.status, 'active'))) : [];
  const idOf = new Map(known.map((w) => [w.name, w.id]));
  const missingWorkspaces = wanted.filter((w) => !idOf.has(w)).sort();
  for (const [ws, source] of mapped.workspaces) {
    const id = idOf.get(ws);
    if (!id) continue;
    const have = current.find((m) => m.workspaceId === id);
    if (!have) {
      await tx.insert(memberships).values({ workspaceId: id, userId: user.id, source });
      changes.push(`member of ${ws} (${describeSource(source)})`);
    } else if (fromEntra(have.source) && have.source !== source) {
      await tx.update(memberships).set({ source }).where(and(eq(memberships.workspaceId, id), eq(memberships.userId, user.id)));
      changes.push(`member of ${ws} now through ${describeSource(source)}`);
    }
  }
  for (const m of current) {
    if (fromEntra(m.source) && !(idOf.has(m.name) && mapped.workspaces.has(m.name))) {
      await tx.delete(memberships).where(and(eq(memberships.workspaceId, m.workspaceId), eq(memberships.userId, user.id)));
      changes.push(`removed from ${m.name} (${describeSource(m.source)} no longer assigned)`);
    }
  }
  const after = await tx
    .select({ name: workspaces.name, source: memberships.source })
    .from(memberships)
    .innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
    .where(eq(memberships.userId, user.id));
  return {
    changes,
    before,
    after: { globalRole: updated.globalRole ?? null, globalRoleSource: updated.globalRoleSource ?? null, workspaces: Object.fromEntries(after.map((m) => [m.name, m.source])) },
    missingWorkspaces,
    user: updated,
  };
}

import 'server-only';
import { and, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import type { AccessEntryDto } from '@/lib/audit/sharing';
import { PERMISSIONS, type PermissionRule, type Role } from '@/lib/rbac/permissions';
import type { DbOrTx } from '../db';
import { apiTokens, computeTargets, memberships, users, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { decodeCursor, encodeCursor, type Page } from '../http/paging';
import { notSystemUser } from '../auth/users';
import { describeSource } from '../auth/entra-mapping';
import { findClusterRow } from './clusters';
import { csvDocument } from './sharing';

// Who can do what on one workspace or one cluster (issue 15): active users and their live API tokens, each with
// the role it acts with, the permissions of the table (lib/rbac/permissions.ts) that role holds there, and where
// the access comes from. Token values and hashes never leave the database; a token is named by its name and owner.

export type AccessScope = { workspace: string } | { cluster: string };

const RULES = Object.entries(PERMISSIONS) as Array<[string, PermissionRule]>;

/** Permissions a role holds on a workspace (the workspace-scoped rows of the table). */
export function workspacePermissions(role: Role): string[] {
  return RULES.filter(([, r]) => r.scope === 'workspace' && r.roles.includes(role)).map(([k]) => k);
}

/** Permissions a global role holds anywhere (every row it is granted, the self-service ones aside). */
export function globalPermissions(role: Role): string[] {
  return RULES.filter(([, r]) => !r.anyUser && r.roles.includes(role)).map(([k]) => k);
}

interface Grant {
  userId: string;
  role: Role;
  permissions: string[];
  source: string;
}

interface Keyed extends AccessEntryDto {
  key: string;
}

/** Every entry of a scope, sorted (users first under each email, then their tokens). */
export async function accessEntries(db: DbOrTx, scope: AccessScope): Promise<AccessEntryDto[]> {
  return (await keyedEntries(db, scope)).map(({ key: _key, ...e }) => e); // eslint-disable-line @typescript-eslint/no-unused-vars
}

// Grants applied from Entra ID at sign-in say so: "global role ops_admin from Entra app role OpsAdmin".
const fromEntra = (source: string | null) => (source?.startsWith('entra:') ? ` from ${describeSource(source)}` : '');
const globalSource = (u: { globalRole: string | null; globalRoleSource: string | null }) => `global role ${u.globalRole}${fromEntra(u.globalRoleSource)}`;

async function keyedEntries(db: DbOrTx, scope: AccessScope): Promise<Keyed[]> {
  const active = and(eq(users.status, 'active'), notSystemUser());
  const globals = await db.select().from(users).where(and(active, isNotNull(users.globalRole)));
  const grants: Grant[] = [];
  let workspaceIds: string[];
  if ('workspace' in scope) {
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.name, scope.workspace)).limit(1);
    if (!ws) throw new AppError('not_found', `workspace ${scope.workspace} not found`, { fieldErrors: [{ path: 'workspace', message: 'no such workspace' }] });
    workspaceIds = ws.status === 'active' ? [ws.id] : [];
    for (const u of globals) grants.push({ userId: u.id, role: u.globalRole!, permissions: workspacePermissions(u.globalRole!), source: globalSource(u) });
  } else {
    const c = await findClusterRow(db, scope.cluster);
    if (!c) throw new AppError('not_found', `cluster ${scope.cluster} not found`, { fieldErrors: [{ path: 'cluster', message: 'no such cluster' }] });
    const rows = await db
      .selectDistinct({ id: workspaces.id })
      .from(computeTargets)
      .innerJoin(workspaces, eq(computeTargets.workspaceId, workspaces.id))
      .where(and(eq(computeTargets.clusterId, c.id), eq(workspaces.status, 'active')));
    workspaceIds = rows.map((r) => r.id);
    for (const u of globals) grants.push({ userId: u.id, role: u.globalRole!, permissions: globalPermissions(u.globalRole!), source: globalSource(u) });
  }
  if (workspaceIds.length) {
    const members = await db
      .select({ userId: memberships.userId, role: memberships.role, ws: workspaces.name, source: memberships.source })
      .from(memberships)
      .innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
      .innerJoin(users, eq(memberships.userId, users.id))
      .where(and(inArray(memberships.workspaceId, workspaceIds), active));
    for (const m of members) grants.push({ userId: m.userId, role: m.role, permissions: workspacePermissions(m.role), source: `member of ${m.ws}${fromEntra(m.source)}` });
  }
  if (!grants.length) return [];
  const ids = [...new Set(grants.map((g) => g.userId))];
  const [people, tokens] = await Promise.all([
    db.select({ id: users.id, email: users.email, displayName: users.displayName }).from(users).where(inArray(users.id, ids)),
    // Only the columns an entry shows: never the hash (nor the prefix).
    db
      .select({ id: apiTokens.id, userId: apiTokens.userId, name: apiTokens.name })
      .from(apiTokens)
      .where(and(inArray(apiTokens.userId, ids), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())))),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  const out: Keyed[] = [];
  for (const g of grants) {
    const p = byId.get(g.userId);
    if (!p) continue;
    const email = p.email.toLowerCase();
    out.push({ key: `${email}\u00010\u0001${g.source}`, principal: { kind: 'user', name: p.displayName || p.email, email: p.email }, role: g.role, permissions: g.permissions, source: g.source });
    for (const t of tokens.filter((x) => x.userId === g.userId)) {
      out.push({
        key: `${email}\u00011\u0001${g.source}\u0001${t.name}\u0001${t.id}`,
        principal: { kind: 'token', name: t.name, email: p.email },
        role: g.role,
        permissions: g.permissions,
        source: `API token ${t.name} of ${p.email} (${g.source})`,
      });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export const ACCESS_PAGE_DEFAULT = 100;
export const ACCESS_PAGE_MAX = 500;

/** One page of a scope's entries (keyset on the sort key, as every list of the API). */
export async function accessPage(db: DbOrTx, scope: AccessScope, opts: { cursor?: string; limit?: number } = {}): Promise<Page<AccessEntryDto>> {
  const limit = Math.min(Math.max(1, opts.limit ?? ACCESS_PAGE_DEFAULT), ACCESS_PAGE_MAX);
  const after = opts.cursor ? decodeCursor<{ k: string }>(opts.cursor, ['k']).k : undefined;
  const all = await keyedEntries(db, scope);
  const rest = after === undefined ? all : all.filter((e) => e.key > after);
  const page = rest.slice(0, limit);
  const items = page.map(({ key: _key, ...e }) => e); // eslint-disable-line @typescript-eslint/no-unused-vars
  return rest.length > limit ? { items, next: encodeCursor({ k: page[page.length - 1].key }) } : { items };
}

/** The scope a request names: exactly one of ?workspace= and ?cluster=. */
export function parseAccessScope(p: URLSearchParams): AccessScope {
  const workspace = p.get('workspace') || undefined;
  const cluster = p.get('cluster') || undefined;
  if (!workspace === !cluster) {
    throw new AppError('bad_request', 'name exactly one of workspace and cluster (?workspace=<name> or ?cluster=<name>)', { fieldErrors: [{ path: workspace ? 'cluster' : 'workspace', message: 'name a workspace or a cluster' }] });
  }
  return workspace ? { workspace } : { cluster: cluster! };
}

export const ACCESS_CSV_COLUMNS = ['principalKind', 'principal', 'email', 'role', 'source', 'permissions'] as const;

export function accessCsv(entries: AccessEntryDto[]): string {
  return csvDocument(
    ACCESS_CSV_COLUMNS,
    entries.map((e) => [e.principal.kind, e.principal.name, e.principal.email ?? '', e.role, e.source, e.permissions.join(' ')]),
  );
}

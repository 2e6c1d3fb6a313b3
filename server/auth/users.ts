import 'server-only';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { identities, memberships, users, workspaces } from '../db/schema';
import type { GlobalRole, Principal } from '@/lib/rbac/permissions';
import { AppError } from '../errors';
import { hashPassword, passwordProblem } from './crypto';

export type UserRow = typeof users.$inferSelect;

export const normalizeEmail = (e: string) => e.trim().toLowerCase();

/**
 * The account changes nobody asked for in a request run as (bootstrap, demo seeding), so the audit log names
 * an actor: a real row (ops admin), disabled and without a password or identity, so it never signs in, gets a
 * token or a password, and no person can take its address (`.invalid` is reserved, RFC 2606).
 */
export const SYSTEM_USER_EMAIL = 'system@harbormaster.invalid';
export const isSystemUser = (u: Pick<UserRow, 'email'>) => normalizeEmail(u.email) === SYSTEM_USER_EMAIL;
/** Query condition: every account but the system one (people lists, "no users yet"). */
export const notSystemUser = () => ne(users.email, SYSTEM_USER_EMAIL);
const SYSTEM_USER = { email: SYSTEM_USER_EMAIL, displayName: 'System', passwordHash: null, globalRole: 'ops_admin' as const, status: 'disabled' as const };

/** The system account, created on first use (idempotent, safe under concurrent starts). */
export async function ensureSystemUser(db: DbOrTx): Promise<UserRow> {
  await db.insert(users).values(SYSTEM_USER).onConflictDoNothing();
  const u = await findUserByEmail(db, SYSTEM_USER_EMAIL);
  if (!u) throw new AppError('internal', `the system account ${SYSTEM_USER_EMAIL} could not be created`);
  if (u.status === 'disabled' && u.passwordHash === null && u.globalRole === 'ops_admin') return u;
  // Someone changed it by hand: put it back the way it must be.
  const [fixed] = await db.update(users).set({ ...SYSTEM_USER, updatedAt: new Date() }).where(eq(users.id, u.id)).returning();
  return fixed;
}

/** Refuses changes to the system account (enable, reset, role, membership, tokens). */
export function assertNotSystemUser(u: Pick<UserRow, 'email'>, field = 'email') {
  if (isSystemUser(u)) {
    throw new AppError('conflict', `${SYSTEM_USER_EMAIL} is Harbormaster's system account (automatic changes such as bootstrap and demo seeding): it cannot sign in and cannot be changed`, {
      fieldErrors: [{ path: field, message: 'the system account cannot be changed' }],
    });
  }
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(sql`lower(${users.email}) = ${normalizeEmail(email)}`).limit(1);
  return u;
}

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return u;
}

export async function membershipNames(db: DbOrTx, userId: string): Promise<string[]> {
  const rows = await db
    .select({ name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
    .where(and(eq(memberships.userId, userId), eq(workspaces.status, 'active')));
  return rows.map((r) => r.name).sort();
}

export async function principalFor(db: DbOrTx, u: UserRow): Promise<Principal> {
  return { userId: u.id, globalRole: (u.globalRole ?? null) as GlobalRole | null, memberOf: await membershipNames(db, u.id) };
}

export interface NewUser {
  email: string;
  displayName?: string;
  password: string;
  globalRole?: GlobalRole | null;
}

/** Creates a local account (identity provider `local`, subject = lower-cased email). */
export async function createLocalUser(db: DbOrTx, input: NewUser): Promise<UserRow> {
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError('bad_request', problem, { fieldErrors: [{ path: 'password', message: problem }] });
  const email = normalizeEmail(input.email);
  if (email === SYSTEM_USER_EMAIL) throw new AppError('conflict', `${email} is reserved for Harbormaster's system account`, { fieldErrors: [{ path: 'email', message: 'reserved' }] });
  if (await findUserByEmail(db, email)) {
    throw new AppError('conflict', `a user with email ${email} already exists`, { fieldErrors: [{ path: 'email', message: 'already exists' }] });
  }
  const [u] = await db
    .insert(users)
    .values({ email, displayName: input.displayName ?? '', passwordHash: await hashPassword(input.password), globalRole: input.globalRole ?? null })
    .returning();
  await db.insert(identities).values({ userId: u.id, provider: 'local', subject: email });
  return u;
}

export async function usersByIds(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(users).where(inArray(users.id, ids));
}

/** Plain DTO for the browser and the API: never the password hash. */
export function userDto(u: UserRow, memberOf?: string[]) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    globalRole: u.globalRole ?? null,
    status: u.status,
    createdAt: u.createdAt.toISOString(),
    ...(memberOf ? { workspaces: memberOf } : {}),
  };
}
export type UserDto = ReturnType<typeof userDto>;

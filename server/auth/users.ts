import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { identities, memberships, users, workspaces } from '../db/schema';
import type { GlobalRole, Principal } from '@/lib/rbac/permissions';
import { AppError } from '../errors';
import { hashPassword, passwordProblem } from './crypto';

export type UserRow = typeof users.$inferSelect;

export const normalizeEmail = (e: string) => e.trim().toLowerCase();

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

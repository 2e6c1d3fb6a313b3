import 'server-only';
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { forbidden, notFound, redirect } from 'next/navigation';
import { can, type Permission, type Principal } from '@/lib/rbac/permissions';
import { getDb } from '../db';
import { readSession, SESSION_COOKIE } from './sessions';
import { principalFor, type UserRow } from './users';

export interface CurrentUser {
  user: UserRow;
  principal: Principal;
  /** This browser's session (SHA-256 of its cookie): what a password change keeps while ending the others. */
  sessionIdHash: string;
}

/** The signed-in user of this request (server components and server actions), once per request. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const id = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!id) return null;
  const db = await getDb();
  const s = await readSession(db, id);
  if (!s.ok) return null;
  return { user: s.user, principal: await principalFor(db, s.user), sessionIdHash: s.idHash };
});

export async function requireUser(): Promise<CurrentUser> {
  const c = await getCurrentUser();
  if (!c) {
    const h = await headers();
    const next = h.get('x-hm-pathname');
    redirect(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  }
  return c;
}

/** Pages: 403 when the permission is missing; 404 for a workspace the user cannot see. */
export async function requirePermission(permission: Permission, workspace?: string): Promise<CurrentUser> {
  const c = await requireUser();
  if (!can(c.principal, permission, workspace)) {
    if (workspace && !c.principal.globalRole && !c.principal.memberOf.includes(workspace)) notFound();
    forbidden();
  }
  return c;
}

import 'server-only';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { sessions, users } from '../db/schema';
import { env } from '../env';
import { randomToken, sha256Hex } from './crypto';
import { isSystemUser, type UserRow } from './users';

// Server-side sessions: the cookie carries a random id; the DB holds its SHA-256, the user, the idle and the
// absolute expiry. Revoking (logout, logout everywhere, disabling a user) takes effect on the next request.
export const SESSION_COOKIE = 'hm_session';
const TOUCH_EVERY_MS = 60_000;

export function sessionLimits() {
  const e = env();
  return { idleMs: e.HARBORMASTER_SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.HARBORMASTER_SESSION_ABSOLUTE_HOURS * 3_600_000 };
}

export async function createSession(db: DbOrTx, userId: string, meta: { ip?: string | null; userAgent?: string | null; provider?: string }) {
  const id = randomToken(32);
  const { absoluteMs } = sessionLimits();
  const expiresAt = new Date(Date.now() + absoluteMs);
  await db.insert(sessions).values({
    idHash: sha256Hex(id),
    userId,
    provider: meta.provider ?? 'local',
    expiresAt,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { id, expiresAt };
}

/** `idHash` names the session (the SHA-256 of its cookie) without holding the cookie itself. */
export type SessionCheck = { ok: true; user: UserRow; idHash: string; provider: string } | { ok: false; reason: 'missing' | 'expired' | 'revoked' | 'disabled' };

export async function readSession(db: DbOrTx, id: string | undefined | null): Promise<SessionCheck> {
  if (!id || id.length > 200) return { ok: false, reason: 'missing' };
  const [row] = await db
    .select({ s: sessions, u: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.idHash, sha256Hex(id)))
    .limit(1);
  if (!row) return { ok: false, reason: 'missing' };
  if (row.s.revokedAt) return { ok: false, reason: 'revoked' };
  const now = Date.now();
  const { idleMs } = sessionLimits();
  if (row.s.expiresAt.getTime() <= now || row.s.lastSeenAt.getTime() + idleMs <= now) return { ok: false, reason: 'expired' };
  if (row.u.status !== 'active' || isSystemUser(row.u)) return { ok: false, reason: 'disabled' };
  if (now - row.s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.idHash, row.s.idHash));
  }
  return { ok: true, user: row.u, idHash: row.s.idHash, provider: row.s.provider };
}

export async function revokeSession(db: DbOrTx, id: string) {
  await db.update(sessions).set({ revokedAt: new Date() }).where(and(eq(sessions.idHash, sha256Hex(id)), isNull(sessions.revokedAt)));
}

/** Logout everywhere: every session of the user ends. Returns how many were active. */
export async function revokeAllSessions(db: DbOrTx, userId: string): Promise<number> {
  const r = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), sql`${sessions.expiresAt} > now()`))
    .returning({ id: sessions.idHash });
  return r.length;
}

/**
 * Every session of the user but one (`keepIdHash`, the one changing the password) ends; without one to keep
 * (a change made with an API token), all of them. Returns how many were active.
 */
export async function revokeOtherSessions(db: DbOrTx, userId: string, keepIdHash: string | undefined): Promise<number> {
  const r = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        sql`${sessions.expiresAt} > now()`,
        keepIdHash ? ne(sessions.idHash, keepIdHash) : undefined,
      ),
    )
    .returning({ id: sessions.idHash });
  return r.length;
}

/**
 * The Set-Cookie value of a new session (sign-in and first-run setup): HttpOnly, SameSite=Lax, and Secure when
 * the console is reached over https — directly, behind a TLS-terminating proxy (X-Forwarded-Proto: https), or
 * when HARBORMASTER_PUBLIC_URL is an https address.
 */
export function sessionCookie(req: Request, session: { id: string; expiresAt: Date }): string {
  const secure = new URL(req.url).protocol === 'https:' || req.headers.get('x-forwarded-proto')?.split(',')[0].trim() === 'https' || (env().HARBORMASTER_PUBLIC_URL ?? '').startsWith('https:');
  return `${SESSION_COOKIE}=${session.id}; Path=/; Expires=${session.expiresAt.toUTCString()}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

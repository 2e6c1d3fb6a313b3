import 'server-only';
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { apiTokens, users } from '../db/schema';
import { AppError } from '../errors';
import { env } from '../env';
import { randomToken, sha256Hex } from './crypto';
import { isSystemUser, type UserRow } from './users';

// Personal access tokens: `hm_` + 32 random bytes (base64url). Shown once; only the SHA-256 is stored.
export const TOKEN_PREFIX = 'hm_';

/** "30d", "12h", "90m", "1y" → milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)\s*(m|h|d|w|y)$/.exec(s.trim());
  if (!m) throw new AppError('bad_request', `"${s}" is not a duration; use e.g. 30d, 12h, 90m, 1y`, { fieldErrors: [{ path: 'expiresIn', message: 'use e.g. 30d, 12h, 90m' }] });
  const n = Number(m[1]);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 }[m[2] as 'm'];
  if (n <= 0) throw new AppError('bad_request', 'expiry must be positive', { fieldErrors: [{ path: 'expiresIn', message: 'must be positive' }] });
  return n * unit;
}

/**
 * When a token asked for with `expiresIn` expires: a duration from now; "never" (asked for explicitly) → null;
 * left out → HARBORMASTER_TOKEN_DEFAULT_DAYS from now (90 by default; 0 = never). Every way of creating a
 * token (console, API, admin CLI) goes through this, so none of them makes a token that never expires unasked.
 */
export function tokenExpiry(expiresIn: string | undefined, now = Date.now()): Date | null {
  const v = expiresIn?.trim();
  if (v === 'never') return null;
  if (v) return new Date(now + parseDuration(v));
  const days = env().HARBORMASTER_TOKEN_DEFAULT_DAYS;
  return days > 0 ? new Date(now + days * 86_400_000) : null;
}

/** The low-level insert: `expiresAt` as given (null = never). Requests go through tokenExpiry first. */
export async function issueToken(db: DbOrTx, userId: string, name: string, expiresAt: Date | null) {
  const token = TOKEN_PREFIX + randomToken(32);
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: sha256Hex(token), prefix: token.slice(0, 10), expiresAt })
    .returning();
  return { token, row };
}

export type TokenCheck = { ok: true; user: UserRow; tokenId: string } | { ok: false; reason: string };

export async function checkToken(db: DbOrTx, token: string): Promise<TokenCheck> {
  if (!token || token.length > 200) return { ok: false, reason: 'malformed token' };
  const [row] = await db
    .select({ t: apiTokens, u: users })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .where(eq(apiTokens.tokenHash, sha256Hex(token)))
    .limit(1);
  if (!row) return { ok: false, reason: 'unknown token' };
  if (row.t.revokedAt) return { ok: false, reason: 'the token was revoked' };
  if (row.t.expiresAt && row.t.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'the token has expired' };
  if (row.u.status !== 'active' || isSystemUser(row.u)) return { ok: false, reason: 'the user is disabled' };
  if (!row.t.lastUsedAt || Date.now() - row.t.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.t.id));
  }
  return { ok: true, user: row.u, tokenId: row.t.id };
}

export async function listTokens(db: DbOrTx, userId: string) {
  const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
  return rows.map(tokenDto);
}

export function tokenDto(t: typeof apiTokens.$inferSelect) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export async function revokeToken(db: DbOrTx, userId: string, tokenId: string) {
  const r = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning();
  return r[0];
}

/** Revokes every token of the user that still works (password reset by an admin). Returns how many. */
export async function revokeAllTokens(db: DbOrTx, userId: string): Promise<number> {
  const now = new Date();
  const r = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))))
    .returning({ id: apiTokens.id });
  return r.length;
}

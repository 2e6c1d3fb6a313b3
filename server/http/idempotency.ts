import 'server-only';
import { createHmac } from 'node:crypto';
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { idempotencyKeys } from '../db/schema';
import { AppError } from '../errors';
import { decryptSecret, encryptSecret, secretKey } from '../secrets';
import { logger } from '../logger';

// Idempotency-Key for mutating API calls: the same key with the same request replays the first answer;
// the same key with a different request is refused. Keys live 24 hours.
//
// Answers can carry secrets (tokens.create/tokens.issue return a live API token, users.create and
// users.resetPassword a password), so nothing is stored in clear: the response body is encrypted with the
// console's secret key (server/secrets.ts, bound to user and key), and the request is recorded as an HMAC
// under that key (a request body can hold a chosen password; a bare SHA-256 of it could be guessed offline).
// Keys older than the window are deleted on every write and by the runtime's hourly prune.

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;

const purpose = (userId: string, key: string) => `idempotency:${userId}:${key}`;
const requestHash = (userId: string, key: string, method: string, path: string, body: string) =>
  'h1:' + createHmac('sha256', secretKey()).update(`${purpose(userId, key)}\n${method} ${path}\n${body}`).digest('hex');

export async function idempotentReplay(db: Db, userId: string, key: string, method: string, path: string, body: string): Promise<Response | null> {
  if (key.length > 200) throw new AppError('bad_request', 'Idempotency-Key must be at most 200 characters', { fieldErrors: [{ path: 'Idempotency-Key', message: 'too long' }] });
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.createdAt} > ${new Date(Date.now() - IDEMPOTENCY_WINDOW_MS)}`))
    .limit(1);
  if (!row) return null;
  let answer: string;
  try {
    if (!row.requestHash.startsWith('h1:')) throw new Error('stored before answers were encrypted');
    answer = decryptSecret(row.body, purpose(userId, key));
  } catch (e) {
    // Written in clear by an older version, or under another secret key: cannot be replayed; forget it.
    logger.warn({ err: { message: (e as Error).message } }, 'idempotency: dropping a stored answer that cannot be read');
    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
    return null;
  }
  if (row.requestHash !== requestHash(userId, key, method, path, body)) {
    throw new AppError('conflict', 'this Idempotency-Key was already used for a different request', { status: 422 });
  }
  return new Response(answer, { status: row.status, headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' } });
}

export async function storeIdempotent(db: Db, userId: string, key: string, method: string, path: string, body: string, status: number, out: unknown) {
  await pruneIdempotencyKeys(db);
  const values = {
    method,
    path,
    requestHash: requestHash(userId, key, method, path, body),
    status,
    body: encryptSecret(JSON.stringify(out), purpose(userId, key)),
  };
  await db
    .insert(idempotencyKeys)
    .values({ userId, key, ...values })
    .onConflictDoUpdate({ target: [idempotencyKeys.userId, idempotencyKeys.key], set: { ...values, createdAt: new Date() } });
}

/** Deletes keys past their window, and any answer an older version stored in clear. Returns how many. */
export async function pruneIdempotencyKeys(db: Db, now = Date.now()): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(or(lt(idempotencyKeys.createdAt, new Date(now - IDEMPOTENCY_WINDOW_MS)), sql`${idempotencyKeys.requestHash} NOT LIKE 'h1:%'`))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}

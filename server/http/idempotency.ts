import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { idempotencyKeys } from '../db/schema';
import { AppError } from '../errors';
import { sha256Hex } from '../auth/crypto';

// Idempotency-Key for mutating API calls: the same key with the same request replays the first answer;
// the same key with a different request is refused. Keys live 24 hours.
export async function idempotentReplay(db: Db, userId: string, key: string, method: string, path: string, body: string): Promise<Response | null> {
  if (key.length > 200) throw new AppError('bad_request', 'Idempotency-Key must be at most 200 characters', { fieldErrors: [{ path: 'Idempotency-Key', message: 'too long' }] });
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.createdAt} > now() - interval '24 hours'`))
    .limit(1);
  if (!row) return null;
  if (row.requestHash !== sha256Hex(`${method} ${path}\n${body}`)) {
    throw new AppError('conflict', 'this Idempotency-Key was already used for a different request', { status: 422 });
  }
  return new Response(row.body, { status: row.status, headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' } });
}

export async function storeIdempotent(db: Db, userId: string, key: string, method: string, path: string, body: string, status: number, out: unknown) {
  await db
    .insert(idempotencyKeys)
    .values({ userId, key, method, path, requestHash: sha256Hex(`${method} ${path}\n${body}`), status, body: JSON.stringify(out) })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: { method, path, requestHash: sha256Hex(`${method} ${path}\n${body}`), status, body: JSON.stringify(out), createdAt: new Date() },
    });
}

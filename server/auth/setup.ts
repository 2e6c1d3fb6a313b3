import 'server-only';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db';
import { setupTokens, users } from '../db/schema';
import { AppError } from '../errors';
import { writeAudit } from '../audit/audit';
import { sha256Hex } from './crypto';
import { createLocalUser, notSystemUser, type UserRow } from './users';

/**
 * First-run setup: the one-time link printed at start creates the first ops admin — only with an unused,
 * unexpired token and only while no user exists. Token use, user and audit event are one transaction.
 */
export async function completeSetup(db: Db, input: { token: string; email: string; password: string; displayName?: string }, requestId: string): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(users).where(notSystemUser());
    const [tok] = await tx
      .select()
      .from(setupTokens)
      .where(and(eq(setupTokens.tokenHash, sha256Hex(input.token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, new Date())));
    if (!tok || Number(n) > 0) throw new AppError('forbidden', 'this setup link is not valid any more (used, expired, or users already exist); ask an ops admin or use npm run admin');
    await tx.update(setupTokens).set({ usedAt: new Date() }).where(eq(setupTokens.tokenHash, tok.tokenHash));
    const u = await createLocalUser(tx, { email: input.email, password: input.password, displayName: input.displayName ?? 'Ops admin', globalRole: 'ops_admin' });
    await writeAudit(tx, { requestId, actor: { id: u.id, email: u.email, role: 'ops_admin' }, action: 'setup.firstAdmin', targetType: 'user', targetName: u.email, outcome: 'success', after: { email: u.email, globalRole: 'ops_admin' } });
    return u;
  });
}

/** Issues a one-time setup token (valid 24 h); returns the token to print. */
export async function issueSetupToken(db: Db, token: string) {
  await db.insert(setupTokens).values({ tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + 86_400_000) });
}

import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/server/db';
import { setupTokens, users } from '@/server/db/schema';
import { AppError, zodFieldErrors } from '@/server/errors';
import { problemResponse } from '@/server/http/problem';
import { readBody } from '@/server/http/body';
import { sha256Hex } from '@/server/auth/crypto';
import { createLocalUser } from '@/server/auth/users';
import { createSession, SESSION_COOKIE } from '@/server/auth/sessions';
import { writeAudit, writeAuditAlone } from '@/server/audit/audit';
import { email, password } from '@/lib/schemas/core';

export const dynamic = 'force-dynamic';

const input = z.strictObject({ token: z.string().min(1).max(200), email, password, displayName: z.string().max(100).optional() });

/** First-run setup: the one-time link printed at start creates the first ops admin (only while no user exists). */
export async function POST(req: NextRequest): Promise<Response> {
  const requestId = randomUUID();
  try {
    const db = await getDb();
    const { value } = await readBody(req);
    const parsed = input.safeParse(value);
    if (!parsed.success) throw new AppError('bad_request', 'check the highlighted fields', { fieldErrors: zodFieldErrors(parsed.error.issues as never) });
    const user = await db.transaction(async (tx) => {
      const [{ n }] = await tx.select({ n: count() }).from(users);
      const [tok] = await tx
        .select()
        .from(setupTokens)
        .where(and(eq(setupTokens.tokenHash, sha256Hex(parsed.data.token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, new Date())));
      if (!tok || Number(n) > 0) throw new AppError('forbidden', 'this setup link is not valid any more (used, expired, or users already exist); ask an ops admin or use npm run admin');
      await tx.update(setupTokens).set({ usedAt: new Date() }).where(eq(setupTokens.tokenHash, tok.tokenHash));
      const u = await createLocalUser(tx, { email: parsed.data.email, password: parsed.data.password, displayName: parsed.data.displayName ?? 'Ops admin', globalRole: 'ops_admin' });
      await writeAudit(tx, { requestId, actor: { id: u.id, email: u.email, role: 'ops_admin' }, action: 'setup.firstAdmin', targetType: 'user', targetName: u.email, outcome: 'success', after: { email: u.email, globalRole: 'ops_admin' } });
      return u;
    });
    const s = await createSession(db, user.id, { ip: req.headers.get('x-forwarded-for'), userAgent: req.headers.get('user-agent') });
    const res = Response.json({ ok: true });
    res.headers.append('set-cookie', `${SESSION_COOKIE}=${s.id}; Path=/; Expires=${s.expiresAt.toUTCString()}; HttpOnly; SameSite=Lax${req.nextUrl.protocol === 'https:' ? '; Secure' : ''}`);
    return res;
  } catch (e) {
    const db = await getDb().catch(() => null);
    if (db) await writeAuditAlone(db, { requestId, actor: null, action: 'setup.firstAdmin', outcome: 'denied', message: e instanceof Error ? e.message : 'failed' }).catch(() => undefined);
    return problemResponse(e, requestId, '/api/auth/setup');
  }
}

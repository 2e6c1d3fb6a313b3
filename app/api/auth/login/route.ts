import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/server/db';
import { AppError, zodFieldErrors } from '@/server/errors';
import { problemResponse } from '@/server/http/problem';
import { readBody } from '@/server/http/body';
import { verifyPassword } from '@/server/auth/crypto';
import { findUserByEmail, normalizeEmail } from '@/server/auth/users';
import { beginAttempt, settleAttempt } from '@/server/auth/rate-limit';
import { clientIpOf } from '@/server/http/client-ip';
import { createSession, sessionCookie } from '@/server/auth/sessions';
import { writeAuditAlone } from '@/server/audit/audit';
import { effectiveRole } from '@/lib/rbac/permissions';
import { principalFor } from '@/server/auth/users';
import { env } from '@/server/env';
import { localAccountsEnabled } from '@/server/auth/entra';

export const dynamic = 'force-dynamic';

const input = z.strictObject({ email: z.string().min(1, 'required').max(254), password: z.string().min(1, 'required').max(1024) });

// One message for unknown email, wrong password and disabled account: it does not tell which emails exist.
const WRONG = 'Wrong email or password.';

const waitText = (s: number) => (s < 60 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minute${Math.ceil(s / 60) === 1 ? '' : 's'}`);

export async function POST(req: NextRequest): Promise<Response> {
  const requestId = randomUUID();
  // The client address from server.mjs (null when unknown: such clients share one throttling bucket).
  const ip = clientIpOf(req.headers);
  try {
    const db = await getDb();
    if (!localAccountsEnabled()) {
      throw new AppError('forbidden', 'Local accounts are switched off on this console (HARBORMASTER_LOCAL_ACCOUNTS=false): sign in with Microsoft.');
    }
    const { value } = await readBody(req);
    const parsed = input.safeParse(value);
    if (!parsed.success) throw new AppError('bad_request', 'email and password are required', { fieldErrors: zodFieldErrors(parsed.error.issues as never) });
    const email = normalizeEmail(parsed.data.email);
    const audit = (outcome: 'success' | 'denied', message: string, user?: { id: string; email: string; role: string | null }) =>
      writeAuditAlone(db, { requestId, actor: user ?? { id: null, email, role: null }, action: 'auth.login', targetType: 'session', targetName: email, outcome, message, ip });

    // Checked and recorded in one step (counted as a failure until the password is found right).
    const throttle = await beginAttempt(db, email, ip);
    if (throttle.limited) {
      await audit('denied', `rate limited (${throttle.scope === 'client' ? 'too many failures from this address' : 'backoff for this account from this address'})`);
      throw new AppError('too_many_requests', `Too many failed sign-in attempts${throttle.scope === 'account' ? ' for this account' : ''} from your address. Try again in ${waitText(throttle.retryAfterSeconds)}.`, {
        retryAfterSeconds: throttle.retryAfterSeconds,
      });
    }
    const user = await findUserByEmail(db, email);
    const ok = (await verifyPassword(user?.passwordHash ?? null, parsed.data.password)) && user?.status === 'active';
    await settleAttempt(db, throttle.attemptId, ok);
    if (!ok || !user) {
      await audit('denied', user?.status === 'disabled' ? 'account disabled' : 'wrong email or password');
      throw new AppError('unauthorized', WRONG, { fieldErrors: [{ path: 'password', message: WRONG }] });
    }
    const principal = await principalFor(db, user);
    const session = await createSession(db, user.id, { ip, userAgent: req.headers.get('user-agent') });
    await audit('success', 'signed in', { id: user.id, email: user.email, role: effectiveRole(principal) });
    const res = new Response(JSON.stringify({ ok: true, email: user.email, role: effectiveRole(principal) }), {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
    res.headers.append('set-cookie', sessionCookie(req, session));
    return res;
  } catch (e) {
    return problemResponse(e, requestId, '/api/auth/login');
  }
}

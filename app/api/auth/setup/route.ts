import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/server/db';
import { AppError, zodFieldErrors } from '@/server/errors';
import { problemResponse } from '@/server/http/problem';
import { readBody } from '@/server/http/body';
import { completeSetup } from '@/server/auth/setup';
import { createSession, sessionCookie } from '@/server/auth/sessions';
import { writeAuditAlone } from '@/server/audit/audit';
import { clientIpOf } from '@/server/http/client-ip';
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
    const user = await completeSetup(db, parsed.data, requestId);
    const s = await createSession(db, user.id, { ip: clientIpOf(req.headers), userAgent: req.headers.get('user-agent') });
    const res = Response.json({ ok: true });
    res.headers.append('set-cookie', sessionCookie(req, s));
    return res;
  } catch (e) {
    const db = await getDb().catch(() => null);
    if (db) await writeAuditAlone(db, { requestId, actor: null, action: 'setup.firstAdmin', outcome: 'denied', message: e instanceof Error ? e.message : 'failed' }).catch(() => undefined);
    return problemResponse(e, requestId, '/api/auth/setup');
  }
}

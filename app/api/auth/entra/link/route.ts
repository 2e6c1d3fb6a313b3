import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { getDb } from '@/server/db';
import { AppError, zodFieldErrors } from '@/server/errors';
import { problemResponse } from '@/server/http/problem';
import { readBody } from '@/server/http/body';
import { confirmLinkWithPassword, LINK_COOKIE } from '@/server/auth/entra-flow';
import { clearLinkCookie } from '@/server/auth/entra-http';
import { sessionCookie } from '@/server/auth/sessions';
import { clientIpOf } from '@/server/http/client-ip';

export const dynamic = 'force-dynamic';

const input = z.strictObject({ password: z.string().min(1, 'required').max(1024) });

/**
 * POST /api/auth/entra/link {"password"} — the local account whose email a Microsoft sign-in named confirms the
 * link with its password (the waiting sign-in is this browser's hm_link cookie). JSON only (no cross-site form).
 */
export async function POST(req: NextRequest): Promise<Response> {
  const requestId = randomUUID();
  try {
    const { kind, value } = await readBody(req);
    if (kind !== 'json') throw new AppError('unsupported_media_type', 'send {"password": "…"} as application/json');
    const parsed = input.safeParse(value);
    if (!parsed.success) throw new AppError('bad_request', 'password is required', { fieldErrors: zodFieldErrors(parsed.error.issues as never) });
    const outcome = await confirmLinkWithPassword(await getDb(), req.cookies.get(LINK_COOKIE)?.value, parsed.data.password, {
      ip: clientIpOf(req.headers),
      userAgent: req.headers.get('user-agent'),
      requestId,
    });
    if (outcome.kind !== 'session') {
      throw new AppError('conflict', 'No Microsoft sign-in is waiting for a link in this browser any more (15 minutes). Sign in with Microsoft again.', {
        fieldErrors: [{ path: 'password', message: 'nothing to link' }],
      });
    }
    const res = new Response(JSON.stringify({ ok: true, email: outcome.user.email, next: outcome.next }), { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
    res.headers.append('set-cookie', sessionCookie(req, outcome.session));
    res.headers.append('set-cookie', clearLinkCookie(req));
    return res;
  } catch (e) {
    return problemResponse(e, requestId, '/api/auth/entra/link');
  }
}

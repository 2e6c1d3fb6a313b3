import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { getDb } from '@/server/db';
import { completeLogin, LOGIN_COOKIE } from '@/server/auth/entra-flow';
import { clearLoginCookie, outcomeResponse } from '@/server/auth/entra-http';
import { clientIpOf } from '@/server/http/client-ip';

export const dynamic = 'force-dynamic';

/**
 * GET /api/auth/entra/callback?code=…&state=… — the identity provider's redirect back. The state must be one this
 * console issued to this browser, unused and younger than 10 minutes; the code is redeemed with its PKCE verifier;
 * the ID token is verified (signature, issuer, audience, expiry, nonce). Refusals go to the login page with a
 * reason and are audited; no session is created for them.
 */
export async function GET(req: NextRequest): Promise<Response> {
  const outcome = await completeLogin(await getDb(), req.nextUrl.searchParams, req.cookies.get(LOGIN_COOKIE)?.value, {
    ip: clientIpOf(req.headers),
    userAgent: req.headers.get('user-agent'),
    requestId: randomUUID(),
  });
  return outcomeResponse(req, outcome, [clearLoginCookie(req)]);
}

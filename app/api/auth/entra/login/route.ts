import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { getDb } from '@/server/db';
import { startLogin } from '@/server/auth/entra-flow';
import { entraConfig } from '@/server/auth/entra';
import { loginCookie, redirectTo } from '@/server/auth/entra-http';
import { logger } from '@/server/logger';

export const dynamic = 'force-dynamic';

/** GET /api/auth/entra/login?next=/w/vision — "Sign in with Microsoft": off to the identity provider. */
export async function GET(req: NextRequest): Promise<Response> {
  if (!entraConfig()) return redirectTo('/login?error=not_configured');
  try {
    const { url, browserSecret } = await startLogin(await getDb(), req.nextUrl.searchParams.get('next'));
    const res = new Response(null, { status: 302, headers: { location: url, 'cache-control': 'no-store' } });
    res.headers.append('set-cookie', loginCookie(req, browserSecret));
    return res;
  } catch (e) {
    logger.warn({ err: (e as Error).message, requestId: randomUUID() }, 'sign-in with Microsoft could not start');
    return redirectTo('/login?error=unavailable');
  }
}

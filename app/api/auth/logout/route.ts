import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { getDb } from '@/server/db';
import { readSession, revokeAllSessions, revokeSession, SESSION_COOKIE } from '@/server/auth/sessions';
import { writeAuditAlone } from '@/server/audit/audit';
import { clientIpOf } from '@/server/http/client-ip';
import { forgetTokenCache, forgetUserTokenCaches } from '@/server/auth/entra-flow';
import { endSessionUrl, entraConfig } from '@/server/auth/entra';
import { sha256Hex } from '@/server/auth/crypto';

export const dynamic = 'force-dynamic';

/**
 * POST /api/auth/logout (form or fetch); `?everywhere=true` ends every session of the account. A session opened
 * with Microsoft loses its token cache, and the answer offers the identity provider's end-session URL
 * (`endSessionUrl` in JSON; the login page's "Also sign out of Microsoft" after the redirect).
 */
export async function POST(req: NextRequest): Promise<Response> {
  const sid = req.cookies.get(SESSION_COOKIE)?.value;
  const everywhere = req.nextUrl.searchParams.get('everywhere') === 'true';
  let viaMicrosoft = false;
  if (sid) {
    const db = await getDb();
    const s = await readSession(db, sid);
    if (s.ok) {
      viaMicrosoft = s.provider === 'entra';
      const n = everywhere ? await revokeAllSessions(db, s.user.id) : (await revokeSession(db, sid), 1);
      if (everywhere) await forgetUserTokenCaches(db, s.user.id);
      else await forgetTokenCache(db, sha256Hex(sid));
      await writeAuditAlone(db, {
        requestId: randomUUID(), actor: { id: s.user.id, email: s.user.email, role: s.user.globalRole }, action: everywhere ? 'auth.logoutEverywhere' : 'auth.logout',
        targetType: 'session', targetName: s.user.email, outcome: 'success', message: `${n} session(s) ended`, ip: clientIpOf(req.headers),
      });
    }
  }
  const wantsJson = (req.headers.get('accept') ?? '').includes('application/json');
  const cfg = viaMicrosoft ? entraConfig() : null;
  const endSession = cfg ? await endSessionUrl(cfg, new URL('/login?signedOut=1', cfg.redirectUri).toString()).catch(() => null) : null;
  const res = wantsJson
    ? new Response(JSON.stringify({ ok: true, ...(endSession ? { endSessionUrl: endSession } : {}) }), { headers: { 'content-type': 'application/json' } })
    : new Response(null, { status: 303, headers: { location: `/login?signedOut=1${endSession ? '&provider=entra' : ''}` } });
  res.headers.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax`);
  return res;
}

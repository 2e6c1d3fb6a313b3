import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { getDb } from '@/server/db';
import { readSession, revokeAllSessions, revokeSession, SESSION_COOKIE } from '@/server/auth/sessions';
import { writeAuditAlone } from '@/server/audit/audit';
import { clientIpOf } from '@/server/http/client-ip';

export const dynamic = 'force-dynamic';

/** POST /api/auth/logout (form or fetch); `?everywhere=true` ends every session of the account. */
export async function POST(req: NextRequest): Promise<Response> {
  const sid = req.cookies.get(SESSION_COOKIE)?.value;
  const everywhere = req.nextUrl.searchParams.get('everywhere') === 'true';
  if (sid) {
    const db = await getDb();
    const s = await readSession(db, sid);
    if (s.ok) {
      const n = everywhere ? await revokeAllSessions(db, s.user.id) : (await revokeSession(db, sid), 1);
      await writeAuditAlone(db, {
        requestId: randomUUID(), actor: { id: s.user.id, email: s.user.email, role: s.user.globalRole }, action: everywhere ? 'auth.logoutEverywhere' : 'auth.logout',
        targetType: 'session', targetName: s.user.email, outcome: 'success', message: `${n} session(s) ended`, ip: clientIpOf(req.headers),
      });
    }
  }
  const wantsJson = (req.headers.get('accept') ?? '').includes('application/json');
  const res = wantsJson
    ? new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } })
    : new Response(null, { status: 303, headers: { location: '/login?signedOut=1' } });
  res.headers.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax`);
  return res;
}

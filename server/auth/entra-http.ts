import 'server-only';
import { sessionCookie } from './sessions';
import type { CallbackOutcome } from './entra-flow';
import { LINK_COOKIE, LOGIN_COOKIE } from './entra-flow';

// The HTTP side of the Microsoft sign-in routes (app/api/auth/entra/*): redirects and cookies.

const secureFlag = (req: Request) => (new URL(req.url).protocol === 'https:' || req.headers.get('x-forwarded-proto')?.split(',')[0].trim() === 'https' ? '; Secure' : '');

export function loginCookie(req: Request, value: string) {
  // Path: only the callback reads it. SameSite=Lax: the issuer's redirect back is a top-level GET navigation.
  return `${LOGIN_COOKIE}=${value}; Path=/api/auth/entra/callback; Max-Age=600; HttpOnly; SameSite=Lax${secureFlag(req)}`;
}

export const clearLoginCookie = (req: Request) => `${LOGIN_COOKIE}=; Path=/api/auth/entra/callback; Max-Age=0; HttpOnly; SameSite=Lax${secureFlag(req)}`;
export const linkCookie = (req: Request, value: string) => `${LINK_COOKIE}=${value}; Path=/; Max-Age=900; HttpOnly; SameSite=Lax${secureFlag(req)}`;
export const clearLinkCookie = (req: Request) => `${LINK_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secureFlag(req)}`;

/** A redirect to a path of this console (relative Location: right behind any proxy). */
export function redirectTo(path: string, cookies: string[] = []): Response {
  const res = new Response(null, { status: 303, headers: { location: path, 'cache-control': 'no-store' } });
  for (const c of cookies) res.headers.append('set-cookie', c);
  return res;
}

/** Where the browser goes after the callback (or the link confirmation). */
export function outcomeResponse(req: Request, outcome: CallbackOutcome, extraCookies: string[] = []): Response {
  if (outcome.kind === 'session') return redirectTo(outcome.next, [...extraCookies, sessionCookie(req, outcome.session)]);
  if (outcome.kind === 'link') return redirectTo('/login/link', [...extraCookies, linkCookie(req, outcome.linkToken)]);
  return redirectTo(`/login?error=${outcome.reason}`, extraCookies);
}

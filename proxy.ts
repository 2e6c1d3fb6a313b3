import { NextResponse, type NextRequest } from 'next/server';

/**
 * The Content-Security-Policy of the console's pages, with this response's script nonce. Scripts run only from
 * this origin or with the nonce ('strict-dynamic': scripts those load may load others; no 'unsafe-inline').
 * Styles allow 'unsafe-inline': React renders `style` attributes (Radix positions its popovers and menus with
 * them), Next inlines styles of its own and tailwind's CSS variables are set inline; a style cannot run code.
 * API routes (JSON) are not matched here and keep next.config.js's `frame-ancestors 'none'`.
 */
function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    "default-src 'self'",
    // `next dev` only: React rebuilds server error stacks with eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Every page request: a fresh nonce in the Content-Security-Policy of the request (Next reads it there and puts it
 * on its own scripts; the root layout passes it to the theme script) and of the response; and the requested path
 * for server components (so a sign-in redirect can come back to it).
 */
export function proxy(req: NextRequest) {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
  const csp = contentSecurityPolicy(nonce);
  const headers = new Headers(req.headers);
  headers.set('x-hm-pathname', req.nextUrl.pathname + req.nextUrl.search);
  headers.set('Content-Security-Policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('Content-Security-Policy', csp);
  return res;
}

export const config = { matcher: ['/((?!api/|arm/|_next/|metrics|favicon).*)'] };

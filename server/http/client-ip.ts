import 'server-only';
import { headers } from 'next/headers';
import { logger } from '../logger';
import { CLIENT_IP_HEADER, clientIpHeaderIsSet, normalizeAddress } from './client-address.mjs';

// The one place server code learns a request's client address (audit log, sessions, sign-in throttling,
// denial limits). server.mjs — what `npm start`, `npm run demo` and the e2e runner start — computes it from the
// socket (and X-Forwarded-For only from HARBORMASTER_TRUSTED_PROXIES, see client-address.mjs) and writes it into
// the private header x-harbormaster-client-ip, dropping any copy the client sent. X-Forwarded-For and X-Real-IP
// are never read for identity.
//
// Fallback, by design: when the console was not started by server.mjs (`next dev`, a bare `next start`), the
// header cannot be trusted — a client could have written it — so the address is unknown (null): the audit log
// records no address, and sign-in throttling counts all such clients as one ("unknown"). A warning says so once.
// Unit tests that call route handlers directly stand in for server.mjs: test/fixtures.ts calls
// markClientIpHeaderSet() and the tests pass the header themselves (`clientIpHeaders('10.0.0.1')`).

export { CLIENT_IP_HEADER };

let warned = false;

/** The client address of a request (normalized IPv4/IPv6), or null when unknown. */
export function clientIpOf(h: Headers): string | null {
  if (!clientIpHeaderIsSet()) {
    if (!warned) {
      warned = true;
      logger.warn('the console was not started by server.mjs: client addresses are unknown (sign-in throttling counts all clients as one)');
    }
    return null;
  }
  return normalizeAddress(h.get(CLIENT_IP_HEADER));
}

/** The same for server components and server actions (next/headers). */
export async function requestClientIp(): Promise<string | null> {
  return clientIpOf(await headers());
}

/** Tests: the headers server.mjs would have written for a client at `ip`. */
export function clientIpHeaders(ip: string): Record<string, string> {
  return { [CLIENT_IP_HEADER]: ip };
}

import 'server-only';

/**
 * The console's address as a request reached it: a proxy's X-Forwarded-Host/Proto first, then the Host header
 * (server actions) or the request URL (route handlers). Job pods fetch uploaded code from it unless
 * HARBORMASTER_PUBLIC_URL is set.
 */
export function requestOriginOf(headers: Headers, url?: URL): string | undefined {
  const first = (name: string) => headers.get(name)?.split(',')[0].trim() || undefined;
  const host = first('x-forwarded-host') ?? (url ? undefined : first('host'));
  if (!host) return url?.origin;
  return `${first('x-forwarded-proto') ?? url?.protocol.replace(':', '') ?? 'http'}://${host}`;
}

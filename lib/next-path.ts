// Where the sign-in page sends the browser afterwards (`/login?next=…`): a path on this console, never another
// site. Browsers read more than RFC 3986 says: `/\evil.com` and `/\t/evil.com` (tabs and newlines are dropped)
// are `//evil.com`, another host; `/%5Cevil.com` arrives here already decoded to `/\evil.com`. So the value is
// parsed with the WHATWG URL parser against a placeholder origin and kept only when it stays on that origin, and
// what is returned is the parsed path (not the raw text), which must itself start with exactly one `/`.
// Pure: the login page (server) and the login form (browser) both use it.

const ORIGIN = 'https://console.invalid';

/** The longest `next` kept (a console URL with its query fits easily). */
export const MAX_NEXT_LENGTH = 2048;

// ASCII control characters (tabs and newlines included), space, and backslash: none belongs in a path we wrote.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0020\u007f\\]/;

function decodeOnce(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The same-origin path (with query and fragment) that `next` names, or `fallback` when it names anything else. */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next === '' || next.length > MAX_NEXT_LENGTH) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || UNSAFE_CHARS.test(next)) return fallback;
  // Encoded variants (`/%5Cevil.com`, `/%2F%2Fevil.com`, `/%09/evil.com`, twice encoded …): the path, decoded as
  // often as it decodes, must still be a plain path. The query and fragment may hold any encoded text.
  let path = next.split(/[?#]/, 1)[0];
  for (let i = 0; i < 5; i++) {
    const decoded = decodeOnce(path);
    if (decoded === null) return fallback;
    if (decoded.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(decoded)) return fallback;
    if (decoded === path) break;
    path = decoded;
  }
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== ORIGIN) return fallback;
  const out = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.com` normalizes to `//evil.com`: refused here, not passed on.
  return out.startsWith('/') && !out.startsWith('//') && !out.startsWith('/\\') ? out : fallback;
}

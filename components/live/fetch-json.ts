// GET a JSON document from our own API (the session cookie authenticates). A failure throws an Error that
// carries the HTTP status (react-query's retry rule reads it), the problem's detail and the request id.

export class FetchError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init, headers: { accept: 'application/json', ...init?.headers } });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`.trim();
    try {
      const p = (await res.json()) as { detail?: string; title?: string };
      detail = p.detail || p.title || detail;
    } catch {
      /* not problem+json */
    }
    throw new FetchError(detail, res.status, res.headers.get('x-request-id') ?? undefined);
  }
  return (await res.json()) as T;
}

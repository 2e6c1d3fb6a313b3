import 'server-only';
import { AppError } from '../errors';

// One paging convention for every list of the API (DESIGN §4): `{items, next?}`, where `next` is an opaque
// string the client sends back as `?cursor=` for the following page. The cursor carries the sort key of the
// last row of the page (keyset pagination: stable under inserts, no OFFSET scans); it is base64url JSON so
// clients treat it as opaque and a hand-made one is refused with a 400 naming `cursor`.

export interface Page<T> {
  items: T[];
  next?: string;
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key a `?cursor=` carries; a 400 naming `cursor` when it is not one of ours (or lacks `fields`). */
export function decodeCursor<K extends Record<string, string | number>>(cursor: string, fields: Array<keyof K & string>): K {
  const bad = () => new AppError('bad_request', 'cursor: not a cursor from this list (send back the "next" of the previous page)', { fieldErrors: [{ path: 'cursor', message: 'invalid' }] });
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad();
  for (const f of fields) {
    const x = (v as Record<string, unknown>)[f];
    if (typeof x !== 'string' && typeof x !== 'number') throw bad();
  }
  return v as K;
}

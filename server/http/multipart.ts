import 'server-only';
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import { readBodyBytes } from './body';

// multipart/form-data bodies (code uploads with a job): read with a hard size cap while streaming — the
// Web `Request.formData()` would buffer any size — then parsed by the platform's own multipart parser.

/** Default cap for uploads: a code folder or archive with its job file. */
export const MAX_MULTIPART_BYTES = 50 * 1024 * 1024;

export interface MultipartFile {
  /** The form field the file came in (e.g. `files`, `code`). */
  field: string;
  /** The file name as sent; for folder uploads the path relative to the folder's parent (`src/train.py`). */
  filename: string;
  type: string;
  data: Uint8Array;
}

export interface MultipartBody {
  fields: Record<string, string[]>;
  files: MultipartFile[];
  /** A canonical description (fields and file digests): what Idempotency-Key compares, whatever the boundary. */
  canonical: string;
}

export function isMultipart(req: Request): boolean {
  return (req.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** Reads a multipart/form-data body (at most `limit` bytes). */
export async function readMultipart(req: Request, limit = MAX_MULTIPART_BYTES): Promise<MultipartBody> {
  const contentType = req.headers.get('content-type') ?? '';
  if (!/boundary=/i.test(contentType)) throw new AppError('bad_request', 'multipart/form-data needs a boundary parameter in Content-Type');
  const raw = await readBodyBytes(req, limit, 'the upload');
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch (e) {
    throw new AppError('bad_request', `malformed multipart/form-data body: ${(e as Error).message}`);
  }
  const fields: Record<string, string[]> = {};
  const files: MultipartFile[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') (fields[name] ??= []).push(value);
    else files.push({ field: name, filename: value.name, type: value.type, data: new Uint8Array(await value.arrayBuffer()) });
  }
  const canonical = JSON.stringify({
    fields: Object.keys(fields).sort().map((k) => [k, fields[k]]),
    files: files.map((f) => [f.field, f.filename, createHash('sha256').update(f.data).digest('hex')]),
  });
  return { fields, files, canonical };
}

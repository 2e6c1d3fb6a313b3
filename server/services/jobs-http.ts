import 'server-only';
import { AppError } from '../errors';
import { bodyKind, readBodyText } from '../http/body';
import { isMultipart, MAX_MULTIPART_BYTES, readMultipart } from '../http/multipart';
import type { ApiContext } from '../http/api';
import { uploadFromMultipart } from './code-assets';

// Request bodies of POST /api/v1/workspaces/{ws}/jobs (and …/code), read into the action's input:
//   application/yaml        the Azure ML CLI v2 job file, byte for byte (parsed with PyYAML's rules, not as
//                           generic YAML, so verdicts match the Azure ML CLI)
//   application/json        the same document as JSON (what the console's form sends)
//   multipart/form-data     `job` (the YAML or JSON text, as a field or a file part) plus `files` (one part
//                           per file, file name = path relative to the job file: src/train.py) and/or `code`
//                           (a zip or tar.gz of the code folder); e.g.
//                           curl -F job=@job.yml -F 'files=@src/main.py;filename=src/main.py' …

/** A document submitted as YAML or JSON, alone or with files: `{yaml}` or `{[key]: object}`, plus files/code. */
export interface DocumentBodyOptions {
  /** The input field a JSON document goes to, and the multipart field that may carry it (besides `yaml`). */
  key: string;
  /** What the document is, for messages ("job", "model"). */
  what: string;
  /** Multipart cap. */
  limit?: number;
  requireDocument?: boolean;
}

function documentValue(text: string, key: string, hint?: string): Record<string, unknown> {
  const t = text.trimStart();
  if (hint === 'application/json' || t.startsWith('{')) {
    try {
      return { [key]: JSON.parse(text) };
    } catch (e) {
      if (hint === 'application/json') throw new AppError('bad_request', `malformed JSON: ${(e as Error).message}`);
    }
  }
  return { yaml: text };
}

/** Reads a document body (YAML, JSON, or multipart with files; see above) into `{yaml | <key>, files?, code?}`. */
export async function readDocumentBody(req: Request, opts: DocumentBodyOptions): Promise<{ value: Record<string, unknown>; text: string }> {
  const docFields = [opts.key, 'yaml'];
  if (isMultipart(req)) {
    const mp = await readMultipart(req, opts.limit ?? MAX_MULTIPART_BYTES);
    const docPart = mp.files.find((f) => docFields.includes(f.field));
    const docField = docFields.map((f) => mp.fields[f]?.[0]).find((v) => v !== undefined);
    const rest = { ...mp, files: mp.files.filter((f) => !docFields.includes(f.field)) };
    const upload = uploadFromMultipart(rest);
    const value: Record<string, unknown> = {
      ...(upload.files.length ? { files: upload.files.map((f) => ({ path: f.path, data: f.data })) } : {}),
      ...(upload.codeArchive ? { code: upload.codeArchive } : {}),
    };
    if (docPart) Object.assign(value, documentValue(Buffer.from(docPart.data).toString('utf8'), opts.key, docPart.type.split(';')[0].trim().toLowerCase()));
    else if (docField !== undefined) Object.assign(value, documentValue(docField, opts.key));
    else if (opts.requireDocument !== false) {
      throw new AppError('bad_request', `${opts.key}: the multipart body has no ${opts.what} document; send it as the "${opts.key}" field (YAML or JSON)`, { fieldErrors: [{ path: opts.key, message: 'missing' }] });
    }
    return { value, text: mp.canonical };
  }
  const kind = bodyKind(req);
  if (!kind) throw new AppError('unsupported_media_type', `send application/yaml (an Azure ML ${opts.what} file), application/json or multipart/form-data (got ${req.headers.get('content-type')})`);
  const text = await readBodyText(req);
  if (text.trim() === '') throw new AppError('bad_request', `the body is empty: send an Azure ML ${opts.what} file`, { fieldErrors: [{ path: '(body)', message: 'empty' }] });
  if (kind === 'yaml') return { value: { yaml: text }, text };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AppError('bad_request', `malformed JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AppError('bad_request', `the JSON body must be an object with the ${opts.what}’s fields`, { fieldErrors: [{ path: '(body)', message: 'not an object' }] });
  }
  return { value: { [opts.key]: doc }, text };
}

/** Reads a job submission body (see above) into `{yaml | job, files?, code?}`. */
export function readJobBody(req: Request, opts: { requireDocument?: boolean } = { requireDocument: true }) {
  return readDocumentBody(req, { key: 'job', what: 'job', requireDocument: opts.requireDocument });
}

/** The console's address as the client reached it (behind a proxy: the forwarded host and scheme). */
export function requestOrigin(ctx: Pick<ApiContext, 'caller' | 'url'>): string {
  return ctx.caller.origin ?? ctx.url.origin;
}

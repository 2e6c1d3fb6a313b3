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

const DOC_FIELDS = ['job', 'yaml'];

function documentValue(text: string, hint?: string): { yaml: string } | { job: unknown } {
  const t = text.trimStart();
  if (hint === 'application/json' || t.startsWith('{')) {
    try {
      return { job: JSON.parse(text) };
    } catch (e) {
      if (hint === 'application/json') throw new AppError('bad_request', `malformed JSON: ${(e as Error).message}`);
    }
  }
  return { yaml: text };
}

/** Reads a job submission body (see above) into `{yaml | job, files?, code?}`. */
export async function readJobBody(req: Request, opts: { requireDocument?: boolean } = { requireDocument: true }): Promise<{ value: Record<string, unknown>; text: string }> {
  if (isMultipart(req)) {
    const mp = await readMultipart(req, MAX_MULTIPART_BYTES);
    const docPart = mp.files.find((f) => DOC_FIELDS.includes(f.field));
    const docField = DOC_FIELDS.map((f) => mp.fields[f]?.[0]).find((v) => v !== undefined);
    const rest = { ...mp, files: mp.files.filter((f) => !DOC_FIELDS.includes(f.field)) };
    const upload = uploadFromMultipart(rest);
    const value: Record<string, unknown> = {
      ...(upload.files.length ? { files: upload.files.map((f) => ({ path: f.path, data: f.data })) } : {}),
      ...(upload.codeArchive ? { code: upload.codeArchive } : {}),
    };
    if (docPart) Object.assign(value, documentValue(Buffer.from(docPart.data).toString('utf8'), docPart.type.split(';')[0].trim().toLowerCase()));
    else if (docField !== undefined) Object.assign(value, documentValue(docField));
    else if (opts.requireDocument) {
      throw new AppError('bad_request', 'job: the multipart body has no job document; send it as the "job" field (YAML or JSON)', { fieldErrors: [{ path: 'job', message: 'missing' }] });
    }
    return { value, text: mp.canonical };
  }
  const kind = bodyKind(req);
  if (!kind) throw new AppError('unsupported_media_type', `send application/yaml (an Azure ML job file), application/json or multipart/form-data (got ${req.headers.get('content-type')})`);
  const text = await readBodyText(req);
  if (text.trim() === '') throw new AppError('bad_request', 'the body is empty: send an Azure ML job file (commandJob or sweepJob)', { fieldErrors: [{ path: '(body)', message: 'empty' }] });
  if (kind === 'yaml') return { value: { yaml: text }, text };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AppError('bad_request', `malformed JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AppError('bad_request', 'the JSON body must be an object with the job’s fields (type, command, environment, …)', { fieldErrors: [{ path: '(body)', message: 'not an object' }] });
  }
  return { value: { job: doc }, text };
}

/** The console's address as the client reached it (behind a proxy: the forwarded host and scheme). */
export function requestOrigin(ctx: Pick<ApiContext, 'caller' | 'url'>): string {
  return ctx.caller.origin ?? ctx.url.origin;
}

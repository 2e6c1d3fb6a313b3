import 'server-only';
import { readYamlDocument, yamlValue, YamlLimitError } from '@/lib/yaml-limits';
import { AppError } from '../errors';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the request body with a hard cap (413 past it), whatever Content-Length claims. */
export async function readBodyBytes(req: Request, limit = MAX_BODY_BYTES, what = 'the request body'): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, what);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit, what);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readBodyText(req: Request, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

const tooLarge = (limit: number, what: string) =>
  new AppError('payload_too_large', `${what} is larger than ${limit >= 2 * 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MiB` : `${Math.round(limit / 1024)} KiB`}`);

export type BodyKind = 'json' | 'yaml';

export function bodyKind(req: Request): BodyKind | null {
  const ct = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (ct === '' || ct === 'application/json' || ct.endsWith('+json')) return 'json';
  if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml' || ct === 'text/x-yaml') return 'yaml';
  return null;
}

/**
 * Parses a JSON (or, where allowed, YAML) body into a value; malformed input is a 400 naming the position. A YAML
 * body is read under the caps of lib/yaml-limits.ts (10,000 nodes after expanding aliases …); over one, a 400
 * naming `what` ("instance type YAML"; "request body" by default).
 */
export async function readBody(req: Request, opts: { allowYaml?: boolean; what?: string } = {}): Promise<{ kind: BodyKind; value: unknown; text: string }> {
  const kind = bodyKind(req);
  if (!kind || (kind === 'yaml' && !opts.allowYaml)) {
    throw new AppError('unsupported_media_type', `send application/json${opts.allowYaml ? ' or application/yaml' : ''} (got ${req.headers.get('content-type')})`);
  }
  const text = await readBodyText(req);
  if (text.trim() === '') return { kind, value: {}, text };
  if (kind === 'json') {
    try {
      return { kind, value: JSON.parse(text), text };
    } catch (e) {
      throw new AppError('bad_request', `malformed JSON: ${(e as Error).message}`);
    }
  }
  let doc;
  try {
    doc = readYamlDocument(text, opts.what ?? 'request body', { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    if (e instanceof YamlLimitError) throw yamlLimitProblem(e);
    throw e;
  }
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new AppError('bad_request', `malformed YAML: ${e.message.split('\n')[0]}`, { fieldErrors: [{ path: '(body)', message: e.message.split('\n')[0] }] });
  }
  return { kind, value: yamlValue(doc), text };
}

/** A YAML text over the caps of lib/yaml-limits.ts, as a 400. */
export function yamlLimitProblem(e: YamlLimitError): AppError {
  return new AppError('bad_request', e.message, { fieldErrors: [{ path: '(body)', message: e.message }] });
}

/** An actionRoute `readBody` for JSON or YAML bodies whose YAML refusals name the document ("instance type YAML"). */
export function jsonOrYamlBody(what: string) {
  return (req: Request) => readBody(req, { allowYaml: true, what });
}

import 'server-only';

// One error model (DESIGN §5.4). Expected errors carry a message for people; unexpected ones are logged
// with an id and shown generically.
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'upstream_unavailable'
  | 'internal';

export const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  upstream_unavailable: 503,
  internal: 500,
};

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Invalid request',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  too_many_requests: 'Too many requests',
  upstream_unavailable: 'Upstream unavailable',
  internal: 'Internal error',
};

export interface FieldError {
  path: string;
  message: string;
}

// Next.js may load this module in several server bundles while the action registry and the cluster caches live
// on globalThis, so an AppError can come from another copy of this class: `instanceof` recognises it by a brand.
const APP_ERROR_BRAND = Symbol.for('harbormaster.AppError');

export class AppError extends Error {
  static [Symbol.hasInstance](x: unknown): boolean {
    if (this !== AppError) return Function.prototype[Symbol.hasInstance].call(this, x);
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[APP_ERROR_BRAND] === true;
  }
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldError[];
  readonly retryAfterSeconds?: number;
  readonly status: number;
  /** Whether the specific status (e.g. 422 for unprocessable specs) overrides the code's default. */
  constructor(
    code: ErrorCode,
    message: string,
    opts: { fieldErrors?: FieldError[]; retryAfterSeconds?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    Object.defineProperty(this, APP_ERROR_BRAND, { value: true });
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.status = opts.status ?? STATUS[code];
  }
  get title() {
    return TITLES[this.code];
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Turns zod issues into field errors with dotted paths (`items[1].spec.resources`). */
export function zodFieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: string[] }>): FieldError[] {
  const out: FieldError[] = [];
  for (const i of issues) {
    const base = formatPath(i.path);
    if (i.code === 'unrecognized_keys' && i.keys?.length) {
      for (const k of i.keys) out.push({ path: base ? `${base}.${k}` : k, message: `unknown field "${k}"` });
    } else {
      out.push({ path: base || '(body)', message: i.message });
    }
  }
  return out;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}

export function validationError(fieldErrors: FieldError[], message?: string): AppError {
  const detail = message ?? fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ');
  return new AppError('bad_request', detail, { fieldErrors });
}

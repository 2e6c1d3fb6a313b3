// zod building blocks that read values the way the Azure ML SDK (marshmallow) does, so Harbormaster accepts
// and refuses the same documents: integers may be written "2" or 2.0 (but a fraction is refused rather than
// truncated as marshmallow does), enums are case-insensitive, unknown fields are refused one by one with
// the list of allowed ones, and polymorphic fields (string or mapping, tagged by `type`) are dispatched on
// their shape so errors point at the leaf instead of "no union member matched".

import { z } from 'zod';
import { YamlTimestamp } from './yaml';
import { describeValue } from './issues';

type Ctx = z.core.$RefinementCtx;

export function fail(ctx: Ctx, message: string, path: PropertyKey[] = [], input?: unknown): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, path: path as (string | number)[], input });
  return z.NEVER;
}

/** Marks a field we refuse, with the reason shown to the user. */
export function unsupported(reason: string) {
  return z.unknown().superRefine((v, ctx) => {
    ctx.addIssue({ code: 'custom', message: `not supported: ${reason}`, input: v });
  });
}

/** A field the service fills in (status, id, …): accepted and ignored, as the SDK does; reported as a warning. */
export const readOnly = z.unknown();

/** Strict mapping: each unknown field is its own issue, carrying the allowed names for "did you mean". */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.object(shape).catchall(
    z.unknown().superRefine((v, ctx) => {
      ctx.addIssue({ code: 'custom', message: 'unknown field', params: { unknownField: true, known }, input: v });
    }),
  );
}

/** Runs the schema chosen from the value's shape; its issues keep their full paths. */
export function dispatch<T>(choose: (value: unknown, ctx: Ctx) => z.ZodType<T> | typeof z.NEVER) {
  return z.unknown().transform((value, ctx): T => {
    const schema = choose(value, ctx);
    if (schema === z.NEVER) return z.NEVER as T;
    const r = (schema as z.ZodType<T>).safeParse(value);
    if (!r.success) {
      for (const issue of r.error.issues) ctx.addIssue(Object.assign({}, issue, { input: undefined }) as never);
      return z.NEVER as T;
    }
    return r.data;
  });
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

const PY_INT_STR = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
const PY_FLOAT_STR = /^\s*[+-]?(?:\d+(?:_\d+)*(?:\.\d*(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?\s*$/;

export interface IntOptions {
  min?: number;
  /** Why the minimum exists, shown when it is violated. */
  minReason?: string;
  nullable?: boolean;
}

/** marshmallow fields.Int: 2, 2.0 and "2" are 2; true/false and fractions are refused. */
export function int(opts: IntOptions = {}) {
  return z.unknown().transform((v, ctx): number => {
    if (v === undefined) return fail(ctx, 'is required');
    if (v === null) return opts.nullable ? (null as unknown as number) : fail(ctx, 'must be an integer, not null');
    let n: number | undefined;
    if (isNumber(v)) n = v;
    else if (typeof v === 'string' && PY_INT_STR.test(v)) n = Number(v.replace(/_/g, '').trim());
    if (n === undefined || !Number.isFinite(n)) return fail(ctx, `must be an integer, not ${describeValue(v)}`);
    if (!Number.isInteger(n)) return fail(ctx, `must be a whole number, not ${n} (Azure ML would silently truncate it to ${Math.trunc(n)})`);
    if (opts.min !== undefined && n < opts.min) return fail(ctx, `must be at least ${opts.min}${opts.minReason ? ` (${opts.minReason})` : ''}, not ${n}`);
    return n;
  });
}

/** marshmallow fields.Float: numbers and numeric strings; no NaN or infinity. */
export function float(opts: { nullable?: boolean } = {}) {
  return z.unknown().transform((v, ctx): number => {
    if (v === undefined) return fail(ctx, 'is required');
    if (v === null) return opts.nullable ? (null as unknown as number) : fail(ctx, 'must be a number, not null');
    let n: number | undefined;
    if (isNumber(v)) n = v;
    else if (typeof v === 'string' && PY_FLOAT_STR.test(v)) n = Number(v.replace(/_/g, '').trim());
    if (n === undefined || !Number.isFinite(n)) return fail(ctx, `must be a number, not ${describeValue(v)}`);
    return n;
  });
}

/** marshmallow fields.Str: strings only (a YAML date is not a string: quote it). */
export function str(opts: { nullable?: boolean; nonEmpty?: boolean } = {}) {
  return z.unknown().transform((v, ctx): string => {
    if (v === undefined) return fail(ctx, 'is required');
    if (v === null) return opts.nullable ? (null as unknown as string) : fail(ctx, 'must be a string, not null');
    if (v instanceof YamlTimestamp) return fail(ctx, `must be a string, not a date; quote it: "${v.text}"`);
    if (typeof v !== 'string') return fail(ctx, `must be a string, not ${describeValue(v)}`);
    if (opts.nonEmpty && v.trim() === '') return fail(ctx, 'must not be empty');
    return v;
  });
}

/** Python camel_to_snake, used by the SDK for some enums (goal: Maximize, type: MedianStopping). */
export function camelToSnake(s: string): string {
  return s
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** StringTransformedEnum: case-insensitive (or camel_to_snake) match; yields the canonical value. */
export function ciEnum<const T extends string>(values: readonly T[], opts: { snake?: boolean } = {}) {
  const norm = (s: string) => (opts.snake ? camelToSnake(s) : s.toLowerCase());
  return z.unknown().transform((v, ctx): T => {
    if (v === undefined) return fail(ctx, 'is required');
    const hit = typeof v === 'string' ? values.find((x) => norm(x) === norm(v)) : undefined;
    if (hit === undefined) {
      ctx.addIssue({ code: 'invalid_value', values: [...values], input: v } as never);
      return z.NEVER;
    }
    return hit;
  });
}

/** A mapping of names to values, checking each key and each value (nulls handled by the value schema). */
export function dict<T>(value: z.ZodType<T>, opts: { key?: (key: string) => string | undefined } = {}) {
  return z.unknown().transform((v, ctx): Record<string, T> => {
    if (v === undefined) return fail(ctx, 'is required');
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof YamlTimestamp) {
      return fail(ctx, `must be a mapping of names to values, not ${describeValue(v)}`);
    }
    const out: Record<string, T> = {};
    let bad = false;
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const keyProblem = opts.key?.(k);
      if (keyProblem) {
        fail(ctx, keyProblem, [k]);
        bad = true;
        continue;
      }
      const r = value.safeParse(item);
      if (!r.success) {
        for (const issue of r.error.issues) ctx.addIssue(Object.assign({}, issue, { path: [k, ...issue.path], input: undefined }) as never);
        bad = true;
      } else out[k] = r.data;
    }
    return bad ? z.NEVER : out;
  });
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlTimestamp);
}

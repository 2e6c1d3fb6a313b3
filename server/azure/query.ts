import 'server-only';
import type { z } from 'zod';
import { AppError } from '../errors';

/** A query parameter of an Azure read route, checked by its schema; a 400 names the parameter. */
export function azureQuery(url: URL, name: string, schema: z.ZodType<string>, required: boolean): string | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') {
    if (!required) return undefined;
    throw new AppError('bad_request', `${name}: is required`, { fieldErrors: [{ path: name, message: 'is required' }] });
  }
  const r = schema.safeParse(v);
  if (!r.success) {
    const m = r.error.issues[0]?.message ?? 'invalid';
    throw new AppError('bad_request', `${name}: ${m}`, { fieldErrors: [{ path: name, message: m }] });
  }
  return r.data;
}

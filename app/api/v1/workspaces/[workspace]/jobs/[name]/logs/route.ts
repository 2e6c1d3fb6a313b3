import { apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { jobLogs } from '@/server/services/job-logs';

export const dynamic = 'force-dynamic';

const int = (v: string | null, field: string, min: number, max: number): number | undefined => {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new AppError('bad_request', `${field}: must be a whole number from ${min} to ${max}`, { fieldErrors: [{ path: field, message: `${min}–${max}` }] });
  return n;
};

/**
 * A rank's log as text/plain, streamed: ?rank= (default 0), ?trial= (sweeps), ?follow=true (until the container
 * ends), ?tailLines=, ?timestamps=true (each line prefixed with its time). A finished job whose pods are gone answers 200 with a sentence saying so.
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'jobs.read', ctx.params.workspace);
  const p = ctx.url.searchParams;
  const bool = (k: string) => {
    const v = p.get(k);
    if (v !== null && v !== 'true' && v !== 'false') throw new AppError('bad_request', `${k}: must be true or false`, { fieldErrors: [{ path: k, message: 'true or false' }] });
    return v === 'true';
  };
  const follow = bool('follow');
  const r = await jobLogs(ctx.db, ctx.params.workspace, ctx.params.name, {
    rank: int(p.get('rank'), 'rank', 0, 10_000) ?? 0,
    trial: int(p.get('trial'), 'trial', 0, 100_000),
    tailLines: int(p.get('tailLines'), 'tailLines', 1, 1_000_000),
    follow,
    timestamps: bool('timestamps'),
    signal: ctx.req.signal,
  });
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    ...(r.pod ? { 'x-harbormaster-pod': r.pod } : {}),
  };
  if (p.get('download') === 'true') headers['content-disposition'] = `attachment; filename="${ctx.params.name.replace(/[^\w.-]+/g, '_')}-rank${p.get('rank') ?? 0}.log"`;
  return new Response(r.stream, { status: 200, headers });
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { deploymentLogs } from '@/server/services/endpoint-status';

export const dynamic = 'force-dynamic';

/**
 * A replica's log as text/plain, streamed: ?replica=<pod> (default the newest started), ?follow=true,
 * ?tailLines=, ?timestamps=true. The pod that answered is in X-Harbormaster-Pod.
 */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name, deployment } = ctx.params;
  requireApiPermission(ctx, 'endpoints.read', workspace);
  const p = ctx.url.searchParams;
  const bool = (k: string) => {
    const v = p.get(k);
    if (v !== null && v !== 'true' && v !== 'false') throw new AppError('bad_request', `${k}: must be true or false`, { fieldErrors: [{ path: k, message: 'true or false' }] });
    return v === 'true';
  };
  const tail = p.get('tailLines');
  const tailLines = tail === null || tail === '' ? undefined : Number(tail);
  if (tailLines !== undefined && (!Number.isInteger(tailLines) || tailLines < 1 || tailLines > 1_000_000)) {
    throw new AppError('bad_request', 'tailLines: must be a whole number from 1 to 1000000', { fieldErrors: [{ path: 'tailLines', message: '1–1000000' }] });
  }
  const r = await deploymentLogs(ctx.db, workspace, name, deployment, { replica: p.get('replica') ?? undefined, follow: bool('follow'), tailLines, timestamps: bool('timestamps'), signal: ctx.req.signal });
  return new Response(r.stream, {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', ...(r.pod ? { 'x-harbormaster-pod': r.pod } : {}) },
  });
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { wantsWatch, watchList } from '@/server/http/sse';
import { listTrials, trialByName } from '@/server/services/sweeps';

export const dynamic = 'force-dynamic';

/**
 * A sweep's trials, by index: `{items, next}` (?limit= 1–500, default 100; ?cursor=). Each item: name, index,
 * status, parameters, primaryMetric (its latest value), startedAt/finishedAt, durationSeconds, terminationReason.
 * Trials not created yet are absent. ?watch=true: the trials as ADDED, then each one that changes as MODIFIED.
 */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name } = ctx.params;
  requireApiPermission(ctx, 'jobs.read', workspace);
  const p = ctx.url.searchParams;
  const limitText = p.get('limit');
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 500)) {
    throw new AppError('bad_request', 'limit: must be a whole number from 1 to 500', { fieldErrors: [{ path: 'limit', message: '1–500' }] });
  }
  const first = await listTrials(ctx.db, workspace, name, { limit, cursor: p.get('cursor') ?? undefined }); // 404 before a stream starts
  if (!wantsWatch(ctx.url)) return first;
  return watchList(ctx.req, {
    topics: [`jobs:${workspace}`],
    list: async () => (await listTrials(ctx.db, workspace, name, { limit: 500 })).items,
    load: (key) => trialByName(ctx.db, workspace, name, key),
    uid: (t) => t.uid,
    key: (t) => t.name,
    // Running trials' durations move without a notice.
    resyncMs: 5000,
  });
});

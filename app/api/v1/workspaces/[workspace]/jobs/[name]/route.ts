import { apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchResource } from '@/server/http/sse';
import { jobDetail } from '@/server/services/job-detail';

export const dynamic = 'force-dynamic';

/**
 * One job: the record (spec as submitted, the objects Harbormaster applied with Secret values redacted, status
 * and its transitions) and, from the cluster's live cache, its ranks, events and why it is pending.
 * ?watch=true: text/event-stream of MODIFIED events with the whole job, on every change.
 */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name } = ctx.params;
  requireApiPermission(ctx, 'jobs.read', workspace);
  const first = await jobDetail(ctx.db, workspace, name); // 404 before a stream starts
  if (!wantsWatch(ctx.url)) return first;
  // Pods and events move without a status change: re-read every 2 s besides the job's notices.
  return watchResource(ctx.req, { topics: [`jobs:${workspace}`], load: () => jobDetail(ctx.db, workspace, name), resyncMs: 2000 });
});

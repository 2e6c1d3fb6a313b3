import { apiHandler, requireApiPermission } from '@/server/http/api';
import { getJob } from '@/server/services/jobs-read';

export const dynamic = 'force-dynamic';

/** One job: the spec as submitted, the objects Harbormaster applied (Secret values redacted), its status now. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'jobs.read', ctx.params.workspace);
  return getJob(ctx.db, ctx.params.workspace, ctx.params.name);
});

import { actionRoute } from '@/server/http/api';
import { requestOrigin } from '@/server/services/jobs-http';
import type { JobSubmitResult } from '@/server/actions/jobs';

export const dynamic = 'force-dynamic';

/** Run a job again under a new name (body optional: {"newName": "…"}): 201 when its Job exists, 202 while its cluster cannot be reached. */
export const POST = actionRoute('jobs.rerun', {
  status: (result) => ((result as JobSubmitResult).created ? 201 : 202),
  input: (body, ctx) => ({ ...((body && typeof body === 'object' ? body : {}) as object), workspace: ctx.params.workspace, name: ctx.params.name, origin: requestOrigin(ctx) }),
  present: (result) => {
    const { dryRun: _, ...rest } = result as JobSubmitResult;
    return rest;
  },
});

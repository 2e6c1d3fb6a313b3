import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getWorkspace } from '@/server/services/workspaces';
import { listComputeTargetViews } from '@/server/services/compute-targets-view';

export const dynamic = 'force-dynamic';

/** The workspace's compute targets across clusters, with location, health, quota and usage. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'compute.read', ctx.params.workspace);
  const w = await getWorkspace(ctx.db, ctx.principal!, ctx.params.workspace);
  return listComputeTargetViews(ctx.db, w.name);
});

/** Attach a cluster to the workspace (ops admins). */
export const POST = actionRoute('compute.attach', { status: 201, input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace }) });

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { getWorkspace } from '@/server/services/workspaces';
import { getComputeTarget } from '@/server/services/compute-targets';
import { targetInstanceTypes } from '@/server/services/compute-targets-view';

export const dynamic = 'force-dynamic';

/** The instance types the target allows, with live fit and "can start now" (nodes free ∧ quota left). */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'compute.read', ctx.params.workspace);
  const w = await getWorkspace(ctx.db, ctx.principal!, ctx.params.workspace);
  return targetInstanceTypes(ctx.db, await getComputeTarget(ctx.db, w.name, ctx.params.name, 'name'));
});

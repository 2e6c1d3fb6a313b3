import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getWorkspace } from '@/server/services/workspaces';
import { getComputeTarget } from '@/server/services/compute-targets';
import { computeTargetView } from '@/server/services/compute-targets-view';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'compute.read', ctx.params.workspace);
  const w = await getWorkspace(ctx.db, ctx.principal!, ctx.params.workspace);
  return computeTargetView(ctx.db, await getComputeTarget(ctx.db, w.name, ctx.params.name, 'name'));
});

/** Edit allowed instance types, the default, the quota (null removes it) or the description. */
export const PATCH = actionRoute('compute.update', {
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace, name: ctx.params.name }),
});

/** Detach; `?force=true` even while workloads run (they are deleted), `?deleteNamespace=true` also deletes the namespace. */
export const DELETE = actionRoute('compute.detach', {
  noBody: true,
  input: (_b, ctx) => {
    const flag = (k: string) => (ctx.url.searchParams.get(k) === 'true' ? { [k]: true } : {});
    return { workspace: ctx.params.workspace, name: ctx.params.name, ...flag('force'), ...flag('deleteNamespace') };
  },
});

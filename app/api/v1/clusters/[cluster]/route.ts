import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { clusterDetail } from '@/server/services/clusters-view';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return clusterDetail(ctx.db, await getClusterRow(ctx.db, ctx.params.cluster));
});

export const PATCH = actionRoute('clusters.update', { input: (body, ctx) => ({ ...(body as object), name: ctx.params.cluster }) });

/** Removes the registration (refused while compute targets are attached); nothing changes on the cluster. */
export const DELETE = actionRoute('clusters.remove', { noBody: true, input: (_b, ctx) => ({ name: ctx.params.cluster }) });

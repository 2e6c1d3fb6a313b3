import { apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { clusterNodes } from '@/server/services/clusters-view';

export const dynamic = 'force-dynamic';

/** Nodes and pools with allocatable vs requested capacity, from the live cache. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return clusterNodes(await getClusterRow(ctx.db, ctx.params.cluster));
});

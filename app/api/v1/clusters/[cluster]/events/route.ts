import { apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { clusterEvents } from '@/server/services/clusters-view';

export const dynamic = 'force-dynamic';

/** Warning events of every namespace and all events of the extension namespace, newest first. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return clusterEvents(await getClusterRow(ctx.db, ctx.params.cluster));
});

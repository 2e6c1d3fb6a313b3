import { apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { clusterHealth } from '@/server/services/health';

export const dynamic = 'force-dynamic';

/** Every troubleshooting check (passing ones too): {checks: [{code, status, title, detail, fix}]}. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return clusterHealth(ctx.db, await getClusterRow(ctx.db, ctx.params.cluster), { ping: true });
});

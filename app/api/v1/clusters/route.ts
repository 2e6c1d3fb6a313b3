import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { listClusterSummaries } from '@/server/services/clusters-view';

export const dynamic = 'force-dynamic';

/** Every cluster with health, version, pools and extension status; unreachable ones are also named in `errors`. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return listClusterSummaries(ctx.db);
});

export const POST = actionRoute('clusters.register', { status: 201, allowYaml: true });

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { getModelVersion } from '@/server/services/models';

export const dynamic = 'force-dynamic';

/** One version (`latest`: the newest not archived) with its lineage {job, deployments}. */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name, version } = ctx.params;
  requireApiPermission(ctx, 'models.read', workspace);
  return (await getModelVersion(ctx.db, workspace, name, version)).dto;
});

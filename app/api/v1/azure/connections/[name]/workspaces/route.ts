import { apiHandler, requireApiPermission } from '@/server/http/api';
import { listMlWorkspaces, openAzure } from '@/server/azure/discovery';
import { azureQuery } from '@/server/azure/query';
import { resourceGroupName, subscriptionId } from '@/lib/azure/schemas';

export const dynamic = 'force-dynamic';

/** Azure ML workspaces of ?subscription= (optionally ?resourceGroup=), with their location. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'azure.read');
  const sub = azureQuery(ctx.url, 'subscription', subscriptionId, true)!;
  const rg = azureQuery(ctx.url, 'resourceGroup', resourceGroupName, false);
  const az = await openAzure(ctx.db, ctx.params.name, ctx.caller.sessionIdHash);
  return { items: await listMlWorkspaces(az, sub, rg) };
});

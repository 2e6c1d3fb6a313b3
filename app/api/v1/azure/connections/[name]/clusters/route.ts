import { apiHandler, requireApiPermission } from '@/server/http/api';
import { listAzureClusters, openAzure } from '@/server/azure/discovery';
import { azureQuery } from '@/server/azure/query';
import { subscriptionId } from '@/lib/azure/schemas';

export const dynamic = 'force-dynamic';

/** AKS and Arc clusters of ?subscription= (resource id, location, version, Entra-enabled); a provider that fails is in `errors`. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'azure.read');
  const sub = azureQuery(ctx.url, 'subscription', subscriptionId, true)!;
  const az = await openAzure(ctx.db, ctx.params.name, ctx.caller.sessionIdHash);
  return listAzureClusters(az, sub);
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { listSubscriptions, openAzure } from '@/server/azure/discovery';

export const dynamic = 'force-dynamic';

/** The subscriptions the connection's identity can see (through ARM, as the caller for `user` connections). */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'azure.read');
  const az = await openAzure(ctx.db, ctx.params.name, ctx.caller.sessionIdHash);
  return { items: await listSubscriptions(az) };
});

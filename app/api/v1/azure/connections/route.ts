import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { connectionDto, listConnections } from '@/server/azure/connections';

export const dynamic = 'force-dynamic';

/** Azure connections (never their secrets). */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'azure.read');
  return { items: (await listConnections(ctx.db)).map(connectionDto) };
});

export const POST = actionRoute('azureConnections.create', { status: 201 });

import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { connectionDto, connectionUsers, getConnection } from '@/server/azure/connections';

export const dynamic = 'force-dynamic';

/** A connection (no secret) and who uses it: linked workspaces, clusters whose credentials come through it. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'azure.read');
  const row = await getConnection(ctx.db, ctx.params.name);
  return { ...connectionDto(row), usedBy: await connectionUsers(ctx.db, row.id) };
});

export const PATCH = actionRoute('azureConnections.update', { input: (body, ctx) => ({ ...(body as object), name: ctx.params.name }) });

export const DELETE = actionRoute('azureConnections.delete', { noBody: true, input: (_b, ctx) => ({ name: ctx.params.name }) });

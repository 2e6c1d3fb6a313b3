import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { listWorkspaces } from '@/server/services/workspaces';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'workspaces.list');
  const includeArchived = ctx.url.searchParams.get('includeArchived') === 'true';
  return { items: await listWorkspaces(ctx.db, ctx.principal!, { includeArchived }) };
});

export const POST = actionRoute('workspaces.create', { status: 201 });

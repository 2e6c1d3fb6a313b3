import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getWorkspace, workspaceMembers } from '@/server/services/workspaces';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'workspaces.read', ctx.params.workspace);
  const w = await getWorkspace(ctx.db, ctx.principal!, ctx.params.workspace);
  return { items: await workspaceMembers(ctx.db, w.id) };
});

export const POST = actionRoute('members.add', { status: 201, input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace }) });

import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getWorkspace, workspaceDto, workspaceMembers } from '@/server/services/workspaces';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'workspaces.read', ctx.params.workspace);
  const w = await getWorkspace(ctx.db, ctx.principal!, ctx.params.workspace);
  return { ...workspaceDto(w), members: await workspaceMembers(ctx.db, w.id) };
});

export const PATCH = actionRoute('workspaces.update', {
  input: (body, ctx) => ({ ...(body as object), name: ctx.params.workspace }),
});

/** DELETE archives: workspaces are never hard-deleted (their history stays auditable). */
export const DELETE = actionRoute('workspaces.archive', { noBody: true, input: (_b, ctx) => ({ name: ctx.params.workspace }) });

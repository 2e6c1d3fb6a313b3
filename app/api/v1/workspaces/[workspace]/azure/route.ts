import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { linkDto, workspaceLink } from '@/server/azure/connections';
import { workspaceByName } from '@/server/services/workspaces';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/** The Azure ML workspace this workspace is linked to (404 when none). */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'workspaces.read', ctx.params.workspace);
  const ws = await workspaceByName(ctx.db, ctx.params.workspace);
  const link = await workspaceLink(ctx.db, ws.id);
  if (!link) throw new AppError('not_found', `workspace ${ws.name} is not linked to an Azure ML workspace`);
  return linkDto(ws.name, link);
});

/** Links (or re-links) the workspace: {connection, subscriptionId, resourceGroup, workspaceName}, checked through ARM first. */
export const PUT = actionRoute('workspaces.linkAzure', { input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace }) });

export const DELETE = actionRoute('workspaces.unlinkAzure', { noBody: true, input: (_b, ctx) => ({ workspace: ctx.params.workspace }) });

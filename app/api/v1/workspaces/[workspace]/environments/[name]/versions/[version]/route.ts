import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { environmentDto, findEnvironment } from '@/server/services/environments';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'jobs.read', ctx.params.workspace);
  const row = await findEnvironment(ctx.db, ctx.params.workspace, ctx.params.name, ctx.params.version);
  if (!row) throw new AppError('not_found', `environment ${ctx.params.name}:${ctx.params.version} not found in ${ctx.params.workspace}`);
  return environmentDto(row);
});

export const DELETE = actionRoute('environments.delete', { noBody: true, input: (_b, ctx) => ({ workspace: ctx.params.workspace, name: ctx.params.name, version: ctx.params.version }) });

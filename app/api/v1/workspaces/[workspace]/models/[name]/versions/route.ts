import { apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { listModelVersions } from '@/server/services/models';

export const dynamic = 'force-dynamic';

/** A model's versions, newest first, `{items, next}`; `?archived=false` leaves archived ones out. */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name } = ctx.params;
  requireApiPermission(ctx, 'models.read', workspace);
  const p = ctx.url.searchParams;
  const archived = p.get('archived');
  if (archived !== null && archived !== 'true' && archived !== 'false') throw new AppError('bad_request', 'archived: must be true or false', { fieldErrors: [{ path: 'archived', message: 'true or false' }] });
  const limit = p.get('limit') === null ? undefined : Number(p.get('limit'));
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 200)) throw new AppError('bad_request', 'limit: must be a whole number from 1 to 200', { fieldErrors: [{ path: 'limit', message: '1–200' }] });
  return listModelVersions(ctx.db, workspace, name, { limit, cursor: p.get('cursor') ?? undefined, includeArchived: archived !== 'false' });
});

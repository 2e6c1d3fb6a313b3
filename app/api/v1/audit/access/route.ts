import { apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { accessCsv, accessEntries, accessPage, parseAccessScope } from '@/server/services/access';
import { csvResponse, exportFormat } from '@/server/services/sharing';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/audit/access?workspace=<ws> | ?cluster=<name> [&cursor=&limit=] [&format=json|csv]: the users and API
 * tokens with access there, their role, effective permissions and where they come from (auditors and ops admins).
 * CSV exports every entry (no paging).
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'access.read');
  const p = ctx.url.searchParams;
  const format = exportFormat(p);
  const scope = parseAccessScope(p);
  if (format === 'csv') return csvResponse(accessCsv(await accessEntries(ctx.db, scope)), 'access');
  const limit = p.get('limit');
  if (limit && !/^\d+$/.test(limit)) throw new AppError('bad_request', 'limit must be a whole number', { fieldErrors: [{ path: 'limit', message: 'a whole number' }] });
  return accessPage(ctx.db, scope, { cursor: p.get('cursor') ?? undefined, limit: limit ? Number(limit) : undefined });
});

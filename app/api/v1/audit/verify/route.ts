import { apiHandler, requireApiPermission } from '@/server/http/api';
import { eventIdParam, verifyConsoleAuditChain } from '@/server/audit/audit';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/audit/verify[?from=<id>&to=<id>] → {ok, checked, firstBroken?: {id, reason}, lastId?, lastHash?, ...}.
 * Without a range the whole chain from the genesis hash; with one, the events from..to (the first one's
 * prevHash taken as given). Always 200: a broken chain is a finding, not an error.
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  const from = eventIdParam(ctx.url.searchParams, 'from');
  const to = eventIdParam(ctx.url.searchParams, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new AppError('bad_request', 'from must not be after to', { fieldErrors: [{ path: 'from', message: 'after to' }] });
  return verifyConsoleAuditChain(ctx.db, { from, to });
});

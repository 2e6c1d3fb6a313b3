import { apiHandler, requireApiPermission } from '@/server/http/api';
import { verifyAuditChain } from '@/server/audit/audit';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

function eventId(p: URLSearchParams, name: 'from' | 'to'): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new AppError('bad_request', `${name} must be an event id`, { fieldErrors: [{ path: name, message: 'an event id (a whole number)' }] });
  return Number(v);
}

/**
 * GET /api/v1/audit/verify[?from=<id>&to=<id>] → {ok, checked, firstBroken?: {id, reason}, lastId?, lastHash?, ...}.
 * Without a range the whole chain from the genesis hash; with one, the events from..to (the first one's
 * prevHash taken as given). Always 200: a broken chain is a finding, not an error.
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  const from = eventId(ctx.url.searchParams, 'from');
  const to = eventId(ctx.url.searchParams, 'to');
  if (from !== undefined && to !== undefined && from > to) throw new AppError('bad_request', 'from must not be after to', { fieldErrors: [{ path: 'from', message: 'after to' }] });
  return verifyAuditChain(ctx.db, { from, to });
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { listAuditEvents } from '@/server/services/audit-log';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

const OUTCOMES = ['success', 'denied', 'failed'] as const;

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  const p = ctx.url.searchParams;
  const outcome = p.get('outcome') ?? undefined;
  if (outcome && !OUTCOMES.includes(outcome as never)) throw new AppError('bad_request', `outcome must be one of ${OUTCOMES.join(', ')}`, { fieldErrors: [{ path: 'outcome', message: 'unknown value' }] });
  const cursor = p.get('cursor');
  const limit = p.get('limit');
  if (limit && !/^\d+$/.test(limit)) throw new AppError('bad_request', 'limit must be a whole number', { fieldErrors: [{ path: 'limit', message: 'a whole number' }] });
  return listAuditEvents(ctx.db, {
    q: p.get('q') ?? undefined,
    actor: p.get('actor') ?? undefined,
    action: p.get('action') ?? undefined,
    workspace: p.get('workspace') ?? undefined,
    outcome: outcome as (typeof OUTCOMES)[number] | undefined,
    cursor: cursor ?? undefined,
    limit: limit ? Number(limit) : undefined,
  });
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { exportAuditRows, toCsv, toJsonLines } from '@/server/audit/export';
import { AppError } from '@/server/errors';
import { eventIdParam } from '@/server/audit/audit';

export const dynamic = 'force-dynamic';

const OUTCOMES = ['success', 'denied', 'failed'] as const;

/**
 * GET /api/v1/audit/export?format=csv|jsonl (+ the list filters, from/to event ids): every matching event,
 * newest first, ISO 8601 UTC times, with the chain fields (server/audit/export.ts) so that
 * `node scripts/verify-audit.mjs <file>` re-checks it offline.
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  const p = ctx.url.searchParams;
  const format = p.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new AppError('bad_request', 'format must be csv or jsonl', { fieldErrors: [{ path: 'format', message: 'csv or jsonl' }] });
  const outcome = p.get('outcome') || undefined;
  if (outcome && !OUTCOMES.includes(outcome as never)) throw new AppError('bad_request', `outcome must be one of ${OUTCOMES.join(', ')}`, { fieldErrors: [{ path: 'outcome', message: 'unknown value' }] });
  const rows = await exportAuditRows(ctx.db, {
    q: p.get('q') || undefined,
    actor: p.get('actor') || undefined,
    action: p.get('action') || undefined,
    workspace: p.get('workspace') || undefined,
    outcome: outcome as (typeof OUTCOMES)[number] | undefined,
    from: eventIdParam(p, 'from'),
    to: eventIdParam(p, 'to'),
  });
  const body = format === 'csv' ? toCsv(rows) : toJsonLines(rows);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(body, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="harbormaster-audit-${stamp}.${format}"`,
      'cache-control': 'no-store',
    },
  });
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { listAuditEvents, type AuditEventDto } from '@/server/services/audit-log';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

const COLUMNS = ['id', 'at', 'actor', 'actorRole', 'action', 'targetType', 'targetName', 'workspace', 'outcome', 'message', 'ip', 'requestId', 'before', 'after', 'prevHash', 'hash'] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // Neutralise spreadsheet formulas, quote everything that needs it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** GET /api/v1/audit/export?format=csv|jsonl (+ the list filters): every matching event, oldest last, ISO 8601 UTC times. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  const p = ctx.url.searchParams;
  const format = p.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new AppError('bad_request', 'format must be csv or jsonl', { fieldErrors: [{ path: 'format', message: 'csv or jsonl' }] });
  const filters = { q: p.get('q') ?? undefined, actor: p.get('actor') ?? undefined, workspace: p.get('workspace') ?? undefined, outcome: (p.get('outcome') ?? undefined) as never };
  const rows: AuditEventDto[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAuditEvents(ctx.db, { ...filters, cursor, limit: 500 });
    rows.push(...page.items);
    cursor = page.next;
  } while (cursor && rows.length < 1_000_000);
  const body =
    format === 'csv'
      ? [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n'
      : rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(body, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'content-disposition': `attachment; filename="harbormaster-audit-${stamp}.${format}"`,
      'cache-control': 'no-store',
    },
  });
});

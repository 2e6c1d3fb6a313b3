import 'server-only';
import { and, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { rowsOf } from '../db/client';
import { auditEvents } from '../db/schema';
import { auditFilter, type AuditQuery } from '../services/audit-log';
import { auditContent, selectAuditEvents } from './audit';

// The export of (a filtered range of) the audit log with everything an offline verifier needs
// (scripts/verify-audit.mjs, whose header documents the canonical form): each event's hashed fields under
// their canonical names, prevHash and hash, and on checkpoint events the signed checkpoint.

/** Column order of the CSV export (JSON Lines objects have the same keys). */
export const EXPORT_COLUMNS = [
  'id', 'at', 'actorId', 'actorEmail', 'actorRole', 'action', 'targetType', 'targetName', 'workspace', 'outcome', 'message', 'ip', 'requestId', 'before', 'after',
  'prevHash', 'hash', 'checkpointAt', 'checkpointSignature', 'checkpointPublicKey',
] as const;
const JSON_COLUMNS = new Set(['before', 'after']);

export type ExportRow = ReturnType<typeof auditContent> & {
  prevHash: string;
  hash: string;
  checkpointAt: string | null;
  checkpointSignature: string | null;
  checkpointPublicKey: string | null;
};

/** Every event the filters match (ids from..to included), newest first, with their checkpoints. */
export async function exportAuditRows(db: DbOrTx, q: Omit<AuditQuery, 'cursor' | 'limit'>, max = 1_000_000): Promise<ExportRow[]> {
  const filter = auditFilter(q);
  const out: ExportRow[] = [];
  let before: number | undefined;
  while (out.length < max) {
    const page = await selectAuditEvents(db, before === undefined ? filter : and(lt(auditEvents.id, before), filter), 'desc', 500);
    if (!page.length) break;
    const ids = page.map((r) => Number(r.id));
    const cps = new Map(
      rowsOf<{ event_id: string | number; signature: string; public_key: string; at: string | Date }>(
        await db.execute(sql`SELECT event_id, signature, public_key, at FROM audit_checkpoints WHERE event_id >= ${ids[ids.length - 1]} AND event_id <= ${ids[0]}`),
      ).map((c) => [Number(c.event_id), c]),
    );
    for (const r of page) {
      const cp = cps.get(Number(r.id));
      out.push({
        ...auditContent(r),
        prevHash: r.prevHash,
        hash: r.hash,
        checkpointAt: cp ? new Date(cp.at).toISOString() : null,
        checkpointSignature: cp?.signature ?? null,
        checkpointPublicKey: cp?.public_key ?? null,
      });
    }
    before = ids[ids.length - 1];
  }
  return out;
}

/**
 * One CSV cell, reversibly: null is an empty cell, the empty string a quoted empty cell (""); before/after are
 * JSON text; a value that a spreadsheet would run as a formula (first character = + - @ tab CR, after any
 * apostrophes) gets one more apostrophe in front, which the verifier takes off again.
 */
export function csvCell(v: unknown, json = false): string {
  if (v === null || v === undefined) return '';
  const s = json ? JSON.stringify(v) : String(v);
  if (s === '') return '""';
  const safe = /^'*[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(','), ...rows.map((r) => EXPORT_COLUMNS.map((c) => csvCell(r[c], JSON_COLUMNS.has(c))).join(','))];
  return lines.join('\r\n') + '\r\n';
}

export function toJsonLines(rows: ExportRow[]): string {
  return rows.map((r) => JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, r[c]])))).join('\n') + (rows.length ? '\n' : '');
}

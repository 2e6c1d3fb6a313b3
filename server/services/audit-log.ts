import 'server-only';
import { and, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { auditEvents } from '../db/schema';
import { decodeCursor, encodeCursor } from '../http/paging';

export interface AuditQuery {
  q?: string;
  actor?: string;
  action?: string;
  workspace?: string;
  outcome?: 'success' | 'denied' | 'failed';
  /** The `next` of the previous page (events older than its last one; newest first). */
  cursor?: string;
  limit?: number;
}

export function auditDto(r: typeof auditEvents.$inferSelect) {
  return {
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    requestId: r.requestId,
    actor: r.actorEmail,
    actorRole: r.actorRole,
    action: r.action,
    targetType: r.targetType,
    targetName: r.targetName,
    workspace: r.workspace,
    outcome: r.outcome,
    message: r.message,
    before: r.before,
    after: r.after,
    ip: r.ip,
    hash: r.hash,
    prevHash: r.prevHash,
  };
}
export type AuditEventDto = ReturnType<typeof auditDto>;

export async function listAuditEvents(db: DbOrTx, q: AuditQuery) {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const where: SQL[] = [];
  if (q.cursor) where.push(lt(auditEvents.id, Number(decodeCursor<{ id: number }>(q.cursor, ['id']).id)));
  if (q.actor) where.push(eq(auditEvents.actorEmail, q.actor.toLowerCase()));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.workspace) where.push(eq(auditEvents.workspace, q.workspace));
  if (q.outcome) where.push(eq(auditEvents.outcome, q.outcome));
  if (q.q) {
    const like = `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(auditEvents.action, like), ilike(auditEvents.targetName, like), ilike(auditEvents.actorEmail, like), ilike(auditEvents.message, like))!);
  }
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(auditDto);
  return rows.length > limit ? { items, next: encodeCursor({ id: items[items.length - 1].id }) } : { items };
}

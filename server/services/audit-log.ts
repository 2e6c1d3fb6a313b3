import 'server-only';
import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { auditEvents } from '../db/schema';
import { decodeCursor, encodeCursor } from '../http/paging';

export interface AuditQuery {
  q?: string;
  actor?: string;
  action?: string;
  workspace?: string;
  outcome?: 'success' | 'denied' | 'failed';
  /** Event ids from..to (inclusive). */
  from?: number;
  to?: number;
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

/** The filters of a query (not its cursor) as one condition, or undefined for all events. */
export function auditFilter(q: AuditQuery): SQL | undefined {
  const where: SQL[] = [];
  if (q.actor) where.push(eq(auditEvents.actorEmail, q.actor.toLowerCase()));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.workspace) where.push(eq(auditEvents.workspace, q.workspace));
  if (q.outcome) where.push(eq(auditEvents.outcome, q.outcome));
  if (q.q) {
    const like = `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(auditEvents.action, like), ilike(auditEvents.targetName, like), ilike(auditEvents.actorEmail, like), ilike(auditEvents.message, like))!);
  }
  if (q.from !== undefined) where.push(gte(auditEvents.id, q.from));
  if (q.to !== undefined) where.push(lte(auditEvents.id, q.to));
  return where.length ? and(...where) : undefined;
}

export async function listAuditEvents(db: DbOrTx, q: AuditQuery) {
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 500);
  const filter = auditFilter(q);
  const where = q.cursor ? and(lt(auditEvents.id, Number(decodeCursor<{ id: number }>(q.cursor, ['id']).id)), filter) : filter;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(auditDto);
  return rows.length > limit ? { items, next: encodeCursor({ id: items[items.length - 1].id }) } : { items };
}

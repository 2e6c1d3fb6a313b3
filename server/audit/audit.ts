import 'server-only';
import { and, asc, gt, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db';
import { rowsOf } from '../db/client';
import { auditEvents } from '../db/schema';
import { canonicalJson, redact, sha256 } from './canonical';

// Tamper-evident audit trail (DESIGN §2 "Audit event"). Every event stores
//   hash = SHA-256(prev_hash + canonical JSON of its content, id included)
// and events are appended under an advisory transaction lock, so concurrent writers still form one linear
// chain whose order is the id order. Changing, deleting, inserting or swapping rows breaks the chain at the
// first affected event, which verifyAuditChain() reports.

export const GENESIS = '0'.repeat(64);
const AUDIT_LOCK = 0x6862_6175; // "hbau"

export type Outcome = 'success' | 'denied' | 'failed';

export interface AuditActor {
  id: string | null;
  email: string | null;
  role: string | null;
}

export interface AuditInput {
  requestId: string;
  actor: AuditActor | null;
  action: string;
  targetType?: string | null;
  targetName?: string | null;
  workspace?: string | null;
  outcome: Outcome;
  message?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

type Row = typeof auditEvents.$inferSelect;

function content(r: Omit<Row, 'prevHash' | 'hash'>) {
  return {
    id: Number(r.id),
    at: new Date(r.at).toISOString(),
    requestId: r.requestId,
    actorId: r.actorId ?? null,
    actorEmail: r.actorEmail ?? null,
    actorRole: r.actorRole ?? null,
    action: r.action,
    targetType: r.targetType ?? null,
    targetName: r.targetName ?? null,
    workspace: r.workspace ?? null,
    outcome: r.outcome,
    message: r.message ?? null,
    before: r.before ?? null,
    after: r.after ?? null,
    ip: r.ip ?? null,
  };
}

export const eventHash = (prevHash: string, r: Omit<Row, 'prevHash' | 'hash'>) => sha256(prevHash + canonicalJson(content(r)));

/** Every text field of an event is capped here, whoever writes it (names and messages may come from clients). */
export const AUDIT_TEXT_MAX = 256;

/** Caps one audited text at AUDIT_TEXT_MAX characters (an ellipsis marks a cut); null stays null. */
export function auditText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  if (s.length <= AUDIT_TEXT_MAX) return s;
  let cut = s.slice(0, AUDIT_TEXT_MAX - 1);
  // No lone high surrogate at the cut.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + '…';
}

/** Appends one event. Call inside the transaction of the change it records (or its own for denials). */
export async function writeAudit(tx: DbOrTx, e: AuditInput): Promise<Row> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const last = rowsOf<{ hash: string }>(await tx.execute(sql`SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1`));
  const prevHash = last[0]?.hash ?? GENESIS;
  const idRow = rowsOf<{ id: string | number }>(await tx.execute(sql`SELECT nextval('audit_events_id_seq') AS id`));
  const base = {
    id: Number(idRow[0].id),
    at: new Date(),
    requestId: auditText(e.requestId) ?? '',
    actorId: e.actor?.id ?? null,
    actorEmail: auditText(e.actor?.email),
    actorRole: auditText(e.actor?.role),
    action: auditText(e.action) ?? '',
    targetType: auditText(e.targetType),
    targetName: auditText(e.targetName),
    workspace: auditText(e.workspace),
    outcome: e.outcome,
    message: e.message ? auditText(e.message) : null,
    before: e.before === undefined ? null : redact(JSON.parse(JSON.stringify(e.before))),
    after: e.after === undefined ? null : redact(JSON.parse(JSON.stringify(e.after))),
    ip: auditText(e.ip),
  };
  const row: Row = { ...base, prevHash, hash: eventHash(prevHash, base) };
  await tx.insert(auditEvents).values(row);
  return row;
}

/** Writes an event in its own transaction (denied or failed attempts, whose change was rolled back). */
export function writeAuditAlone(db: Db, e: AuditInput): Promise<Row> {
  return db.transaction((tx) => writeAudit(tx, e));
}

export interface ChainVerdict {
  ok: boolean;
  /** Events checked (up to and including the first broken one). */
  checked: number;
  firstBroken?: { id: number; reason: string };
  /** The last event checked that verified: where a range ends, the head for a whole-chain check. */
  lastId?: number;
  lastHash?: string;
}

export interface VerifyRange {
  /** First event id to check; its prevHash is taken as given. */
  from?: number;
  /** Last event id to check. */
  to?: number;
}

/** Walks the chain (or the range from..to) in id order and reports the first event that does not verify. */
export async function verifyAuditChain(db: DbOrTx, range: VerifyRange = {}): Promise<ChainVerdict> {
  let prevHash: string | null = range.from === undefined ? GENESIS : null;
  let checked = 0;
  let after = range.from === undefined ? -1 : range.from - 1;
  let lastId: number | undefined;
  for (;;) {
    const cond = range.to === undefined ? gt(auditEvents.id, after) : and(gt(auditEvents.id, after), lte(auditEvents.id, range.to));
    const batch = await db.select().from(auditEvents).where(cond).orderBy(asc(auditEvents.id)).limit(1000);
    if (batch.length === 0) break;
    for (const r of batch) {
      checked++;
      const id = Number(r.id);
      if (prevHash === null) prevHash = r.prevHash;
      if (r.prevHash !== prevHash) {
        return { ok: false, checked, firstBroken: { id, reason: `event ${id} does not follow the event before it (an event was deleted, inserted or moved)` } };
      }
      if (eventHash(prevHash, r) !== r.hash) {
        return { ok: false, checked, firstBroken: { id, reason: `event ${id} was changed after it was written (its content no longer matches its hash)` } };
      }
      prevHash = r.hash;
      after = lastId = id;
    }
  }
  return { ok: true, checked, lastId, lastHash: prevHash ?? undefined };
}

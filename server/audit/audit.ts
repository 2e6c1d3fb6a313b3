import 'server-only';
import { and, asc, desc, eq, getTableColumns, gt, lt, lte, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../errors';
import type { Db, DbOrTx } from '../db';
import { rowsOf } from '../db/client';
import { auditEvents } from '../db/schema';
import { canonicalJson, redact, sha256 } from './canonical';
import { auditSigningKey, fingerprintOf, signAudit, verifyAuditSignature, type AuditSigningKey } from './signing';

// Tamper-evident audit trail (DESIGN §2 "Audit event"). Every event stores
//   hash = SHA-256(prev_hash + canonical JSON of its content, id included)
// and events are appended under an advisory transaction lock, so concurrent writers still form one linear
// chain whose order is the id order. Changing, deleting, inserting or swapping rows breaks the chain at the
// first affected event, which verifyAuditChain() reports.
//
// Signed checkpoints (server/audit/signing.ts, table audit_checkpoints): once a signing key has been used
// (ensureAuditSigning at start: the switch is itself an event, `audit.signingKey`, carrying the public key),
// every CHECKPOINT_EVERY-th event after the previous checkpoint gets a checkpoint — its id and hash signed with
// an Ed25519 key held outside the database. Events written before the first checkpoint keep the rule they were
// written with (the hash chain alone). A database writer who recomputes the whole chain cannot produce the
// signatures; events after the newest checkpoint are covered by a signed head (GET /api/v1/audit/head) that
// an auditor records.

export const GENESIS = '0'.repeat(64);
/** A signed checkpoint every this many events (recorded in each `audit.signingKey` event too). */
export const CHECKPOINT_EVERY = 100;
/** The action of the event that records the first use of a signing key. */
export const SIGNING_KEY_ACTION = 'audit.signingKey';
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

/** The hashed content of an event: every field but prevHash and hash, in the canonical form's terms. */
export function auditContent(r: Omit<Row, 'prevHash' | 'hash'>) {
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

export const eventHash = (prevHash: string, r: Omit<Row, 'prevHash' | 'hash'>) => sha256(prevHash + canonicalJson(auditContent(r)));

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

async function appendEvent(tx: DbOrTx, e: AuditInput): Promise<Row> {
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

export interface CheckpointRow {
  eventId: number;
  hash: string;
  signature: string;
  publicKey: string;
  at: string;
}

const toCheckpoint = (r: { event_id: string | number; hash: string; signature: string; public_key: string; at: string | Date }): CheckpointRow => ({
  eventId: Number(r.event_id),
  hash: r.hash,
  signature: r.signature,
  publicKey: r.public_key,
  at: new Date(r.at).toISOString(),
});

async function lastCheckpoint(tx: DbOrTx): Promise<CheckpointRow | undefined> {
  const r = rowsOf<Parameters<typeof toCheckpoint>[0]>(await tx.execute(sql`SELECT event_id, hash, signature, public_key, at FROM audit_checkpoints ORDER BY event_id DESC LIMIT 1`));
  return r[0] ? toCheckpoint(r[0]) : undefined;
}

async function signCheckpoint(tx: DbOrTx, row: Pick<Row, 'id' | 'hash'>, key: AuditSigningKey): Promise<void> {
  const at = new Date().toISOString();
  const signature = signAudit(key, 'checkpoint', Number(row.id), row.hash, at);
  await tx.execute(sql`INSERT INTO audit_checkpoints (event_id, hash, signature, public_key, at) VALUES (${Number(row.id)}, ${row.hash}, ${signature}, ${key.publicKey}, ${at})`);
}

/** Records the first use of `key` as an event (carrying its public key) and signs a checkpoint on it. */
async function switchKey(tx: DbOrTx, key: AuditSigningKey, previous: CheckpointRow | undefined): Promise<Row> {
  const row = await appendEvent(tx, {
    requestId: 'audit-signing',
    actor: null,
    action: SIGNING_KEY_ACTION,
    targetType: 'audit',
    targetName: key.fingerprint.slice(0, 23),
    outcome: 'success',
    message: previous
      ? `the audit chain is signed with a new key from here on (previous key ${fingerprintOf(previous.publicKey).slice(0, 23)}…)`
      : `the audit chain is signed from here on: a checkpoint every ${CHECKPOINT_EVERY} events (earlier events keep the hash chain alone)`,
    after: { publicKey: key.publicKey, fingerprint: key.fingerprint, previousFingerprint: previous ? fingerprintOf(previous.publicKey) : null, checkpointEvery: CHECKPOINT_EVERY },
  });
  await signCheckpoint(tx, row, key);
  return row;
}

/** After an append: signs a checkpoint when one is due (or records a key switch). Nothing until signing started. */
async function checkpointIfDue(tx: DbOrTx, row: Row): Promise<void> {
  const last = await lastCheckpoint(tx);
  if (!last) return;
  const key = auditSigningKey();
  if (last.publicKey !== key.publicKey) {
    await switchKey(tx, key, last);
    return;
  }
  const n = rowsOf<{ n: string | number }>(await tx.execute(sql`SELECT count(*) AS n FROM audit_events WHERE id > ${last.eventId}`));
  if (Number(n[0].n) >= CHECKPOINT_EVERY) await signCheckpoint(tx, row, key);
}

/** Appends one event. Call inside the transaction of the change it records (or its own for denials). */
export async function writeAudit(tx: DbOrTx, e: AuditInput): Promise<Row> {
  const row = await appendEvent(tx, e);
  await checkpointIfDue(tx, row);
  return row;
}

/**
 * At start: makes sure the newest checkpoint is signed by the console's key — on the first use of a key
 * (a chain never signed, a data directory from before signing, a rotated key) writes the `audit.signingKey`
 * event and a checkpoint on it. Returns the key.
 */
export async function ensureAuditSigning(db: Db): Promise<AuditSigningKey> {
  const key = auditSigningKey();
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
    const last = await lastCheckpoint(tx);
    if (!last || last.publicKey !== key.publicKey) await switchKey(tx, key, last);
  });
  return key;
}

/** Writes an event in its own transaction (denied or failed attempts, whose change was rolled back). */
export function writeAuditAlone(db: Db, e: AuditInput): Promise<Row> {
  return db.transaction((tx) => writeAudit(tx, e));
}

// before/after are read as jsonb text and parsed here: drizzle's jsonb reader JSON.parses a top-level string
// value again (the stored string "-1" would come back as the number -1 and no longer match its hash).
const eventColumns = {
  ...getTableColumns(auditEvents),
  before: sql<string | null>`${auditEvents.before}::text`,
  after: sql<string | null>`${auditEvents.after}::text`,
};

/** Audit events exactly as stored (for verification and export), in id order (`desc` for newest first). */
export async function selectAuditEvents(db: DbOrTx, where: SQL | undefined, order: 'asc' | 'desc', limit: number): Promise<Row[]> {
  const rows = await db
    .select(eventColumns)
    .from(auditEvents)
    .where(where)
    .orderBy(order === 'asc' ? asc(auditEvents.id) : desc(auditEvents.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after) }));
}

export interface ChainVerdict {
  ok: boolean;
  /** Events checked (up to and including the first broken one). */
  checked: number;
  firstBroken?: { id: number; reason: string };
  /** The last event checked that verified: where a range ends, the head for a whole-chain check. */
  lastId?: number;
  lastHash?: string;
  /** Signed checkpoints met and checked, and the newest one's event and key fingerprint. */
  checkpoints: number;
  lastCheckpointId?: number;
  signedBy?: string;
}

export interface VerifyRange {
  /** First event id to check; its prevHash is taken as given. */
  from?: number;
  /** Last event id to check. */
  to?: number;
}

export interface VerifyOptions extends VerifyRange {
  /**
   * The console's public key (base64 SPKI). Given: a whole-chain check also requires the newest checkpoint to
   * be signed by it (a chain recomputed and re-signed with another key, or stripped of its checkpoints after
   * signing started, fails). Checkpoints signed by earlier keys verify with the key their `audit.signingKey`
   * event recorded (covered by the later checkpoints through the hash chain).
   */
  trustedKey?: string;
}

type CheckpointDb = Parameters<typeof toCheckpoint>[0];

/**
 * Walks the chain (or the range from..to) in id order and reports the first event that does not verify:
 * its hash link and content, and from the first signed checkpoint on, a checkpoint every N events whose
 * signature verifies under a key the chain introduced (or the trusted one).
 */
export async function verifyAuditChain(db: DbOrTx, opts: VerifyOptions = {}): Promise<ChainVerdict> {
  const { from, to, trustedKey } = opts;
  let prevHash: string | null = from === undefined ? GENESIS : null;
  let checked = 0;
  let checkpoints = 0;
  let after = from === undefined ? -1 : from - 1;
  let lastId: number | undefined;
  let lastCp: CheckpointRow | undefined;
  let since: number | null = null; // events since the last checkpoint; null before the first one (unsigned rule)
  let every = CHECKPOINT_EVERY;
  const keys = new Set<string>(trustedKey ? [trustedKey] : []);
  if (from !== undefined) {
    // A range starts mid-chain: the keys introduced before it.
    const earlier = await db.select({ after: auditEvents.after }).from(auditEvents).where(and(eq(auditEvents.action, SIGNING_KEY_ACTION), lt(auditEvents.id, from)));
    for (const e of earlier) if (typeof (e.after as { publicKey?: unknown })?.publicKey === 'string') keys.add((e.after as { publicKey: string }).publicKey);
  }
  const broken = (id: number, reason: string): ChainVerdict => ({ ok: false, checked, firstBroken: { id, reason }, checkpoints, lastCheckpointId: lastCp?.eventId, signedBy: lastCp && fingerprintOf(lastCp.publicKey) });
  for (;;) {
    const cond = to === undefined ? gt(auditEvents.id, after) : and(gt(auditEvents.id, after), lte(auditEvents.id, to));
    const batch = await selectAuditEvents(db, cond, 'asc', 1000);
    if (batch.length === 0) break;
    const cps = new Map<number, CheckpointRow>();
    const cpRows = rowsOf<CheckpointDb>(await db.execute(sql`SELECT event_id, hash, signature, public_key, at FROM audit_checkpoints WHERE event_id >= ${Number(batch[0].id)} AND event_id <= ${Number(batch[batch.length - 1].id)}`));
    for (const c of cpRows) cps.set(Number(c.event_id), toCheckpoint(c));
    for (const r of batch) {
      checked++;
      const id = Number(r.id);
      if (prevHash === null) prevHash = r.prevHash;
      if (r.prevHash !== prevHash) return broken(id, `event ${id} does not follow the event before it (an event was deleted, inserted or moved)`);
      if (eventHash(prevHash, r) !== r.hash) return broken(id, `event ${id} was changed after it was written (its content no longer matches its hash)`);
      if (r.action === SIGNING_KEY_ACTION) {
        const a = r.after as { publicKey?: unknown; checkpointEvery?: unknown } | null;
        if (typeof a?.publicKey === 'string') keys.add(a.publicKey);
        if (typeof a?.checkpointEvery === 'number' && a.checkpointEvery > 0) every = a.checkpointEvery;
      }
      const cp = cps.get(id);
      if (cp) {
        if (cp.hash !== r.hash) return broken(id, `the signed checkpoint at event ${id} is for another hash (the chain was recomputed)`);
        if (!keys.has(cp.publicKey)) return broken(id, `the checkpoint at event ${id} is signed by key ${fingerprintOf(cp.publicKey).slice(0, 23)}…, which no audit.signingKey event introduced`);
        if (!verifyAuditSignature(cp.publicKey, 'checkpoint', id, cp.hash, cp.at, cp.signature)) return broken(id, `the signature of the checkpoint at event ${id} does not verify (forged or altered checkpoint)`);
        checkpoints++;
        lastCp = cp;
        since = 0;
      } else if (since !== null && ++since >= every) {
        return broken(id, `event ${id} should carry a signed checkpoint (one every ${every} events) and has none (a checkpoint was deleted, or the chain recomputed)`);
      }
      prevHash = r.hash;
      after = lastId = id;
    }
  }
  if (trustedKey && from === undefined && to === undefined && checked > 0 && lastCp?.publicKey !== trustedKey) {
    return broken(
      lastCp?.eventId ?? lastId ?? 0,
      lastCp
        ? `the newest checkpoint (event ${lastCp.eventId}) is not signed by this console's key ${fingerprintOf(trustedKey).slice(0, 23)}…`
        : `no checkpoint is signed by this console's key ${fingerprintOf(trustedKey).slice(0, 23)}… (the checkpoints were removed)`,
    );
  }
  return { ok: true, checked, lastId, lastHash: prevHash ?? undefined, checkpoints, lastCheckpointId: lastCp?.eventId, signedBy: lastCp && fingerprintOf(lastCp.publicKey) };
}

/** verifyAuditChain as the console runs it: against its own signing key. */
export function verifyConsoleAuditChain(db: DbOrTx, range: VerifyRange = {}): Promise<ChainVerdict> {
  return verifyAuditChain(db, { ...range, trustedKey: auditSigningKey().publicKey });
}

export interface SignedHead {
  id: number;
  hash: string;
  /** When the head was signed. */
  at: string;
  signature: string;
  /** base64 DER SubjectPublicKeyInfo */
  publicKey: string;
  publicKeyPem: string;
  fingerprint: string;
}

/**
 * The newest event's id and hash, signed now. Checks the events since the newest checkpoint first, so the
 * console never signs a head over a tail that was tampered with. An empty chain: id 0, the genesis hash.
 */
export async function signedHead(db: DbOrTx): Promise<SignedHead> {
  const key = auditSigningKey();
  const cp = await lastCheckpoint(db);
  const tail = await verifyAuditChain(db, { from: cp?.eventId, trustedKey: key.publicKey });
  if (!tail.ok) throw new AppError('conflict', `the audit chain does not verify, so its head is not signed: ${tail.firstBroken?.reason}`);
  const last = await db.select({ id: auditEvents.id, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
  const id = last[0] ? Number(last[0].id) : 0;
  const hash = last[0]?.hash ?? GENESIS;
  const at = new Date().toISOString();
  return { id, hash, at, signature: signAudit(key, 'head', id, hash, at), publicKey: key.publicKey, publicKeyPem: key.publicKeyPem, fingerprint: key.fingerprint };
}

/** ?from= / ?to= of the verify and export routes: an event id, or undefined when absent. */
export function eventIdParam(p: URLSearchParams, name: 'from' | 'to'): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new AppError('bad_request', `${name} must be an event id`, { fieldErrors: [{ path: name, message: 'an event id (a whole number)' }] });
  return Number(v);
}

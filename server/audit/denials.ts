import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db';
import { logger } from '../logger';
import { writeAuditAlone, type AuditActor, type AuditInput } from './audit';

// Rate limit for audited denials (refused sign-in-less calls, missing permissions). Each client — the user
// id when signed in, otherwise the IP address as the server sees it — gets DENIALS_PER_CLIENT events written
// per DENIAL_WINDOW_MS; further denials in that window are counted and written as ONE summary event
// (action "audit.denialsSummarized") when the window ends, or before the client's next denial after it.
// Anonymous callers also share a per-process budget, so rotating addresses cannot flood the log either.
//
// The counters live in memory, per console process: N replicas write at most N times the budget, and a
// restart forgets the counts of the current window (its summary is lost, the denials themselves are not
// hidden: the caller still got 401/403/404).

export const DENIALS_PER_CLIENT = 10;
export const ANONYMOUS_DENIALS_PER_PROCESS = 100;
export const DENIAL_WINDOW_MS = 60_000;
export const SUMMARY_ACTION = 'audit.denialsSummarized';
/** Bound on the clients tracked at once; past it, new clients share one overflow bucket. */
const MAX_TRACKED = 10_000;
const ANONYMOUS_KEY = 'anonymous:*';
const OVERFLOW_KEY = 'overflow:*';

interface Window {
  key: string;
  /** Who, in words, for the summary ("ip 203.0.113.9", "dana@example.com", "anonymous callers"). */
  label: string;
  limit: number;
  start: number;
  written: number;
  suppressed: number;
  actions: Map<string, number>;
  actor: AuditActor | null;
  ip: string | null;
  db: Db;
  timer?: ReturnType<typeof setTimeout>;
}

interface State {
  windows: Map<string, Window>;
}
const g = globalThis as unknown as { __hmDenials?: State };
const state = (): State => (g.__hmDenials ??= { windows: new Map() });

/** The client a denial is counted against: the user when known, else the IP address (or "unknown"). */
export function denialClientKey(actor: AuditActor | null, ip: string | null): string {
  if (actor?.id) return `user:${actor.id}`;
  return `ip:${ip ?? 'unknown'}`;
}

function windowFor(key: string, label: string, limit: number, e: AuditInput, db: Db, now: number): Window {
  const s = state();
  let w = s.windows.get(key);
  if (!w) {
    w = { key, label, limit, start: now, written: 0, suppressed: 0, actions: new Map(), actor: key.startsWith('user:') ? e.actor : null, ip: key.startsWith('ip:') ? (e.ip ?? null) : null, db };
    s.windows.set(key, w);
  }
  return w;
}

function summaryOf(w: Window, end: number): AuditInput {
  const actions = [...w.actions.entries()].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ×${n}`).join(', ');
  return {
    requestId: randomUUID(),
    actor: w.actor,
    action: SUMMARY_ACTION,
    targetType: 'client',
    targetName: w.label,
    outcome: 'denied',
    ip: w.ip,
    message: `${w.suppressed} more denied attempt${w.suppressed === 1 ? '' : 's'} by ${w.label} between ${new Date(w.start).toISOString()} and ${new Date(end).toISOString()} counted, not written one by one (at most ${w.limit} a minute): ${actions}`,
  };
}

/** Ends every window that is over: writes its summary when it counted anything, then forgets it. */
export async function flushDenialWindows(now = Date.now(), opts: { all?: boolean } = {}): Promise<number> {
  const s = state();
  const due: Window[] = [];
  for (const w of s.windows.values()) {
    if (opts.all || now - w.start >= DENIAL_WINDOW_MS) due.push(w);
  }
  let written = 0;
  for (const w of due) {
    s.windows.delete(w.key);
    if (w.timer) clearTimeout(w.timer);
    if (w.suppressed === 0) continue;
    try {
      await writeAuditAlone(w.db, summaryOf(w, Math.min(now, w.start + DENIAL_WINDOW_MS)));
      written++;
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message }, client: w.label, suppressed: w.suppressed }, 'could not write the summary of rate-limited denials');
    }
  }
  return written;
}

function count(w: Window, action: string) {
  w.suppressed++;
  w.actions.set(action, (w.actions.get(action) ?? 0) + 1);
  if (!w.timer) {
    // Summarize when the window ends even if the client never comes back (the process may exit first: unref).
    w.timer = setTimeout(() => void flushDenialWindows(), Math.max(0, w.start + DENIAL_WINDOW_MS - Date.now()) + 10);
    w.timer.unref?.();
  }
}

/**
 * Writes a denial event unless the client (or, for anonymous callers, all of them together) used up the
 * window's budget; then the denial is only counted. Returns whether the event was written.
 */
export async function writeDenial(db: Db, e: AuditInput, now = Date.now()): Promise<boolean> {
  await flushDenialWindows(now);
  const s = state();
  let key = denialClientKey(e.actor, e.ip ?? null);
  if (!s.windows.has(key) && s.windows.size >= MAX_TRACKED) key = OVERFLOW_KEY;
  const label = key === OVERFLOW_KEY ? 'clients beyond the tracked limit' : e.actor?.email ? e.actor.email : `ip ${e.ip ?? 'unknown'}`;
  const client = windowFor(key, label, DENIALS_PER_CLIENT, e, db, now);
  if (client.written >= client.limit) {
    count(client, e.action);
    return false;
  }
  if (!e.actor) {
    const all = windowFor(ANONYMOUS_KEY, 'anonymous callers', ANONYMOUS_DENIALS_PER_PROCESS, e, db, now);
    if (all.written >= all.limit) {
      count(all, e.action);
      return false;
    }
    all.written++;
  }
  client.written++;
  await writeAuditAlone(db, e);
  return true;
}

/** Tests: forget every window (and its timer) without writing summaries. */
export function resetDenialLimits(): void {
  const s = state();
  for (const w of s.windows.values()) if (w.timer) clearTimeout(w.timer);
  s.windows.clear();
}

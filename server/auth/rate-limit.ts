import 'server-only';
import { and, count, desc, eq, gt, min, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { loginAttempts } from '../db/schema';

// Sign-in throttling, kept in the DB (a restart does not reset it), keyed by the client address
// (server/http/client-ip.ts: the socket peer, or X-Forwarded-For only from a trusted proxy):
//   - per client and account: the first FREE_FAILURES wrong passwords cost nothing (typos); from then on each
//     further attempt of that client for that account waits 1 s, 2 s, 4 s, … (at most 15 minutes) after its last
//     failure. A success from that client clears it. Another client — the account's owner elsewhere — is not
//     held back: nobody can lock an account out by guessing its password.
//   - per client: the 31st failure within 15 minutes (any accounts: password spraying) is refused with 429
//     until the oldest of the 30 is 15 minutes old.
// Check and record are one step: beginAttempt serializes the attempts of one client (a transaction-scoped
// advisory lock on its address) and records the attempt as a failure before the password is checked;
// settleAttempt turns it into a success. Parallel requests cannot all pass a check made before any of them
// was recorded, and a request that dies while checking the password stays counted as a failure.
export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_CLIENT = 30;
export const FREE_FAILURES = 4;
export const MAX_BACKOFF_SECONDS = WINDOW_MS / 1000;
/** The bucket of requests whose client address is unknown (console not started by server.mjs). */
export const UNKNOWN_CLIENT = 'unknown';
// Namespace of the advisory locks (first key of pg_advisory_xact_lock(int, int)).
const LOCK_NAMESPACE = 0x4c4f47; // "LOG"

export type Throttle =
  | { limited: true; retryAfterSeconds: number; scope: 'client' | 'account' }
  | { limited: false; attemptId: number };

/** Seconds a client waits after its last failure when it has `failures` failures in a row for one account. */
export function backoffSeconds(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_BACKOFF_SECONDS, 2 ** (failures - FREE_FAILURES - 1));
}

const secondsUntil = (ms: number, now: number) => Math.max(1, Math.ceil((ms - now) / 1000));

/**
 * Checks the limits for a sign-in of `email` from `ip` and, when allowed, records the attempt (as a failure
 * until settleAttempt says otherwise) — atomically for that client.
 */
export async function beginAttempt(db: Db, email: string, ip: string | null): Promise<Throttle> {
  const client = ip ?? UNKNOWN_CLIENT;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${client}))`);
    const now = Date.now();
    const since = new Date(now - WINDOW_MS);
    const [byClient] = await tx
      .select({ n: count(), oldest: min(loginAttempts.at) })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.ip, client), eq(loginAttempts.success, false), gt(loginAttempts.at, since)));
    if (Number(byClient?.n ?? 0) >= MAX_FAILURES_PER_CLIENT && byClient?.oldest) {
      return { limited: true, scope: 'client', retryAfterSeconds: secondsUntil(new Date(byClient.oldest).getTime() + WINDOW_MS, now) } as const;
    }
    // This client's failures for this account since its last success (within the window), newest first.
    const recent = await tx
      .select({ success: loginAttempts.success, at: loginAttempts.at })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.ip, client), eq(loginAttempts.email, email), gt(loginAttempts.at, since)))
      .orderBy(desc(loginAttempts.at), desc(loginAttempts.id))
      .limit(MAX_FAILURES_PER_CLIENT + 1);
    const streak = recent.findIndex((r) => r.success);
    const failures = streak < 0 ? recent.length : streak;
    const wait = backoffSeconds(failures);
    if (wait > 0) {
      const until = new Date(recent[0].at).getTime() + wait * 1000;
      if (until > now) return { limited: true, scope: 'account', retryAfterSeconds: secondsUntil(until, now) } as const;
    }
    const [row] = await tx.insert(loginAttempts).values({ email, ip: client, success: false, at: new Date(now) }).returning({ id: loginAttempts.id });
    return { limited: false, attemptId: row.id } as const;
  });
}

/** The password check's outcome for an attempt begun with beginAttempt. */
export async function settleAttempt(db: Db, attemptId: number, success: boolean) {
  if (success) await db.update(loginAttempts).set({ success: true }).where(eq(loginAttempts.id, attemptId));
  // Keep the table small: attempts older than a day are of no use to the limiter.
  if (Math.random() < 0.02) await db.execute(sql`DELETE FROM login_attempts WHERE at < now() - interval '1 day'`);
}

import 'server-only';
import { and, count, eq, gt, min, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db';
import { loginAttempts } from '../db/schema';

// Sign-in throttling kept in the DB (a restart does not reset it): per account, the 6th wrong password in
// 15 minutes is refused whatever the IP; per IP, the 31st failure in 15 minutes (password spraying).
export const WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 30;

export interface Throttle {
  limited: boolean;
  retryAfterSeconds: number;
  scope?: 'account' | 'ip';
}

async function failures(db: DbOrTx, where: ReturnType<typeof eq>) {
  const since = new Date(Date.now() - WINDOW_MS);
  const [r] = await db
    .select({ n: count(), oldest: min(loginAttempts.at) })
    .from(loginAttempts)
    .where(and(where, eq(loginAttempts.success, false), gt(loginAttempts.at, since)));
  return { n: Number(r?.n ?? 0), oldest: r?.oldest ? new Date(r.oldest) : null };
}

export async function checkThrottle(db: DbOrTx, email: string, ip: string): Promise<Throttle> {
  const acct = await failures(db, eq(loginAttempts.email, email));
  if (acct.n >= MAX_FAILURES_PER_ACCOUNT && acct.oldest) {
    return { limited: true, scope: 'account', retryAfterSeconds: Math.max(1, Math.ceil((acct.oldest.getTime() + WINDOW_MS - Date.now()) / 1000)) };
  }
  const byIp = await failures(db, eq(loginAttempts.ip, ip));
  if (byIp.n >= MAX_FAILURES_PER_IP && byIp.oldest) {
    return { limited: true, scope: 'ip', retryAfterSeconds: Math.max(1, Math.ceil((byIp.oldest.getTime() + WINDOW_MS - Date.now()) / 1000)) };
  }
  return { limited: false, retryAfterSeconds: 0 };
}

export async function recordAttempt(db: DbOrTx, email: string, ip: string, success: boolean) {
  await db.insert(loginAttempts).values({ email, ip, success });
  // Keep the table small: attempts older than a day are of no use to the limiter.
  if (Math.random() < 0.02) await db.execute(sql`DELETE FROM login_attempts WHERE at < now() - interval '1 day'`);
}

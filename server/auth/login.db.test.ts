// Sign-in as the browser does it: throttling that survives restarts, sessions, expiry and logout everywhere.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import * as login from '@/app/api/auth/login/route';
import * as logout from '@/app/api/auth/logout/route';
import * as me from '@/app/api/v1/me/route';
import { auditEvents, loginAttempts, sessions } from '../db/schema';
import { CLIENT_IP_HEADER, clientIpHeaders } from '../http/client-ip';
import { MAX_BACKOFF_SECONDS, backoffSeconds } from './rate-limit';
import { call, createCast, PASSWORD, type Cast } from '@/test/fixtures';
import { readSession } from './sessions';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());

// The client address as server.mjs hands it to the route (the tests stand in for server.mjs).
const attempt = (email: string, password: string, ip = '10.0.0.1', headers: Record<string, string> = {}) =>
  call(login.POST as never, { path: '/api/auth/login', body: { email, password }, headers: { ...clientIpHeaders(ip), ...headers } });

afterEach(() => {
  vi.useRealTimers();
});

const cookieOf = (r: { headers: Headers }) => /hm_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Lax cookie holding a random id, and the session works for the API', async () => {
    const r = await attempt('dana@example.com', PASSWORD);
    expect(r.status).toBe(200);
    const sc = r.headers.get('set-cookie')!;
    expect(sc).toMatch(/HttpOnly/);
    expect(sc).toMatch(/SameSite=Lax/);
    // Plain http: not Secure (the browser would drop it); behind a TLS-terminating proxy: Secure.
    expect(sc).not.toMatch(/Secure/);
    const viaTls = await call(login.POST as never, { path: '/api/auth/login', body: { email: 'dana@example.com', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
    expect(viaTls.headers.get('set-cookie')).toMatch(/; Secure$/);
    const id = cookieOf(r)!;
    expect(id.length).toBeGreaterThanOrEqual(40);
    // Only a hash is stored.
    const rows = await cast.db.db.select().from(sessions);
    expect(rows.some((s) => s.idHash === id)).toBe(false);
    const who = await call(me.GET, { headers: { cookie: `hm_session=${id}` } });
    expect(who.json.email).toBe('dana@example.com');
  });

  it('says only "wrong email or password" for unknown emails and wrong passwords', async () => {
    const a = await attempt('nobody@example.com', 'whatever-password');
    const b = await attempt('farid@example.com', 'wrong-password-123');
    expect(a.status).toBe(401);
    expect(b.json.detail).toBe(a.json.detail);
    expect(a.json.detail).toMatch(/Wrong email or password/);
  });

  it('5 wrong passwords from one client do not lock the account out: its owner signs in from another client', async () => {
    for (let i = 1; i <= 5; i++) expect((await attempt('audrey@example.com', `wrong-password-${i}`, '10.1.0.1')).status).toBe(401);
    expect((await attempt('audrey@example.com', PASSWORD, '10.9.9.9')).status).toBe(200);
    // Spread over many clients: no account-wide lock either.
    for (let i = 1; i <= 8; i++) expect((await attempt('audrey@example.com', `wrong-password-${i}`, `10.1.1.${i}`)).status).toBe(401);
    expect((await attempt('audrey@example.com', PASSWORD, '10.9.9.10')).status).toBe(200);
  });

  it('a client guessing one account waits longer and longer (429 + Retry-After), also after a restart; a success clears it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const ip = '10.4.0.1';
    for (let i = 1; i <= 4; i++) expect((await attempt('farid@example.com', `wrong-${i}-password`, ip)).status).toBe(401);
    // The 5th failure is still answered; from then on each attempt waits 1 s, 2 s, 4 s, … after the last failure.
    expect((await attempt('farid@example.com', 'wrong-5-password', ip)).status).toBe(401);
    const seen: number[] = [];
    for (let n = 5; n <= 9; n++) {
      const held = await attempt('farid@example.com', PASSWORD, ip);
      expect(held.status).toBe(429);
      expect(held.json.detail).toMatch(/Too many failed sign-in attempts for this account from your address/);
      const wait = Number(held.headers.get('retry-after'));
      expect(wait).toBe(backoffSeconds(n));
      seen.push(wait);
      vi.setSystemTime(new Date(Date.now() + wait * 1000));
      expect((await attempt('farid@example.com', `wrong-${n + 1}-password`, ip)).status).toBe(401);
    }
    expect(seen).toEqual([1, 2, 4, 8, 16]);
    // "Restart": nothing lives in memory; a fresh module state still sees the attempts in the DB.
    vi.resetModules();
    const fresh = await import('@/app/api/auth/login/route');
    const again = await call(fresh.POST as never, { body: { email: 'farid@example.com', password: PASSWORD }, headers: clientIpHeaders(ip) });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBe(32);
    // Meanwhile the account's owner elsewhere is not held back.
    expect((await attempt('farid@example.com', PASSWORD, '10.4.0.2')).status).toBe(200);
    // After the wait the right password works, and the streak starts over.
    vi.setSystemTime(new Date(Date.now() + 32_000));
    expect((await attempt('farid@example.com', PASSWORD, ip)).status).toBe(200);
    expect((await attempt('farid@example.com', 'wrong-again-password', ip)).status).toBe(401);
    expect((await attempt('farid@example.com', PASSWORD, ip)).status).toBe(200);
    expect(backoffSeconds(100)).toBe(MAX_BACKOFF_SECONDS);
  });

  it('from one client, the 31st failure within 15 minutes answers 429 with Retry-After (any accounts), and stays audited', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const ip = '10.5.0.1';
    for (let i = 1; i <= 30; i++) expect((await attempt(`spray-${i}@example.com`, 'Winter2026!pass', ip)).status).toBe(401);
    const refused = await attempt('spray-31@example.com', 'Winter2026!pass', ip);
    expect(refused.status).toBe(429);
    expect(refused.json.detail).toMatch(/Too many failed sign-in attempts from your address\. Try again in 15 minutes/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(890);
    // Refused before the password is checked: even the right one.
    expect((await attempt('dana@example.com', PASSWORD, ip)).status).toBe(429);
    // Other clients are not affected.
    expect((await attempt('dana@example.com', PASSWORD, '10.5.0.2')).status).toBe(200);
    const [last] = await cast.db.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'auth.login'), eq(auditEvents.ip, ip))).orderBy(desc(auditEvents.id)).limit(1);
    expect(last).toMatchObject({ outcome: 'denied', targetName: 'dana@example.com', message: 'rate limited (too many failures from this address)' });
    const failures = await cast.db.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'auth.login'), eq(auditEvents.ip, ip), eq(auditEvents.message, 'wrong email or password')));
    expect(failures).toHaveLength(30);
    // 15 minutes after the first failure, the client may try again.
    vi.setSystemTime(new Date(Date.now() + 15 * 60_000 + 1000));
    expect((await attempt('dana@example.com', PASSWORD, ip)).status).toBe(200);
  });

  it('checks and records atomically: 40 wrong passwords sent at once from one client get exactly 30 answers and 10 refusals', async () => {
    const ip = '10.6.0.1';
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(`burst-${i}@example.com`, 'not-the-password', ip)));
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const rows = await cast.db.db.select().from(loginAttempts).where(eq(loginAttempts.ip, ip));
    expect(rows).toHaveLength(30);
  });

  it('never takes the client from X-Forwarded-For: requests without the address of server.mjs share the "unknown" bucket', async () => {
    const r = await call(login.POST as never, { path: '/api/auth/login', body: { email: 'nobody-xff@example.com', password: 'whatever-password' }, headers: { 'x-forwarded-for': '203.0.113.50' } });
    expect(r.status).toBe(401);
    const [row] = await cast.db.db.select().from(loginAttempts).where(eq(loginAttempts.email, 'nobody-xff@example.com'));
    expect(row.ip).toBe('unknown');
    const [ev] = await cast.db.db.select().from(auditEvents).where(eq(auditEvents.targetName, 'nobody-xff@example.com'));
    expect(ev.ip).toBeNull();
    // A malformed private header is no address either.
    await attempt('nobody-bad@example.com', 'whatever-password', 'not-an-ip');
    const [bad] = await cast.db.db.select().from(loginAttempts).where(eq(loginAttempts.email, 'nobody-bad@example.com'));
    expect(bad.ip).toBe('unknown');
    expect(CLIENT_IP_HEADER).toBe('x-harbormaster-client-ip');
  });

  it('ends sessions: idle expiry, and logout everywhere', async () => {
    const a = cookieOf(await attempt('farid@example.com', PASSWORD, '10.3.0.1'))!;
    const b = cookieOf(await attempt('farid@example.com', PASSWORD, '10.3.0.2'))!;
    const out = await call(logout.POST as never, { path: '/api/auth/logout?everywhere=true', method: 'POST', headers: { cookie: `hm_session=${a}`, accept: 'application/json' } });
    expect(out.status).toBe(200);
    expect((await call(me.GET, { headers: { cookie: `hm_session=${b}` } })).status).toBe(401);
    // idle: a session last seen long ago is expired
    const c = cookieOf(await attempt('dana@example.com', PASSWORD, '10.3.0.3'))!;
    await cast.db.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 24 * 3_600_000) }).where(eq(sessions.userId, cast.users.dsVision.user.id));
    expect(await readSession(cast.db.db, c)).toEqual({ ok: false, reason: 'expired' });
  });
});

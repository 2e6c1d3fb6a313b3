// Sign-in as the browser does it: throttling that survives restarts, sessions, expiry and logout everywhere.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import * as login from '@/app/api/auth/login/route';
import * as logout from '@/app/api/auth/logout/route';
import * as me from '@/app/api/v1/me/route';
import { sessions } from '../db/schema';
import { call, createCast, PASSWORD, type Cast } from '@/test/fixtures';
import { readSession } from './sessions';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());

const attempt = (email: string, password: string, ip = '10.0.0.1') =>
  call(login.POST as never, { path: '/api/auth/login', body: { email, password }, headers: { 'x-forwarded-for': ip } });

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

  it('refuses the 6th wrong password for an account within 15 minutes with 429 + Retry-After, whatever the IP, and keeps refusing after a restart', async () => {
    for (let i = 1; i <= 5; i++) expect((await attempt('audrey@example.com', `wrong-password-${i}`, `10.1.0.${i}`)).status).toBe(401);
    const sixth = await attempt('audrey@example.com', PASSWORD, '10.9.9.9');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(800);
    // "Restart": nothing lives in memory; a fresh module state still sees the attempts in the DB.
    vi.resetModules();
    const fresh = await import('@/app/api/auth/login/route');
    const again = await call(fresh.POST as never, { body: { email: 'audrey@example.com', password: PASSWORD }, headers: { 'x-forwarded-for': '10.2.2.2' } });
    expect(again.status).toBe(429);
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

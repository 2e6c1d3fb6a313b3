// What a password change, an admin reset and token lifetimes do to the credentials already out there, through
// the surfaces people use: the console's server action (as the security page calls it), the REST API with a
// session cookie or a token, and the admin CLI.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';

// The console's server action reads the browser's cookie through next/headers: give it one per call.
const jar = vi.hoisted(() => ({ cookie: undefined as string | undefined }));
vi.mock('next/headers', () => ({
  cookies: async () => ({ get: (name: string) => (name === 'hm_session' && jar.cookie ? { name, value: jar.cookie } : undefined) }),
  headers: async () => new Headers({ host: '127.0.0.1:3000' }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

import { invokeAction } from '@/app/actions';
import * as login from '@/app/api/auth/login/route';
import * as me from '@/app/api/v1/me/route';
import * as tokensRoute from '@/app/api/v1/tokens/route';
import * as resetRoute from '@/app/api/v1/users/[email]/password/route';
import { call, createCast, PASSWORD, type Cast } from '@/test/fixtures';
import { apiTokens, auditEvents } from '../db/schema';
import { runAdminCommand } from '../admin/commands';
import { env, resetEnvCache } from '../env';
import { createSession } from './sessions';
import { issueToken } from './tokens';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());
afterEach(() => {
  jar.cookie = undefined;
  delete process.env.HARBORMASTER_TOKEN_DEFAULT_DAYS;
  resetEnvCache();
});

const DAY = 86_400_000;
const asCookie = (id: string) => ({ cookie: `hm_session=${id}` });
const lastAudit = async (action: string) =>
  (await cast.db.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.id)).limit(1))[0];
const signIn = (email: string, password: string) => call(login.POST as never, { path: '/api/auth/login', body: { email, password } });

describe('changing one’s own password', () => {
  it('ends every other session of the account, keeps the one that changed it (and API tokens), and audits how many ended', async () => {
    const dana = cast.users.dsVision;
    const here = await createSession(cast.db.db, dana.user.id, { userAgent: 'this browser' });
    const laptop = await createSession(cast.db.db, dana.user.id, { userAgent: 'the lost laptop' });
    const phone = await createSession(cast.db.db, dana.user.id, { userAgent: 'a phone' });
    const someoneElse = await createSession(cast.db.db, cast.users.admin.user.id, {});
    for (const s of [here, laptop, phone]) expect((await call(me.GET, { headers: asCookie(s.id) })).status).toBe(200);

    // A wrong current password changes nothing and ends nothing.
    jar.cookie = here.id;
    const wrong = await invokeAction('self.changePassword', { currentPassword: 'not-the-password', newPassword: 'a-brand-new-password-1' });
    expect(wrong).toMatchObject({ ok: false, error: { status: 400 } });
    expect((await call(me.GET, { headers: asCookie(laptop.id) })).status).toBe(200);

    const r = await invokeAction('self.changePassword', { currentPassword: PASSWORD, newPassword: 'a-brand-new-password-1' });
    expect(r).toEqual({ ok: true, data: { changed: true, otherSessionsEnded: 2 } });

    for (const s of [laptop, phone]) {
      const refused = await call(me.GET, { headers: asCookie(s.id) });
      expect(refused.status).toBe(401);
      expect(refused.json.detail).toMatch(/revoked/);
    }
    expect((await call(me.GET, { headers: asCookie(here.id) })).json.email).toBe('dana@example.com');
    expect((await call(me.GET, { headers: asCookie(someoneElse.id) })).status).toBe(200);
    expect((await call(me.GET, { token: dana.token })).status).toBe(200);
    // The browser that changed it keeps acting.
    jar.cookie = here.id;
    expect(await invokeAction('self.logoutEverywhere', {})).toEqual({ ok: true, data: { sessionsEnded: 1 } });

    const a = await lastAudit('self.changePassword');
    expect(a).toMatchObject({
      outcome: 'success',
      actorEmail: 'dana@example.com',
      targetName: 'dana@example.com',
      after: { otherSessionsEnded: 2 },
      message: 'password changed: 2 other sessions ended',
    });
    expect((await signIn('dana@example.com', 'a-brand-new-password-1')).status).toBe(200);
  });
});

describe('an admin resetting a password', () => {
  it('revokes every session and every API token of the user, says how many, and audits it', async () => {
    const farid = cast.users.dsForecasting;
    const browser = await createSession(cast.db.db, farid.user.id, {});
    const ci = await call(tokensRoute.POST, { token: farid.token, body: { name: 'ci', expiresIn: '30d' } });
    expect(ci.status).toBe(201);
    const expired = await issueToken(cast.db.db, farid.user.id, 'old', new Date(Date.now() - DAY));
    for (const t of [farid.token, ci.json.token]) expect((await call(me.GET, { token: t })).status).toBe(200);

    const r = await call(resetRoute.POST, { token: cast.users.admin.token, path: '/api/v1/users/farid%40example.com/password', params: { email: 'farid%40example.com' }, body: {} });
    expect(r.status).toBe(200);
    // The one session and the two working tokens; the expired token is not counted.
    expect(r.json).toMatchObject({ email: 'farid@example.com', sessionsEnded: 1, tokensRevoked: 2 });
    expect(r.json.newPassword).toMatch(/^\S{20,}$/);

    for (const t of [farid.token, ci.json.token]) {
      const refused = await call(me.GET, { token: t });
      expect(refused.status).toBe(401);
      expect(refused.json.detail).toMatch(/revoked/);
    }
    expect((await call(me.GET, { headers: asCookie(browser.id) })).status).toBe(401);
    const [old] = await cast.db.db.select().from(apiTokens).where(eq(apiTokens.id, expired.row.id));
    expect(old.revokedAt).toBeNull(); // already dead: left as expired
    expect(await lastAudit('users.resetPassword')).toMatchObject({
      outcome: 'success',
      actorEmail: 'admin@example.com',
      targetName: 'farid@example.com',
      after: { sessionsEnded: 1, apiAccessRevoked: 2 },
      message: 'password reset: 1 session ended, 2 API tokens revoked',
    });

    // With the new password the user signs in and makes a new token, which works.
    const back = await signIn('farid@example.com', r.json.newPassword);
    expect(back.status).toBe(200);
    const cookie = /hm_session=([^;]+)/.exec(back.headers.get('set-cookie')!)![1];
    const fresh = await call(tokensRoute.POST, { headers: asCookie(cookie), body: { name: 'after-reset' } });
    expect(fresh.status).toBe(201);
    expect((await call(me.GET, { token: fresh.json.token })).status).toBe(200);
  });

  it('through the admin CLI, prints what ended', async () => {
    const audrey = cast.users.auditor;
    await createSession(cast.db.db, audrey.user.id, {});
    await createSession(cast.db.db, audrey.user.id, {});
    const out = await runAdminCommand(cast.db.db, 'reset-password', { email: 'audrey@example.com', password: 'another-long-password' });
    expect(out.lines).toEqual(['password reset for audrey@example.com; 2 sessions ended, 1 API token revoked']);
    expect((await call(me.GET, { token: audrey.token })).status).toBe(401);
  });
});

describe('API token lifetimes', () => {
  const admin = () => cast.users.admin.token;
  const expiresInDays = (iso: string | null) => (iso === null ? null : (new Date(iso).getTime() - Date.now()) / DAY);

  it('a token created without an expiry expires in 90 days; a duration or an explicit "never" are kept', async () => {
    const plain = await call(tokensRoute.POST, { token: admin(), body: { name: 'default' } });
    expect(plain.status).toBe(201);
    expect(expiresInDays(plain.json.expiresAt)).toBeCloseTo(90, 2);
    const [row] = await cast.db.db.select().from(apiTokens).where(eq(apiTokens.id, plain.json.id));
    expect(row.expiresAt!.toISOString()).toBe(plain.json.expiresAt);

    expect(expiresInDays((await call(tokensRoute.POST, { token: admin(), body: { name: 'month', expiresIn: '30d' } })).json.expiresAt)).toBeCloseTo(30, 2);
    const never = await call(tokensRoute.POST, { token: admin(), body: { name: 'forever', expiresIn: 'never' } });
    expect(never.status).toBe(201);
    expect(never.json.expiresAt).toBeNull();
    expect(await lastAudit('tokens.create')).toMatchObject({ targetName: 'admin@example.com/forever', after: { expiresAt: null } });

    const bad = await call(tokensRoute.POST, { token: admin(), body: { name: 'x', expiresIn: 'forever' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toContainEqual({ path: 'expiresIn', message: 'use e.g. 30d, 12h, 90m, 1y, or never' });
    expect((await call(tokensRoute.POST, { token: admin(), body: { name: 'x', expiresIn: '0d' } })).status).toBe(400);
  });

  it('HARBORMASTER_TOKEN_DEFAULT_DAYS sets the default (0: tokens without an expiry never expire); nonsense stops the start', async () => {
    process.env.HARBORMASTER_TOKEN_DEFAULT_DAYS = '7';
    resetEnvCache();
    expect(expiresInDays((await call(tokensRoute.POST, { token: admin(), body: { name: 'week' } })).json.expiresAt)).toBeCloseTo(7, 2);
    process.env.HARBORMASTER_TOKEN_DEFAULT_DAYS = '0';
    resetEnvCache();
    expect((await call(tokensRoute.POST, { token: admin(), body: { name: 'unbounded' } })).json.expiresAt).toBeNull();
    for (const v of ['-1', 'ninety', '1.5', '100000']) {
      process.env.HARBORMASTER_TOKEN_DEFAULT_DAYS = v;
      resetEnvCache();
      expect(() => env(), v).toThrow(/HARBORMASTER_TOKEN_DEFAULT_DAYS: /);
    }
  });

  it('the admin CLI create-token applies the default too, and --expires-in never only when asked', async () => {
    const dflt = await runAdminCommand(cast.db.db, 'create-token', { email: 'admin@example.com', name: 'cli-default' });
    const expires = /, expires (\S+); shown once$/.exec(dflt.lines[0])?.[1];
    expect(expiresInDays(expires ?? null)).toBeCloseTo(90, 2);
    const never = await runAdminCommand(cast.db.db, 'create-token', { email: 'admin@example.com', name: 'cli-never', 'expires-in': 'never' });
    expect(never.lines[0]).toMatch(/no expiry; shown once$/);
    const rows = await cast.db.db.select().from(apiTokens).where(and(eq(apiTokens.userId, cast.users.admin.user.id), eq(apiTokens.name, 'cli-never')));
    expect(rows[0].expiresAt).toBeNull();
  });

  it('an expired token answers 401 saying so', async () => {
    const t = await call(tokensRoute.POST, { token: admin(), body: { name: 'soon', expiresIn: '1d' } });
    expect((await call(me.GET, { token: t.json.token })).status).toBe(200);
    await cast.db.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, t.json.id));
    const r = await call(me.GET, { token: t.json.token });
    expect(r.status).toBe(401);
    expect(r.json.detail).toMatch(/expired/);
  });
});

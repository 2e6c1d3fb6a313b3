// The system account (bootstrap, demo seeding act as it): a real user row the audit log can name, which
// nobody can sign in as, reset, enable, give a token or take the address of, and which no people list shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as login from '@/app/api/auth/login/route';
import * as setupRoute from '@/app/api/auth/setup/route';
import { call, createCast, type Cast } from '@/test/fixtures';
import { createTestDb } from '../db/test-db';
import { useDatabaseForTests } from '../db';
import { apiTokens, users } from '../db/schema';
import { runAction, systemCaller } from '../actions/run';
import { runAdminCommand } from '../admin/commands';
import { listUsersWithWorkspaces, peopleAndWorkspaceCounts } from '../services/users';
import { issueSetupToken } from './setup';
import { createSession, readSession } from './sessions';
import { checkToken, issueToken } from './tokens';
import { findUserByEmail, SYSTEM_USER_EMAIL } from './users';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());

describe('system account', () => {
  it('is created once, disabled, without a password, as an ops admin, and acts through the pipeline', async () => {
    const a = await systemCaller(cast.db.db, 'test-system');
    const b = await systemCaller(cast.db.db);
    expect(a.user!.id).toBe(b.user!.id);
    expect(a).toMatchObject({ via: 'system', requestId: 'test-system', ip: null, principal: { globalRole: 'ops_admin', memberOf: [] } });
    expect(b.requestId).toBe('system');
    expect(a.user).toMatchObject({ email: SYSTEM_USER_EMAIL, displayName: 'System', globalRole: 'ops_admin', status: 'disabled', passwordHash: null });
    expect(await cast.db.db.select().from(users).where(eq(users.email, SYSTEM_USER_EMAIL))).toHaveLength(1);
    const ws = await runAction<{ name: string }>('workspaces.create', { name: 'by-system' }, a);
    expect(ws.name).toBe('by-system');
  });

  it('cannot sign in, and a session or token of it would not work', async () => {
    const r = await call(login.POST as never, { path: '/api/auth/login', body: { email: SYSTEM_USER_EMAIL, password: 'any-password-at-all' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('set-cookie')).toBeNull();
    const sys = (await findUserByEmail(cast.db.db, SYSTEM_USER_EMAIL))!;
    // Even if someone enabled it in the database by hand.
    await cast.db.db.update(users).set({ status: 'active' }).where(eq(users.id, sys.id));
    try {
      const s = await createSession(cast.db.db, sys.id, {});
      expect(await readSession(cast.db.db, s.id)).toEqual({ ok: false, reason: 'disabled' });
      const { token } = await issueToken(cast.db.db, sys.id, 'sneaky', null);
      expect(await checkToken(cast.db.db, token)).toMatchObject({ ok: false });
    } finally {
      await cast.db.db.delete(apiTokens).where(eq(apiTokens.userId, sys.id));
    }
    // The next use puts it back.
    expect((await systemCaller(cast.db.db)).user).toMatchObject({ status: 'disabled', passwordHash: null });
  });

  it('refuses to be enabled, reset, given a role, a workspace or a token, and its address cannot be taken', async () => {
    const admin = cast.caller('admin');
    for (const [name, input] of [
      ['users.enable', { email: SYSTEM_USER_EMAIL }],
      ['users.resetPassword', { email: SYSTEM_USER_EMAIL, password: 'a-long-enough-password' }],
      ['users.setRole', { email: SYSTEM_USER_EMAIL, globalRole: 'auditor' }],
      ['members.add', { workspace: 'vision', email: SYSTEM_USER_EMAIL }],
      ['tokens.issue', { email: SYSTEM_USER_EMAIL, name: 'x' }],
    ] as const) {
      await expect(runAction(name, input, admin), name).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/system account/) });
    }
    await expect(runAction('users.create', { email: 'System@Harbormaster.invalid' }, admin)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/reserved/) });
    await expect(runAdminCommand(cast.db.db, 'reset-password', { email: SYSTEM_USER_EMAIL })).rejects.toMatchObject({ code: 'conflict' });
    await expect(runAdminCommand(cast.db.db, 'create-token', { email: SYSTEM_USER_EMAIL })).rejects.toMatchObject({ code: 'conflict' });
    const sys = (await findUserByEmail(cast.db.db, SYSTEM_USER_EMAIL))!;
    expect(sys).toMatchObject({ status: 'disabled', passwordHash: null, globalRole: 'ops_admin' });
    expect(await cast.db.db.select().from(apiTokens).where(eq(apiTokens.userId, sys.id))).toEqual([]);
  });

  it('is not listed as a person (users page, API, access review, counts, admin CLI)', async () => {
    const list = await listUsersWithWorkspaces(cast.db.db);
    expect(list.map((u) => u.email)).toEqual(['admin@example.com', 'audrey@example.com', 'dana@example.com', 'farid@example.com']);
    expect(await peopleAndWorkspaceCounts(cast.db.db)).toMatchObject({ activeUsers: 4, disabledUsers: 0 });
    const cli = await runAdminCommand(cast.db.db, 'list-users', {});
    expect(cli.lines.join('\n')).not.toContain(SYSTEM_USER_EMAIL);
  });
});

describe('first-run setup with the system account present', () => {
  it('still counts as "no users yet"', async () => {
    const t = await createTestDb();
    useDatabaseForTests(t);
    try {
      await systemCaller(t.db);
      await issueSetupToken(t.db, 'setup-token-with-system');
      const ok = await call(setupRoute.POST as never, { body: { token: 'setup-token-with-system', email: 'first@example.com', password: 'a-long-enough-password' } });
      expect(ok.status).toBe(200);
    } finally {
      useDatabaseForTests(cast.db);
      await t.cleanup();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as setupRoute from '@/app/api/auth/setup/route';
import { createTestDb, type TestDb } from '../db/test-db';
import { useDatabaseForTests } from '../db';
import { issueSetupToken } from './setup';
import { findUserByEmail } from './users';
import { call } from '@/test/fixtures';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  useDatabaseForTests(t);
});
afterAll(async () => {
  useDatabaseForTests(undefined);
  await t.cleanup();
});

describe('first-run setup link', () => {
  it('creates the first ops admin once, signs them in, and refuses the link afterwards', async () => {
    await issueSetupToken(t.db, 'one-time-token-abc');
    const bad = await call(setupRoute.POST as never, { body: { token: 'one-time-token-abc', email: 'first@example.com', password: 'short' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('password');
    const wrong = await call(setupRoute.POST as never, { body: { token: 'guessed', email: 'first@example.com', password: 'a-long-enough-password' } });
    expect(wrong.status).toBe(403);
    // Behind a TLS-terminating proxy the session cookie is Secure (the console itself sees http).
    const ok = await call(setupRoute.POST as never, { body: { token: 'one-time-token-abc', email: 'first@example.com', password: 'a-long-enough-password' }, headers: { 'x-forwarded-proto': 'https' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/^hm_session=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax; Secure$/);
    expect((await findUserByEmail(t.db, 'first@example.com'))?.globalRole).toBe('ops_admin');
    const again = await call(setupRoute.POST as never, { body: { token: 'one-time-token-abc', email: 'second@example.com', password: 'a-long-enough-password' } });
    expect(again.status).toBe(403);
    expect(await findUserByEmail(t.db, 'second@example.com')).toBeUndefined();
  });
});

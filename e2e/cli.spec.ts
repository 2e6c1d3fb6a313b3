import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_USERS } from './users';

// The admin CLI works whether or not a console holds the data directory.
const cli = (dataDir: string, ...args: string[]) =>
  spawnSync('npm', ['run', '-s', 'admin', '--', ...args], { encoding: 'utf8', env: { ...process.env, HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_LOG_LEVEL: 'silent' } });

test('with the console running, create-token goes through the console and prints a working token last', async ({ request }) => {
  const dataDir = process.env.HM_E2E_DATA_DIR!;
  const r = cli(dataDir, 'create-token', '--email', E2E_USERS.auditor.email, '--name', 'cli-e2e', '--expires-in', '1d');
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/sending the command to it/);
  const token = r.stdout.trim().split('\n').pop()!;
  expect(token).toMatch(/^[A-Za-z0-9_.~-]{20,}$/);
  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect((await me.json()).email).toBe(E2E_USERS.auditor.email);
  // and it is audited as the CLI
  const events = await request.get('/api/v1/audit/events?action=tokens.issue', { headers: { authorization: `Bearer ${token}` } });
  expect((await events.json()).items[0]).toMatchObject({ actor: 'admin-cli@localhost', outcome: 'success' });
});

test('without a console, the CLI opens the data directory itself; bad input exits 2 with a message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-cli-'));
  try {
    const created = cli(dir, 'create-user', '--email', 'ops@example.com', '--role', 'ops_admin');
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/password \(shown once\): \S{20,}/);
    const bad = cli(dir, 'create-token', '--email', 'nobody@example.com');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/user nobody@example.com not found/);
    const list = cli(dir, 'list-users');
    expect(list.stdout).toMatch(/ops@example.com\tops_admin\tactive/);
    const verify = cli(dir, 'verify-audit');
    expect(verify.stdout).toMatch(/audit chain OK: \d+ events/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

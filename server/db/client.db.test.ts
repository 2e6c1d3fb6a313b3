import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from './client';
import { createTestDb } from './test-db';
import { workspaces } from './schema';
import { LOCK_FILE } from './lock';

describe('database', () => {
  it('runs migrations and stores rows', async () => {
    const t = await createTestDb();
    try {
      await t.db.insert(workspaces).values({ name: 'vision', displayName: 'Vision' });
      const rows = await t.db.select().from(workspaces);
      expect(rows.map((r) => r.name)).toEqual(['vision']);
      const m = await t.db.execute(sql`SELECT name FROM schema_migrations`);
      expect((m as unknown as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    } finally {
      await t.cleanup();
    }
  });
});

describe.skipIf(process.env.HM_TEST_DB === 'postgres')('embedded database (PGlite) directory lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second open in one process returns the same handle, and data survives close + reopen', async () => {
    const a = await openDatabase({ dataDir: dir });
    const b = await openDatabase({ dataDir: dir });
    expect(b).toBe(a);
    await a.db.insert(workspaces).values({ name: 'kept' });
    await a.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const c = await openDatabase({ dataDir: dir });
    expect((await c.db.select().from(workspaces)).map((w) => w.name)).toEqual(['kept']);
    // Another process may not open it while we hold it: it is refused naming our PID.
    const script = `
      import { openDatabase } from './server/db/client.ts';
      try { await openDatabase({ dataDir: ${JSON.stringify(dir)} }); console.log('OPENED'); process.exit(0); }
      catch (e) { console.log('REFUSED ' + e.message); process.exit(3); }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--conditions=react-server' },
    });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stdout).toContain(`in use by process ${process.pid}`);
    // Our data is intact after the refused attempt.
    expect((await c.db.select().from(workspaces)).map((w) => w.name)).toEqual(['kept']);
    await c.close();
  });

  it('takes over a stale lock left by a dead process', async () => {
    const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-lock2-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    fs.writeFileSync(path.join(d2, LOCK_FILE), JSON.stringify({ pid: dead, hostname: os.hostname(), startedAt: 'x', purpose: 'crashed' }));
    const h = await openDatabase({ dataDir: d2 });
    expect(JSON.parse(fs.readFileSync(path.join(d2, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await h.close();
    fs.rmSync(d2, { recursive: true, force: true });
  });
});

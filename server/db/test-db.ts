// Test helper: a fresh, migrated database per call — PGlite in a temp dir (project `unit`) or a new
// database on the run's PostgreSQL server (project `postgres`, HM_TEST_DB=postgres).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type DbHandle } from './client';

export interface TestDb extends DbHandle {
  cleanup(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  if (process.env.HM_TEST_DB === 'postgres') {
    const adminUrl = inject('postgresUrl');
    const name = `hm_test_${randomBytes(6).toString('hex')}`;
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = adminUrl.replace(/\/postgres$/, `/${name}`);
    const h = await openDatabase({ url });
    return {
      ...h,
      async cleanup() {
        await h.close();
        const a = new Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-db-'));
  const h = await openDatabase({ dataDir: dir, purpose: 'vitest' });
  return {
    ...h,
    async cleanup() {
      await h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

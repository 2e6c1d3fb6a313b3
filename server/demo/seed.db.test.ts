// `npm run demo` seeding without clusters: workspaces and accounts go through the actions as the system
// account, so the audit log names it; a second run changes nothing and audits nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../db/test-db';
import { useDatabaseForTests } from '../db';
import { auditEvents, users } from '../db/schema';
import { verifyAuditChain } from '../audit/audit';
import { SYSTEM_USER_EMAIL } from '../auth/users';
import { listUsersWithWorkspaces } from '../services/users';
import { DEMO_USERS, DEMO_WORKSPACES, seedDemo } from './seed';

let t: TestDb;
beforeAll(async () => {
  delete process.env.HARBORMASTER_DEMO_CLUSTERS;
  delete process.env.HARBORMASTER_ADMIN_EMAIL;
  t = await createTestDb();
  useDatabaseForTests(t);
});
afterAll(async () => {
  useDatabaseForTests(undefined);
  await t?.cleanup();
});

describe('demo seeding', () => {
  it('creates the workspaces and accounts as the system account, prints the passwords once, and a second run changes nothing', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await seedDemo(t.db);
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
      for (const u of DEMO_USERS) expect(printed).toMatch(new RegExp(`${u.email.replace(/\./g, '\\.')}\\s+\\S{12,}`));

      const rows = await t.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
      expect(rows.map((r) => [r.action, r.targetName, r.outcome])).toEqual([
        ...DEMO_WORKSPACES.map((w) => ['workspaces.create', w.name, 'success']),
        ...DEMO_USERS.map((u) => ['users.create', u.email, 'success']),
      ]);
      const [system] = await t.db.select().from(users).where(eq(users.email, SYSTEM_USER_EMAIL));
      for (const r of rows) expect(r).toMatchObject({ actorId: system.id, actorEmail: SYSTEM_USER_EMAIL, actorRole: 'ops_admin', requestId: 'demo-seed' });
      expect(JSON.stringify(rows.map((r) => r.after))).not.toMatch(/password/i);

      const people = await listUsersWithWorkspaces(t.db);
      expect(people.map((u) => [u.email, u.globalRole, u.workspaces])).toEqual(
        DEMO_USERS.map((u) => [u.email, u.globalRole, u.workspaces]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );

      log.mockClear();
      await seedDemo(t.db);
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/Demo data already present/);
      expect(await t.db.select().from(auditEvents)).toHaveLength(rows.length);
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    } finally {
      log.mockRestore();
    }
  });
});

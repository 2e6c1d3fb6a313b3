import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../db/test-db';
import { verifyAuditChain, writeAuditAlone } from './audit';
import { rowsOf } from '../db/client';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

const ev = (i: number) => ({
  requestId: `req-${i}`,
  actor: { id: null, email: `user${i % 3}@example.com`, role: 'ops_admin' },
  action: 'workspaces.create',
  targetType: 'workspace',
  targetName: `ws-${i}`,
  outcome: 'success' as const,
  after: { name: `ws-${i}`, password: 'hunter2-should-not-be-kept' },
});

async function ids(): Promise<number[]> {
  return rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM audit_events ORDER BY id`)).map((r) => Number(r.id));
}

describe('audit chain', () => {
  it('50 concurrent writers still form one linear, verifiable chain, with secrets redacted', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => writeAuditAlone(t.db, ev(i))));
    const v = await verifyAuditChain(t.db);
    expect(v).toMatchObject({ ok: true, checked: 50 });
    const prevs = rowsOf<{ prev_hash: string; hash: string }>(await t.db.execute(sql`SELECT prev_hash, hash FROM audit_events ORDER BY id`));
    // each prev_hash is exactly the previous row's hash: no fork
    for (let i = 1; i < prevs.length; i++) expect(prevs[i].prev_hash).toBe(prevs[i - 1].hash);
    const after = rowsOf<{ after: { password: string } }>(await t.db.execute(sql`SELECT after FROM audit_events LIMIT 1`));
    expect(after[0].after.password).toBe('[redacted]');
  });

  it('reports an UPDATE of a row with that row’s id', async () => {
    for (let i = 0; i < 6; i++) await writeAuditAlone(t.db, ev(i));
    const id = (await ids())[3];
    await t.db.execute(sql`UPDATE audit_events SET target_name = 'tampered' WHERE id = ${id}`);
    const v = await verifyAuditChain(t.db);
    expect(v).toMatchObject({ ok: false, firstBroken: { id: id } });
    expect(v.firstBroken?.reason).toMatch(/changed/);
  });

  it('reports a DELETE with the id of the event after the gap', async () => {
    for (let i = 0; i < 6; i++) await writeAuditAlone(t.db, ev(i));
    const all = await ids();
    await t.db.execute(sql`DELETE FROM audit_events WHERE id = ${all[2]}`);
    const v = await verifyAuditChain(t.db);
    expect(v).toMatchObject({ ok: false, firstBroken: { id: all[3] } });
    expect(v.firstBroken?.reason).toMatch(/deleted|inserted|moved/);
  });

  it('reports a swap of two rows with the first swapped position', async () => {
    for (let i = 0; i < 6; i++) await writeAuditAlone(t.db, ev(i));
    const all = await ids();
    const [a, b] = [all[1], all[4]];
    // swap every column but the id
    await t.db.execute(sql`UPDATE audit_events SET id = -1 WHERE id = ${a}`);
    await t.db.execute(sql`UPDATE audit_events SET id = ${a} WHERE id = ${b}`);
    await t.db.execute(sql`UPDATE audit_events SET id = ${b} WHERE id = -1`);
    const v = await verifyAuditChain(t.db);
    expect(v).toMatchObject({ ok: false, firstBroken: { id: a } });
  });
});

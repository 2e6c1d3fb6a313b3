import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../db/test-db';
import { rowsOf } from '../db/client';
import { CHECKPOINT_EVERY, ensureAuditSigning, eventHash, selectAuditEvents, signedHead, writeAuditAlone } from './audit';
import { exportAuditRows, toCsv, toJsonLines } from './export';
import { setAuditSigningKeyForTests } from './signing';

// scripts/verify-audit.mjs as an auditor runs it: a child process over an export file, the public key as PEM.
let t: TestDb;
let dir: string;
const key = generateKeyPairSync('ed25519');
const pem = String(key.publicKey.export({ format: 'pem', type: 'spki' }));
beforeEach(async () => {
  t = await createTestDb();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-verify-'));
  fs.writeFileSync(path.join(dir, 'key.pem'), pem);
  setAuditSigningKeyForTests(key.privateKey);
});
afterEach(async () => {
  await t.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(() => setAuditSigningKeyForTests(undefined));

// Values that stress the CSV form: formula-looking text, apostrophes, empty strings, quotes, newlines, JSON scalars.
const tricky = ['=SUM(A1)', "'=already", '-1', '@x', '', 'a "quoted", text\r\nnext line', 'ünïcødé ✓', "'plain"];
const ev = (i: number) => ({
  requestId: `req-${i}`,
  actor: { id: null, email: `u${i % 3}@example.com`, role: 'ops_admin' },
  action: 'workspaces.update',
  targetType: 'workspace',
  targetName: tricky[i % tricky.length],
  outcome: (i % 5 === 0 ? 'denied' : 'success') as 'denied' | 'success',
  message: i % 4 === 0 ? tricky[(i + 3) % tricky.length] || null : null,
  before: i % 6 === 0 ? tricky[i % tricky.length] : i % 6 === 1 ? -i : { n: i, nested: { z: 1, a: [tricky[i % tricky.length], null, 1.5] } },
  after: i % 7 === 0 ? undefined : { n: i + 1 },
});

function run(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/verify-audit.mjs', file, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}
async function exportTo(name: string, format: 'csv' | 'jsonl', q = {}) {
  const rows = await exportAuditRows(t.db, q);
  const file = path.join(dir, name);
  fs.writeFileSync(file, format === 'csv' ? toCsv(rows) : toJsonLines(rows));
  return file;
}
const keyArg = () => ['--public-key', path.join(dir, 'key.pem')];

describe('scripts/verify-audit.mjs', () => {
  it('verifies CSV and JSON Lines exports offline, with the signed checkpoints and a recorded head', async () => {
    for (let i = 0; i < 5; i++) await writeAuditAlone(t.db, ev(i)); // before signing: hash-only rule
    await ensureAuditSigning(t.db);
    for (let i = 5; i < CHECKPOINT_EVERY + 30; i++) await writeAuditAlone(t.db, ev(i));
    const head = await signedHead(t.db);
    fs.writeFileSync(path.join(dir, 'head.json'), JSON.stringify(head));
    for (const format of ['csv', 'jsonl'] as const) {
      const file = await exportTo(`all.${format}`, format);
      expect(run(file)).toMatchObject({ code: 0 });
      const r = run(file, ...keyArg(), '--head', path.join(dir, 'head.json'));
      expect(r.out).toMatch(new RegExp(`ok: ${CHECKPOINT_EVERY + 31} events verified, 2 signed checkpoints, head ${head.id} intact`));
      expect(r.code).toBe(0);
      // the key given as base64 SPKI works too
      expect(run(file, '--public-key', head.publicKey).code).toBe(0);
      // a range
      const ids = rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM audit_events ORDER BY id`)).map((x) => Number(x.id));
      expect(run(await exportTo(`range.${format}`, format, { from: ids[20], to: ids[60] }), ...keyArg()).code).toBe(0);
      // a filtered export: each row's own hash and the signatures
      const denied = await exportTo(`denied.${format}`, format, { outcome: 'denied' });
      expect(run(denied, ...keyArg()).code).toBe(1);
      expect(run(denied, ...keyArg(), '--filtered')).toMatchObject({ code: 0 });
    }
  });

  it('reports an edited, a deleted and a swapped row of an export with the first bad id', async () => {
    for (let i = 0; i < 12; i++) await writeAuditAlone(t.db, ev(i));
    const file = await exportTo('x.jsonl', 'jsonl');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').reverse(); // oldest first
    const ids = lines.map((l) => JSON.parse(l).id as number);
    const write = (ls: string[]) => (fs.writeFileSync(path.join(dir, 'y.jsonl'), ls.join('\n') + '\n'), path.join(dir, 'y.jsonl'));
    const edited = [...lines];
    edited[4] = JSON.stringify({ ...JSON.parse(edited[4]), actorEmail: 'someone-else@example.com' });
    expect(run(write(edited))).toMatchObject({ code: 1, out: expect.stringContaining(`BROKEN at event ${ids[4]}: event ${ids[4]} was changed`) });
    expect(run(write(lines.filter((_, i) => i !== 6)))).toMatchObject({ code: 1, out: expect.stringContaining(`BROKEN at event ${ids[7]}`) });
    const swapped = lines.map((l) => JSON.parse(l));
    [swapped[2], swapped[8]] = [{ ...swapped[8], id: swapped[2].id }, { ...swapped[2], id: swapped[8].id }];
    expect(run(write(swapped.map((o) => JSON.stringify(o))))).toMatchObject({ code: 1, out: expect.stringContaining(`BROKEN at event ${ids[2]}`) });
    // CSV: one changed cell
    const csv = await exportTo('x.csv', 'csv');
    fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace('u1@example.com', 'u2@example.com'));
    expect(run(csv)).toMatchObject({ code: 1, out: expect.stringMatching(/BROKEN at event \d+: event \d+ was changed/) });
  });

  it('detects a truncation of the newest events and a rewrite against a recorded head', async () => {
    await ensureAuditSigning(t.db);
    for (let i = 0; i < 20; i++) await writeAuditAlone(t.db, ev(i));
    const head = await signedHead(t.db);
    const headFile = path.join(dir, 'head.json');
    fs.writeFileSync(headFile, JSON.stringify(head));
    // truncated: the newest five events deleted (the rest of the chain is still consistent)
    await t.db.execute(sql`DELETE FROM audit_events WHERE id > ${head.id - 5}`);
    const truncated = await exportTo('t.csv', 'csv');
    expect(run(truncated, ...keyArg()).code).toBe(0); // without the head nothing shows it
    expect(run(truncated, ...keyArg(), '--head', headFile)).toMatchObject({ code: 1, out: expect.stringContaining(`truncated: the export ends at event ${head.id - 5}, before event ${head.id}`) });
    // rewritten: a later head, then its last three events edited and the chain after them recomputed (no
    // checkpoint falls in the tail, so only the recorded head shows it)
    for (let i = 0; i < 6; i++) await writeAuditAlone(t.db, ev(100 + i));
    const head2 = await signedHead(t.db);
    fs.writeFileSync(headFile, JSON.stringify(head2));
    let prev: string | undefined;
    for (const r of await selectAuditEvents(t.db, undefined, 'asc', 10_000)) {
      if (Number(r.id) <= head2.id - 3) {
        prev = r.hash;
        continue;
      }
      const hash = eventHash(prev!, { ...r, message: 'rewritten' });
      await t.db.execute(sql`UPDATE audit_events SET prev_hash = ${prev!}, hash = ${hash}, message = 'rewritten' WHERE id = ${r.id}`);
      prev = hash;
    }
    const file = await exportTo('r.jsonl', 'jsonl');
    expect(run(file, ...keyArg()).code).toBe(0); // consistent without the head
    expect(run(file, ...keyArg(), '--head', headFile)).toMatchObject({ code: 1, out: expect.stringContaining(`event ${head2.id} was rewritten`) });
    // a head whose signature does not match is refused
    fs.writeFileSync(path.join(dir, 'forged.json'), JSON.stringify({ ...head2, hash: 'f'.repeat(64) }));
    expect(run(file, ...keyArg(), '--head', path.join(dir, 'forged.json'))).toMatchObject({ code: 1, out: expect.stringContaining('not signed by a --public-key') });
  });

  it('a chain recomputed with every hash consistent fails on the checkpoint signatures', async () => {
    await ensureAuditSigning(t.db);
    for (let i = 0; i < CHECKPOINT_EVERY + 5; i++) await writeAuditAlone(t.db, ev(i));
    await t.db.execute(sql`UPDATE audit_events SET target_name = 'rewritten' WHERE id = (SELECT min(id) + 3 FROM audit_events)`);
    const rows = await selectAuditEvents(t.db, undefined, 'asc', 10_000);
    let prev = rows[0].prevHash;
    for (const r of rows) {
      const hash = eventHash(prev, r);
      await t.db.execute(sql`UPDATE audit_events SET prev_hash = ${prev}, hash = ${hash} WHERE id = ${r.id}`);
      prev = hash;
    }
    const file = await exportTo('c.csv', 'csv');
    const r = run(file, ...keyArg());
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/signature of the checkpoint at event \d+ does not verify/);
  });

  it('exits 2 on bad usage or an unreadable file', () => {
    expect(run(path.join(dir, 'missing.csv')).code).toBe(2);
    expect(run(path.join(dir, 'key.pem'), '--head', 'x.json').code).toBe(2); // --head without --public-key
    expect(spawnSync(process.execPath, ['scripts/verify-audit.mjs'], { encoding: 'utf8' }).status).toBe(2);
    expect(run(path.join(dir, 'key.pem'), '--bogus').code).toBe(2);
  });

  it('imports nothing but node:crypto and node:fs', () => {
    const src = fs.readFileSync('scripts/verify-audit.mjs', 'utf8');
    expect([...src.matchAll(/^import .* from '([^']+)';/gm)].map((m) => m[1]).sort()).toEqual(['node:crypto', 'node:fs']);
  });
});

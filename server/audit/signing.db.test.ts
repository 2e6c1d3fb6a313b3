import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../db/test-db';
import { rowsOf } from '../db/client';
import { CHECKPOINT_EVERY, ensureAuditSigning, eventHash, selectAuditEvents, signedHead, verifyAuditChain, verifyConsoleAuditChain, writeAuditAlone } from './audit';
import { auditSigningKey, deriveSigningKey, parseSigningKey, publicKeyB64, setAuditSigningKeyForTests, signAudit, verifyAuditSignature } from './signing';

let t: TestDb;
const keyA = generateKeyPairSync('ed25519').privateKey;
const keyB = generateKeyPairSync('ed25519').privateKey;
beforeEach(async () => {
  t = await createTestDb();
  setAuditSigningKeyForTests(keyA);
});
afterEach(async () => t.cleanup());
afterAll(() => setAuditSigningKeyForTests(undefined));

const ev = (i: number) => ({ requestId: `req-${i}`, actor: { id: null, email: `u${i % 3}@example.com`, role: 'ops_admin' }, action: 'workspaces.create', targetType: 'workspace', targetName: `ws-${i}`, outcome: 'success' as const, after: { name: `ws-${i}` } });

async function write(n: number, offset = 0) {
  for (let i = 0; i < n; i++) await writeAuditAlone(t.db, ev(offset + i));
}
async function checkpointIds(): Promise<number[]> {
  return rowsOf<{ event_id: string }>(await t.db.execute(sql`SELECT event_id FROM audit_checkpoints ORDER BY event_id`)).map((r) => Number(r.event_id));
}

/** What a database writer without the key can do: edit one event and recompute every hash after it. */
async function recomputeFrom(id: number, change: () => Promise<unknown>) {
  await change();
  const rows = await selectAuditEvents(t.db, undefined, 'asc', 10_000);
  let prev: string | null = null;
  for (const r of rows) {
    if (Number(r.id) < id) {
      prev = r.hash;
      continue;
    }
    const prevHash = prev ?? r.prevHash;
    const hash = eventHash(prevHash, r);
    await t.db.execute(sql`UPDATE audit_events SET prev_hash = ${prevHash}, hash = ${hash} WHERE id = ${r.id}`);
    prev = hash;
  }
}

describe('signed audit checkpoints', () => {
  it('events before signing keep the hash-only rule; the switch is an event with a checkpoint; then one every 100 events', async () => {
    await write(5);
    expect(await checkpointIds()).toEqual([]);
    expect(await verifyConsoleAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/no checkpoint/) } });
    await ensureAuditSigning(t.db);
    await ensureAuditSigning(t.db); // once per key
    const switchEv = rowsOf<{ id: string; after: { publicKey: string; checkpointEvery: number } }>(await t.db.execute(sql`SELECT id, after FROM audit_events WHERE action = 'audit.signingKey'`));
    expect(switchEv).toHaveLength(1);
    expect(switchEv[0].after.publicKey).toBe(publicKeyB64(keyA)); // not redacted
    expect(switchEv[0].after.checkpointEvery).toBe(CHECKPOINT_EVERY);
    await write(2 * CHECKPOINT_EVERY + 10, 5);
    const cps = await checkpointIds();
    expect(cps).toHaveLength(3);
    expect(cps[0]).toBe(Number(switchEv[0].id));
    expect(cps[1] - cps[0]).toBe(CHECKPOINT_EVERY);
    const v = await verifyConsoleAuditChain(t.db);
    expect(v).toMatchObject({ ok: true, checked: 5 + 1 + 2 * CHECKPOINT_EVERY + 10, checkpoints: 3, lastCheckpointId: cps[2], signedBy: auditSigningKey().fingerprint });
  });

  it('a recomputed chain (every hash rewritten consistently) is caught by the checkpoint signatures', async () => {
    await ensureAuditSigning(t.db);
    await write(150);
    const target = (await checkpointIds())[0] + 10;
    await recomputeFrom(target, () => t.db.execute(sql`UPDATE audit_events SET target_name = 'rewritten' WHERE id = ${target}`));
    const v = await verifyConsoleAuditChain(t.db);
    expect(v.ok).toBe(false);
    expect(v.firstBroken?.id).toBe((await checkpointIds())[1]);
    expect(v.firstBroken?.reason).toMatch(/recomputed/);
  });

  it('re-signing checkpoints with another key, or deleting them, is caught', async () => {
    await ensureAuditSigning(t.db);
    await write(120);
    const cps = await checkpointIds();
    // forged: the writer's own key
    const forger = setAndGet(keyB);
    setAuditSigningKeyForTests(keyA);
    const at = new Date().toISOString();
    const row = rowsOf<{ hash: string }>(await t.db.execute(sql`SELECT hash FROM audit_events WHERE id = ${cps[1]}`))[0];
    await t.db.execute(sql`UPDATE audit_checkpoints SET public_key = ${forger.publicKey}, signature = ${signAudit(forger, 'checkpoint', cps[1], row.hash, at)}, at = ${at} WHERE event_id = ${cps[1]}`);
    expect(await verifyConsoleAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { id: cps[1], reason: expect.stringMatching(/no audit.signingKey event introduced/) } });
    // removed: the event due a checkpoint reports it
    await t.db.execute(sql`DELETE FROM audit_checkpoints WHERE event_id = ${cps[1]}`);
    expect(await verifyConsoleAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { id: cps[1], reason: expect.stringMatching(/should carry a signed checkpoint/) } });
    // all removed: the console's key signed nothing
    await t.db.execute(sql`DELETE FROM audit_checkpoints`);
    expect(await verifyConsoleAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/no checkpoint is signed/) } });
  });

  it('a new key is a switch event; checkpoints of the earlier key still verify; a head is signed and checks the tail', async () => {
    await ensureAuditSigning(t.db);
    await write(30);
    setAuditSigningKeyForTests(keyB);
    await write(1, 30); // the first write with the new key records the switch
    const switches = rowsOf<{ after: { previousFingerprint: string | null } }>(await t.db.execute(sql`SELECT after FROM audit_events WHERE action = 'audit.signingKey' ORDER BY id`));
    expect(switches).toHaveLength(2);
    expect(switches[1].after.previousFingerprint).toMatch(/^sha256:/);
    expect(await verifyConsoleAuditChain(t.db)).toMatchObject({ ok: true, checkpoints: 2 });
    const head = await signedHead(t.db);
    const last = rowsOf<{ id: string; hash: string }>(await t.db.execute(sql`SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`))[0];
    expect(head).toMatchObject({ id: Number(last.id), hash: last.hash, publicKey: publicKeyB64(keyB) });
    expect(verifyAuditSignature(head.publicKey, 'head', head.id, head.hash, head.at, head.signature)).toBe(true);
    expect(verifyAuditSignature(head.publicKey, 'head', head.id - 1, head.hash, head.at, head.signature)).toBe(false);
    await t.db.execute(sql`UPDATE audit_events SET message = 'tampered' WHERE id = ${last.id}`);
    await expect(signedHead(t.db)).rejects.toThrow(/does not verify/);
  });

  it('verifies a range from..to, the first event’s prevHash taken as given', async () => {
    await write(10);
    const ids = rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM audit_events ORDER BY id`)).map((r) => Number(r.id));
    expect(await verifyAuditChain(t.db, { from: ids[3], to: ids[6] })).toMatchObject({ ok: true, checked: 4, lastId: ids[6] });
    await t.db.execute(sql`UPDATE audit_events SET target_name = 'x' WHERE id = ${ids[8]}`);
    expect((await verifyAuditChain(t.db, { from: ids[3], to: ids[6] })).ok).toBe(true);
    expect(await verifyAuditChain(t.db, { from: ids[3] })).toMatchObject({ ok: false, firstBroken: { id: ids[8] } });
  });
});

function setAndGet(k: typeof keyA) {
  setAuditSigningKeyForTests(k);
  return auditSigningKey();
}

describe('signing key sources', () => {
  it('parses PEM and base64 PKCS#8, refuses other key types, derives the same key from the same secret', () => {
    const pem = String(keyA.export({ format: 'pem', type: 'pkcs8' }));
    const b64 = keyA.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(publicKeyB64(parseSigningKey(pem))).toBe(publicKeyB64(keyA));
    expect(publicKeyB64(parseSigningKey(b64))).toBe(publicKeyB64(keyA));
    const rsa = String(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(() => parseSigningKey(rsa)).toThrow(/Ed25519/);
    expect(() => parseSigningKey('not a key')).toThrow(/PKCS#8/);
    const s = Buffer.alloc(32, 3);
    expect(publicKeyB64(deriveSigningKey(s))).toBe(publicKeyB64(deriveSigningKey(Buffer.alloc(32, 3))));
    expect(publicKeyB64(deriveSigningKey(s))).not.toBe(publicKeyB64(deriveSigningKey(Buffer.alloc(32, 4))));
  });
});

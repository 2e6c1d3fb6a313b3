// Hostile and careless clients on the REST surface (issue 18): anonymous writes to the audit log, secrets kept
// by Idempotency-Key, error text on /api/health/ready, credentials in proxy URLs. Route handlers called with
// real Requests against a real database.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { NextRequest } from 'next/server';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import * as wsList from '@/app/api/v1/workspaces/route';
import * as members from '@/app/api/v1/workspaces/[workspace]/members/route';
import * as cancelJob from '@/app/api/v1/workspaces/[workspace]/jobs/[name]/cancel/route';
import * as codeRoute from '@/app/api/v1/workspaces/[workspace]/code/route';
import * as tokens from '@/app/api/v1/tokens/route';
import * as me from '@/app/api/v1/me/route';
import * as usersRoute from '@/app/api/v1/users/route';
import * as extension from '@/app/api/v1/clusters/[cluster]/extension/route';
import * as ready from '@/app/api/health/ready/route';
import { auditEvents, clusterExtensions, idempotencyKeys } from '@/server/db/schema';
import { AUDIT_TEXT_MAX, auditText, verifyAuditChain } from '@/server/audit/audit';
import { DENIALS_PER_CLIENT, DENIAL_WINDOW_MS, SUMMARY_ACTION, resetDenialLimits } from '@/server/audit/denials';
import { pruneIdempotencyKeys } from '@/server/http/idempotency';
import { useDatabaseForTests, type DbHandle } from '@/server/db';
import { rowsOf } from '@/server/db/client';
import { setBootstrapState } from '@/server/bootstrap-state';
import { call, createCast, type Cast } from '@/test/fixtures';
import { clientIpHeaders } from '@/server/http/client-ip';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());
beforeEach(() => resetDenialLimits());
afterEach(() => {
  vi.useRealTimers();
  resetDenialLimits();
});

const lastAudit = async () => (await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];
const maxId = async () => (await lastAudit())?.id ?? 0;
const auditSince = (id: number) => cast.db.db.select().from(auditEvents).where(gt(auditEvents.id, id)).orderBy(auditEvents.id);

describe('anonymous writes to the audit log', () => {
  it('refuses an anonymous upload with 401 before reading a byte of its (endless) multipart body', async () => {
    let pulls = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const body = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          pulls++;
          c.enqueue(chunk); // never ends: a handler that read it would hang or run out of its cap
        },
      },
      { highWaterMark: 0 },
    );
    const req = new NextRequest('http://127.0.0.1/api/v1/workspaces/vision/code', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x', ...clientIpHeaders('203.0.113.5') },
      body,
      duplex: 'half',
    } as ConstructorParameters<typeof NextRequest>[1] & { duplex: 'half' });
    const res = await codeRoute.POST(req, { params: Promise.resolve({ workspace: 'vision' }) });
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toMatch(/sign in or send a valid API token/);
    expect(pulls).toBe(0);
    expect(await lastAudit()).toMatchObject({ action: 'code.upload', outcome: 'denied', actorEmail: null, workspace: 'vision', targetName: null, ip: '203.0.113.5' });
  });

  it('audits names from the route only, never from the unvalidated body', async () => {
    const huge = 'x'.repeat(100_000);
    const anon = await call(wsList.POST, { body: { name: huge, workspace: huge, email: `${huge}@example.com` } });
    expect(anon.status).toBe(401);
    expect(await lastAudit()).toMatchObject({ action: 'workspaces.create', outcome: 'denied', workspace: null, targetName: null });

    // Signed in but not allowed: the body's names are not recorded either; the route's are.
    const denied = await call(wsList.POST, { token: cast.users.dsVision.token, body: { name: huge } });
    expect(denied.status).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'workspaces.create', outcome: 'denied', actorEmail: 'dana@example.com', workspace: null, targetName: null });
    const member = await call(members.POST, { token: cast.users.dsVision.token, params: { workspace: 'forecasting' }, body: { email: `${huge}@example.com` } });
    expect(member.status).toBe(403);
    expect(await lastAudit()).toMatchObject({ action: 'members.add', outcome: 'denied', workspace: 'forecasting', targetName: null });
    const hidden = await call(cancelJob.POST, { token: cast.users.dsVision.token, params: { workspace: 'forecasting', name: 'their-job' } });
    expect(hidden.status).toBe(404);
    expect(await lastAudit()).toMatchObject({ action: 'jobs.cancel', outcome: 'denied', workspace: 'forecasting', targetName: 'their-job' });

    // A route parameter that is no name is not recorded.
    const odd = await call(members.POST, { params: { workspace: `<script>${'y'.repeat(5000)}` }, body: {} });
    expect(odd.status).toBe(401);
    expect(await lastAudit()).toMatchObject({ action: 'members.add', workspace: null, targetName: null });

    // After validation the names are the validated ones.
    const ok = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'audited-name' } });
    expect(ok.status).toBe(201);
    expect(await lastAudit()).toMatchObject({ action: 'workspaces.create', outcome: 'success', targetName: 'audited-name' });
  });

  it('caps every audited text at 256 characters, in the audit writer', async () => {
    const key = 'k'.repeat(5000);
    const r = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'capped', [key]: 1 } });
    expect(r.status).toBe(400);
    const a = await lastAudit();
    expect(a).toMatchObject({ action: 'workspaces.create', outcome: 'failed' });
    expect(a.message!.length).toBeLessThanOrEqual(AUDIT_TEXT_MAX);
    expect(a.message).toMatch(/^k+…$/); // "<key>: unknown field \"<key>\"", cut
    expect(auditText('é'.repeat(300))).toHaveLength(AUDIT_TEXT_MAX);
    expect(auditText('😀'.repeat(300))!.length).toBeLessThanOrEqual(AUDIT_TEXT_MAX);
    expect(auditText('😀'.repeat(300))).not.toMatch(/[\uD800-\uDBFF]…$/);
    expect(auditText(null)).toBeNull();
    expect((await verifyAuditChain(cast.db.db)).ok).toBe(true);
  });

  it(`writes at most ${DENIALS_PER_CLIENT} denials a minute per client, then one summary of the rest`, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const before = await maxId();
    const from = (ip: string) => call(wsList.POST, { body: { name: 'flood' }, headers: clientIpHeaders(ip) });
    for (let i = 0; i < 15; i++) expect((await from('198.51.100.7')).status).toBe(401);
    // Another client is not held back by the first one's flood.
    expect((await from('198.51.100.8')).status).toBe(401);
    const during = await auditSince(before);
    expect(during.filter((e) => e.ip === '198.51.100.7')).toHaveLength(DENIALS_PER_CLIENT);
    expect(during.filter((e) => e.ip === '198.51.100.8')).toHaveLength(1);
    expect(during.some((e) => e.action === SUMMARY_ACTION)).toBe(false);

    // A signed-in user's denials are counted against the user.
    for (let i = 0; i < DENIALS_PER_CLIENT + 2; i++) expect((await call(wsList.POST, { token: cast.users.auditor.token, body: { name: 'nope' } })).status).toBe(403);

    // The window ends; the next denial first writes the summary of what was only counted.
    vi.setSystemTime(new Date(Date.now() + DENIAL_WINDOW_MS + 1000));
    expect((await from('198.51.100.7')).status).toBe(401);
    const after = await auditSince(before);
    const summaries = after.filter((e) => e.action === SUMMARY_ACTION);
    expect(summaries).toHaveLength(2);
    expect(summaries.find((e) => e.ip === '198.51.100.7')).toMatchObject({
      outcome: 'denied',
      actorEmail: null,
      targetName: 'ip 198.51.100.7',
      message: expect.stringMatching(/^5 more denied attempts by ip 198\.51\.100\.7 between .* counted, not written one by one \(at most 10 a minute\): workspaces\.create ×5$/),
    });
    expect(summaries.find((e) => e.actorEmail === 'audrey@example.com')?.message).toMatch(/^2 more denied attempts by audrey@example\.com /);
    expect(after.at(-1)).toMatchObject({ action: 'workspaces.create', outcome: 'denied', ip: '198.51.100.7' });
    expect(after.filter((e) => e.actorEmail === 'audrey@example.com' && e.action === 'workspaces.create')).toHaveLength(DENIALS_PER_CLIENT);
    expect((await verifyAuditChain(cast.db.db)).ok).toBe(true);
  });
});

describe('Idempotency-Key answers', () => {
  const rawRows = async () => JSON.stringify(rowsOf(await cast.db.db.execute(sql`SELECT * FROM idempotency_keys`)));

  it('keeps no clear token after tokens.create, and still replays the answer', async () => {
    const h = { 'idempotency-key': 'make-ci-token' };
    const a = await call(tokens.POST, { token: cast.users.dsVision.token, body: { name: 'ci-idem' }, headers: h });
    expect(a.status).toBe(201);
    const secret: string = a.json.token;
    expect(secret).toMatch(/^hm_/);
    const raw = await rawRows();
    expect(raw).toContain('make-ci-token');
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(secret.slice(3, 23));
    expect(raw).not.toContain('ci-idem'); // neither the answer nor the request in clear

    const b = await call(tokens.POST, { token: cast.users.dsVision.token, body: { name: 'ci-idem' }, headers: h });
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.json).toEqual(a.json);
    expect((await call(me.GET, { token: b.json.token })).status).toBe(200);
    // Another user's same key is another key; a different request with the same key is refused.
    expect((await call(tokens.POST, { token: cast.users.dsVision.token, body: { name: 'other' }, headers: h })).status).toBe(422);
    expect((await call(tokens.POST, { token: cast.users.dsForecasting.token, body: { name: 'ci-idem' }, headers: h })).headers.get('idempotent-replayed')).toBeNull();
  });

  it('keeps no clear password after users.create (answer or request)', async () => {
    const chosen = 'a-chosen-password-0123';
    const r = await call(usersRoute.POST, { token: cast.users.admin.token, body: { email: 'idem@example.com', password: chosen }, headers: { 'idempotency-key': 'mk-user' } });
    expect(r.status).toBe(201);
    const gen = await call(usersRoute.POST, { token: cast.users.admin.token, body: { email: 'idem2@example.com' }, headers: { 'idempotency-key': 'mk-user-2' } });
    const raw = await rawRows();
    expect(raw).not.toContain(chosen);
    expect(raw).not.toContain(gen.json.initialPassword);
    const again = await call(usersRoute.POST, { token: cast.users.admin.token, body: { email: 'idem2@example.com' }, headers: { 'idempotency-key': 'mk-user-2' } });
    expect(again.json.initialPassword).toBe(gen.json.initialPassword);
  });

  it('purges keys older than 24 hours on the next write, and answers stored in clear by older versions', async () => {
    const uid = cast.users.dsVision.user.id;
    const old = new Date(Date.now() - 25 * 3600_000);
    await cast.db.db.insert(idempotencyKeys).values({ userId: uid, key: 'old-key', method: 'POST', path: '/api/v1/tokens', requestHash: 'h1:x', status: 201, body: '{"token":"hm_old"}', createdAt: old });
    await cast.db.db.insert(idempotencyKeys).values({ userId: uid, key: 'legacy-key', method: 'POST', path: '/api/v1/tokens', requestHash: 'a'.repeat(64), status: 201, body: '{"token":"hm_legacy_clear"}' });
    // A legacy clear answer is not replayed: the request runs (its answer is new) and the clear row is gone.
    const legacy = await call(tokens.POST, { token: cast.users.dsVision.token, body: { name: 'legacy' }, headers: { 'idempotency-key': 'legacy-key' } });
    expect(legacy.status).toBe(201);
    expect(legacy.headers.get('idempotent-replayed')).toBeNull();
    expect(legacy.json.token).not.toBe('hm_legacy_clear');
    const keys = (await cast.db.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, uid))).map((k) => k.key);
    expect(keys).not.toContain('old-key');
    expect(keys).toContain('legacy-key');
    expect(await rawRows()).not.toContain('hm_legacy_clear');
    expect(await rawRows()).not.toContain('hm_old');
    // The runtime's hourly prune does the same without a write.
    await cast.db.db.insert(idempotencyKeys).values({ userId: uid, key: 'old-2', method: 'POST', path: '/x', requestHash: 'h1:y', status: 200, body: 'v1:x', createdAt: old });
    expect(await pruneIdempotencyKeys(cast.db.db)).toBe(1);
    expect(await cast.db.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.userId, uid), eq(idempotencyKeys.key, 'old-2')))).toEqual([]);
  });
});

describe('/api/health/ready', () => {
  it('gives a generic reason, not the database error text', async () => {
    const detail = 'password authentication failed for user "hm_admin" at db.internal.corp:5432';
    const broken = { db: { execute: () => Promise.reject(new Error(detail)) } } as unknown as DbHandle;
    setBootstrapState({ phase: 'failed', error: `demo seeding failed: ${detail}` });
    useDatabaseForTests(broken);
    try {
      const r = await call(ready.GET as never);
      expect(r.status).toBe(503);
      expect(r.json).toMatchObject({ status: 'not_ready', checks: { database: expect.stringMatching(/^unreachable \(see the server log, error id [0-9a-f-]{36}\)$/), bootstrap: 'failed' } });
      expect(r.text).not.toMatch(/hm_admin|db\.internal|password|5432/);
    } finally {
      useDatabaseForTests(cast.db);
      setBootstrapState({ phase: 'ready' });
    }
    const ok = await call(ready.GET as never);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ status: 'ready', checks: { database: 'ok', bootstrap: 'ready' } });
  });
});

describe('proxy URLs with credentials', () => {
  it('are refused with 400 naming the field, never echoed, stored or audited', async () => {
    const noProxy = '127.0.0.1,localhost,.svc,.svc.cluster.local,kubernetes.default.svc';
    for (const [field, url] of [
      ['httpsProxy', 'http://alice:s3cret-pw@10.0.0.5:3128'],
      ['httpProxy', 'alice:s3cret-pw@proxy.corp:3128'],
    ] as const) {
      const r = await call(extension.POST, { token: cast.users.admin.token, params: { cluster: 'edge-1' }, body: { settings: { proxy: { [field]: url, noProxy } } } });
      expect(r.status).toBe(400);
      expect(r.json.errors).toContainEqual({ path: `settings.proxy.${field}`, message: expect.stringMatching(/^must not contain a user name or password/) });
      expect(r.text).not.toContain('s3cret');
      const a = await lastAudit();
      expect(a).toMatchObject({ action: 'clusters.extension.install', outcome: 'failed', targetName: 'edge-1' });
      expect(JSON.stringify(a)).not.toContain('s3cret');
    }
    expect(await cast.db.db.select().from(clusterExtensions)).toEqual([]);
  });
});

// The REST API as a client sees it: route handlers called with real Requests against a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import * as me from '@/app/api/v1/me/route';
import * as wsList from '@/app/api/v1/workspaces/route';
import * as wsOne from '@/app/api/v1/workspaces/[workspace]/route';
import * as members from '@/app/api/v1/workspaces/[workspace]/members/route';
import * as usersRoute from '@/app/api/v1/users/route';
import * as tokens from '@/app/api/v1/tokens/route';
import * as tokenOne from '@/app/api/v1/tokens/[id]/route';
import * as auditEventsRoute from '@/app/api/v1/audit/events/route';
import * as openapi from '@/app/api/v1/openapi.json/route';
import { auditEvents, workspaces } from '@/server/db/schema';
import { describedPaths } from './openapi';
import { call, createCast, type Cast } from '@/test/fixtures';

let cast: Cast;
beforeAll(async () => {
  cast = await createCast();
});
afterAll(async () => cast?.cleanup());

const lastAudit = async () => (await cast.db.db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(1))[0];

describe('authentication', () => {
  it('answers 401 problem+json without a token, naming what to send', async () => {
    const r = await call(me.GET, { path: '/api/v1/me' });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.json.detail).toMatch(/Bearer/);
    expect(r.text).not.toMatch(/at \w+ \(/); // no stack trace
  });
  it('answers 401 for a wrong, a revoked and an expired token', async () => {
    expect((await call(me.GET, { token: 'hm_nope' })).status).toBe(401);
    const created = await call(tokens.POST, { token: cast.users.dsVision.token, body: { name: 'short', expiresIn: '1m' } });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^hm_[A-Za-z0-9_-]{40,}$/);
    expect((await call(me.GET, { token: created.json.token })).status).toBe(200);
    const del = await call(tokenOne.DELETE, { method: 'DELETE', token: cast.users.dsVision.token, params: { id: created.json.id } });
    expect(del.status).toBe(200);
    const revoked = await call(me.GET, { token: created.json.token });
    expect(revoked.status).toBe(401);
    expect(revoked.json.detail).toMatch(/revoked/);
  });
  it('GET /api/v1/me says who and what role', async () => {
    const r = await call(me.GET, { token: cast.users.dsVision.token });
    expect(r.json).toMatchObject({ email: 'dana@example.com', role: 'data_scientist', workspaces: ['vision'] });
    expect(r.text).not.toMatch(/password|hash/i);
  });
});

describe('workspaces', () => {
  it('lists all for ops admins and auditors, only their own for data scientists', async () => {
    const names = async (who: keyof Cast['users']) => (await call(wsList.GET, { token: cast.users[who].token })).json.items.map((w: { name: string }) => w.name);
    expect(await names('admin')).toEqual(['forecasting', 'vision']);
    expect(await names('auditor')).toEqual(['forecasting', 'vision']);
    expect(await names('dsVision')).toEqual(['vision']);
  });
  it('creates a workspace (201) for an ops admin and audits it in the same transaction', async () => {
    const r = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'nlp', displayName: 'NLP' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: 'nlp', displayName: 'NLP', status: 'active' });
    const a = await lastAudit();
    expect(a).toMatchObject({ action: 'workspaces.create', outcome: 'success', targetName: 'nlp', actorEmail: 'admin@example.com' });
  });
  it('refuses a data scientist (403) and an auditor (403), audited as denied, nothing written', async () => {
    for (const who of ['dsVision', 'auditor'] as const) {
      const r = await call(wsList.POST, { token: cast.users[who].token, body: { name: `x-${who.toLowerCase()}` } });
      expect(r.status).toBe(403);
      expect((await lastAudit()).outcome).toBe('denied');
    }
    expect(await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'x-auditor'))).toEqual([]);
  });
  it('refuses unknown fields naming them, bad names naming the field, malformed JSON, oversized bodies', async () => {
    const unknown = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'ok-name', colour: 'blue' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toContainEqual({ path: 'colour', message: 'unknown field "colour"' });
    expect((await lastAudit()).outcome).toBe('failed');
    const bad = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'Bad_Name' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('name');
    const malformed = await call(wsList.POST, { token: cast.users.admin.token, rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.detail).toMatch(/malformed JSON/);
    const big = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'x'.repeat(2 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    const yaml = await call(wsList.POST, { token: cast.users.admin.token, rawBody: 'name: y', headers: { 'content-type': 'text/plain' } });
    expect(yaml.status).toBe(415);
  });
  it('hides a workspace from a data scientist who is not a member (404, not 403)', async () => {
    const r = await call(wsOne.GET, { token: cast.users.dsVision.token, params: { workspace: 'forecasting' } });
    expect(r.status).toBe(404);
    const mine = await call(wsOne.GET, { token: cast.users.dsVision.token, params: { workspace: 'vision' } });
    expect(mine.status).toBe(200);
    expect(mine.json.members.map((m: { email: string }) => m.email)).toEqual(['dana@example.com']);
  });
  it('?dryRun=true validates and shows the result but writes nothing', async () => {
    const r = await call(wsList.POST, { path: '/api/v1/workspaces?dryRun=true', token: cast.users.admin.token, body: { name: 'dry' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ dryRun: true, result: { name: 'dry' } });
    expect(await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'dry'))).toEqual([]);
  });
  it('Idempotency-Key replays the first answer and refuses a different request with the same key', async () => {
    const h = { 'idempotency-key': 'create-speech-1' };
    const a = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'speech' }, headers: h });
    const b = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'speech' }, headers: h });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.json).toEqual(a.json);
    const c = await call(wsList.POST, { token: cast.users.admin.token, body: { name: 'other' }, headers: h });
    expect(c.status).toBe(422);
  });
  it('adds members and archives, each audited with before/after', async () => {
    const r = await call(members.POST, { token: cast.users.admin.token, params: { workspace: 'nlp' }, body: { email: 'farid@example.com' } });
    expect(r.status).toBe(201);
    const dup = await call(members.POST, { token: cast.users.admin.token, params: { workspace: 'nlp' }, body: { email: 'farid@example.com' } });
    expect(dup.status).toBe(409);
    const arch = await call(wsOne.DELETE, { method: 'DELETE', token: cast.users.admin.token, params: { workspace: 'nlp' } });
    expect(arch.json.status).toBe('archived');
    expect(await lastAudit()).toMatchObject({ action: 'workspaces.archive', before: { status: 'active' }, after: { status: 'archived' } });
  });
});

describe('users', () => {
  it('creates a user with a generated password shown once, never stored or audited in clear', async () => {
    const r = await call(usersRoute.POST, { token: cast.users.admin.token, body: { email: 'New.Person@Example.com' } });
    expect(r.status).toBe(201);
    expect(r.json.user.email).toBe('new.person@example.com');
    expect(r.json.initialPassword.length).toBeGreaterThanOrEqual(20);
    const audit = JSON.stringify(await lastAudit());
    expect(audit).not.toContain(r.json.initialPassword);
    const list = await call(usersRoute.GET, { token: cast.users.auditor.token });
    expect(list.text).not.toContain(r.json.initialPassword);
    expect(list.text).not.toMatch(/argon2/);
  });
  it('refuses a short password naming the field', async () => {
    const r = await call(usersRoute.POST, { token: cast.users.admin.token, body: { email: 'short@example.com', password: 'short' } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toContainEqual({ path: 'password', message: 'at least 12 characters' });
  });
});

describe('audit API and OpenAPI', () => {
  it('lets auditors read and page the audit log, not data scientists', async () => {
    const page = await call(auditEventsRoute.GET, { path: '/api/v1/audit/events?limit=3', token: cast.users.auditor.token });
    expect(page.status).toBe(200);
    expect(page.json.items).toHaveLength(3);
    expect(typeof page.json.next).toBe('string');
    const next = await call(auditEventsRoute.GET, { path: `/api/v1/audit/events?limit=3&cursor=${page.json.next}`, token: cast.users.auditor.token });
    expect(next.json.items[0].id).toBeLessThan(page.json.items[2].id);
    const forged = await call(auditEventsRoute.GET, { path: '/api/v1/audit/events?limit=3&cursor=12', token: cast.users.auditor.token });
    expect(forged.status).toBe(400);
    expect(forged.json.detail).toMatch(/^cursor: /);
    expect((await call(auditEventsRoute.GET, { token: cast.users.dsVision.token })).status).toBe(403);
  });
  it('describes every /api/v1 route in the OpenAPI document', async () => {
    const doc = (await call(openapi.GET as never)).json;
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/v1/me', '/api/v1/workspaces', '/api/v1/workspaces/{workspace}/members']) expect(doc.paths).toHaveProperty([p]);
    expect(describedPaths().length).toBe(Object.keys(doc.paths).length);
  });
});

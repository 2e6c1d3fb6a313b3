// The jobs list: filters, server-side order and keyset paging ({items, next}) on the database, and 400s that
// name the parameter. Runs on PGlite (unit) and on PostgreSQL (postgres project).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { call, createCast, type Cast } from '@/test/fixtures';
import { jobs, workspaces } from '../db/schema';
import * as jobsRoute from '@/app/api/v1/workspaces/[workspace]/jobs/route';

const STATUSES = ['Completed', 'Failed', 'Running', 'Queued', 'Canceled'];

describe('jobs list: filters, order, paging', () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createCast();
    const [vision] = await cast.db.db.select().from(workspaces).where(eq(workspaces.name, 'vision'));
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const rows = Array.from({ length: 60 }, (_, i) => ({
      workspaceId: vision.id,
      name: `job-${String(i).padStart(3, '0')}`,
      displayName: i % 10 === 0 ? `Resnet sweep ${i}` : '',
      experimentName: i % 2 ? 'resnet' : 'bert',
      type: 'command' as const,
      computeName: i % 3 ? 'cpu' : 'gpu',
      clusterName: 'c',
      namespace: 'ns',
      instanceType: 'defaultinstancetype',
      spec: {},
      status: STATUSES[i % STATUSES.length],
      createdBy: i % 4 ? cast.users.dsVision.user.id : cast.users.admin.user.id,
      // Some share a creation time, so ties are broken by id.
      createdAt: new Date(t0 + Math.floor(i / 2) * 60_000),
      startedAt: new Date(t0 + i * 60_000),
      finishedAt: i % 5 < 2 ? new Date(t0 + i * 60_000 + (i % 7) * 1000) : null,
    }));
    await cast.db.db.insert(jobs).values(rows);
  });
  afterAll(() => cast?.cleanup());

  const get = (qs: string) => call(jobsRoute.GET as never, { path: `/api/v1/workspaces/vision/jobs?${qs}`, token: cast.users.dsVision.token, params: { workspace: 'vision' } });

  it('pages through a filtered, sorted list without gaps or repeats', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const r = await get(`status=Completed,Failed&limit=7&orderBy=createdAt:desc${next ? `&cursor=${next}` : ''}`);
      expect(r.status, r.text).toBe(200);
      seen.push(...r.json.items.map((j: { name: string; status: string }) => (expect(['Completed', 'Failed']).toContain(j.status), j.name)));
      next = r.json.next;
      pages++;
    } while (next && pages < 20);
    expect(seen.length).toBe(24);
    expect(new Set(seen).size).toBe(24);
    // Newest first: creation times never increase.
    const all = (await get('status=Completed,Failed&limit=200')).json.items.map((j: { name: string }) => j.name);
    expect(seen).toEqual(all);
  });

  it('orders by name, status and duration, ascending or descending', async () => {
    const byName = (await get('orderBy=name&limit=5')).json.items.map((j: { name: string }) => j.name);
    expect(byName).toEqual(['job-000', 'job-001', 'job-002', 'job-003', 'job-004']);
    const byNameDesc = (await get('orderBy=name:desc&limit=2')).json.items.map((j: { name: string }) => j.name);
    expect(byNameDesc).toEqual(['job-059', 'job-058']);
    const byStatus = (await get('orderBy=status:asc&limit=200')).json.items.map((j: { status: string }) => j.status);
    expect(byStatus).toEqual([...byStatus].sort());
    const first = await get('orderBy=duration:desc&limit=3');
    const second = await get(`orderBy=duration:desc&limit=3&cursor=${first.json.next}`);
    expect(first.json.items.length).toBe(3);
    expect(new Set([...first.json.items, ...second.json.items].map((j: { name: string }) => j.name)).size).toBe(6);
  });

  it('filters by compute target, experiment, submitter, time and text', async () => {
    const r = await get('compute=gpu&experiment=bert&limit=200');
    expect(r.json.items.length).toBeGreaterThan(0);
    expect(r.json.items.every((j: { computeTarget: string; experimentName: string }) => j.computeTarget === 'gpu' && j.experimentName === 'bert')).toBe(true);
    const mine = await get(`createdBy=${encodeURIComponent('admin@example.com')}&limit=200`);
    expect(mine.json.items.length).toBe(15);
    const window = await get('since=2026-11-01T00:10:00Z&until=2026-11-01T00:12:00Z&limit=200');
    expect(window.json.items.map((j: { name: string }) => j.name).sort()).toEqual(['job-020', 'job-021', 'job-022', 'job-023']);
    const text = await get('q=RESNET%20sweep&limit=200');
    expect(text.json.items.length).toBe(6);
  });

  it('answers 400 naming the parameter for a bad order, status, limit, date or cursor', async () => {
    for (const [qs, field] of [
      ['orderBy=size', 'orderBy'],
      ['orderBy=name:up', 'orderBy'],
      ['status=Done', 'status'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['since=yesterday', 'since'],
      ['cursor=abc', 'cursor'],
    ]) {
      const r = await get(qs);
      expect(r.status, qs).toBe(400);
      expect(r.json.detail, qs).toMatch(new RegExp(`^${field}: `));
    }
  });
});

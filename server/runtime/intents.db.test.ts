// The intent outbox keeps finished intents for a week (the audit log is the lasting record) and never prunes a
// pending one, however old.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCast, type Cast } from '@/test/fixtures';
import { intents } from '../db/schema';
import { INTENT_RETENTION_MS, pruneIntents } from './intents';

describe('intent retention', () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createCast();
  });
  afterAll(() => cast?.cleanup());

  it('deletes finished intents older than the retention and keeps the rest', async () => {
    const now = Date.now();
    const old = new Date(now - INTENT_RETENTION_MS - 60_000);
    const row = (status: 'pending' | 'done' | 'failed' | 'canceled', finishedAt: Date | null, ownerId: string) => ({
      kind: 'kube.plan' as const,
      clusterName: 'c',
      ownerType: 'job',
      ownerId,
      action: 'jobs.submit',
      requestId: 'r',
      payloadEnc: 'v1:x',
      status,
      finishedAt,
      createdAt: old,
    });
    await cast.db.db.insert(intents).values([
      row('done', old, 'old-done'),
      row('failed', old, 'old-failed'),
      row('done', new Date(now - 60_000), 'recent-done'),
      row('pending', null, 'old-pending'),
    ]);
    expect(await pruneIntents(cast.db.db, now)).toBe(2);
    const left = (await cast.db.db.select({ o: intents.ownerId }).from(intents)).map((r) => r.o).sort();
    expect(left).toEqual(['old-pending', 'recent-done']);
  });
});

// The demo's sharing map (issue 15): `npm run demo` seeds onprem-factory with a router that allows plain HTTP
// scoring (server/services/clusters-demo.ts), installed for real on the local API server; the map flags it at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeconfigPath } from '@/testbed/test-helpers';
import type { SharingMapDto } from '@/lib/audit/sharing';
import { dropAllClusterCaches } from '../kube/cache';
import { seedDemoClusters } from './clusters-demo';
import { purgeAndWait } from './clusters.k8s-support';
import * as sharingRoute from '@/app/api/v1/audit/sharing/route';

describe.skipIf(k8sSkipReason)('the demo on the sharing map', () => {
  let cast: Cast;
  beforeAll(async () => {
    cast = await createCast();
  });
  afterAll(async () => {
    await purgeAndWait(cast, 'onprem-factory');
    dropAllClusterCaches();
    await cast?.cleanup();
  }, 180_000);

  it('onprem-factory, seeded as the demo seeds it, carries insecure_connections', async () => {
    await seedDemoClusters(cast.db.db, JSON.stringify([{ name: 'onprem-factory', kubeconfigPath: kubeconfigPath(), kind: 'kubernetes', location: 'on-prem', region: 'factory-1' }]));
    const r = await call(sharingRoute.GET as never, { path: '/api/v1/audit/sharing', token: cast.users.auditor.token });
    expect(r.status, r.text).toBe(200);
    const map = r.json as SharingMapDto;
    expect(map.clusters).toEqual([{ name: 'onprem-factory', location: 'on-prem', region: 'factory-1', kind: 'kubernetes' }]);
    expect(map.flags.filter((f) => f.code === 'insecure_connections')).toEqual([
      expect.objectContaining({ cluster: 'onprem-factory', href: '/ops/clusters/onprem-factory/extension', severity: 'warning', message: expect.stringContaining('plain HTTP') }),
    ]);
    const onprem = await call(sharingRoute.GET as never, { path: '/api/v1/audit/sharing?location=on-prem&format=json', token: cast.users.auditor.token });
    expect(onprem.json.flags.map((f: { code: string }) => f.code)).toContain('insecure_connections');
  }, 180_000);
});

// The clusters stream follows reachability that changes without any notice: a cluster of its own is
// registered, its API server is killed — the stream shows it Unreachable within 10 s — and started again —
// the stream shows it reachable again by itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCast, type Cast } from '@/test/fixtures';
import { openWatch } from '@/test/watch-stream';
import { k8sSkipReason } from '@/testbed/test-helpers';
import { down, up } from '@/testbed/cluster.mjs';
import { dropAllClusterCaches } from '../kube/cache';
import * as clustersRoute from '@/app/api/v1/clusters/route';

describe.skipIf(k8sSkipReason)('GET /clusters?watch=true through an API server outage', () => {
  let cast: Cast;
  let stateDir = '';
  let cluster: Awaited<ReturnType<typeof up>>;
  beforeAll(async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-k8s-outage-'));
    cluster = await up({ profile: 'test', stateDir, quiet: true });
    cast = await createCast();
    const r = await call(clustersRoute.POST, {
      token: cast.users.admin.token,
      body: { name: 'outage', kind: 'kubernetes', location: 'on-prem', connection: { mode: 'kubeconfig', kubeconfig: fs.readFileSync(cluster.kubeconfigPath, 'utf8') } },
    });
    expect(r.status, r.text).toBe(201);
  });
  afterAll(async () => {
    dropAllClusterCaches();
    await cast?.cleanup();
    if (stateDir) {
      await down({ stateDir, quiet: true });
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('shows the cluster Unreachable within 10 s of its API server stopping, and reachable again after it restarts', async () => {
    const w = await openWatch(clustersRoute.GET as never, '/api/v1/clusters?watch=true', cast.users.auditor.token);
    const latest = () => [...w.events].reverse().find((e) => e.object.name === 'outage');
    try {
      await w.until(() => !!latest() && latest()!.object.status !== 'Unreachable', 30_000);
      expect(latest()!.object.status).toMatch(/Healthy|Degraded/);

      const stopped = Date.now();
      process.kill(cluster.pids['kube-apiserver'], 'SIGKILL');
      await w.until(() => latest()?.object.status === 'Unreachable', 10_000);
      const u = latest()!;
      expect(u.type).toBe('MODIFIED');
      expect(u.at - stopped).toBeLessThan(10_000);
      expect(u.object.statusReason).toBeTruthy();

      cluster = await up({ profile: 'test', stateDir, quiet: true });
      await w.until(() => latest()?.object.status !== 'Unreachable', 60_000);
      expect(latest()!.object.status).toMatch(/Healthy|Degraded/);
    } finally {
      await w.stop();
    }
  });
});

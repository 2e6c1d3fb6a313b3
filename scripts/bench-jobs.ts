// `npm run bench` part: the jobs list at 10,000 jobs (issue: run and watch jobs; DESIGN §7).
//   jobs first page      GET …/jobs?status=Completed&orderBy=createdAt:desc&limit=50 served from the database
//                        (server time: listJobs, p50/p95), beside, in the same run on a local API server
//                        holding 10,000 Jobs:
//   API server page      its own unsorted, unfiltered LIST ?limit=50 (the budget: the console's filtered,
//                        sorted page is no slower than this)
//   API server full LIST all 10,000 Jobs (what a console without a database or a cache would pay per page)
// The Jobs are created suspended (no pods), in a throw-away namespace of a throw-away cluster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../server/db/client';
import { jobs, workspaces } from '../server/db/schema';
import { listJobs } from '../server/services/jobs-read';
import { KubeClient } from '../server/kube/client';
import { KubeConfig } from '@kubernetes/client-node';
import { down, missingBinaries, up } from '../testbed/cluster.mjs';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function timed(fn: () => Promise<unknown>, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export function jobsSkipReason(): string | undefined {
  const missing = missingBinaries() as string[];
  return missing.length ? `testbed binaries missing (${missing.join(', ')}): npm run cluster:build` : undefined;
}

export async function benchJobList(opts: { count?: number; reps?: number } = {}): Promise<{ rows: Array<[string, number, number]>; lines: string[] }> {
  const count = opts.count ?? 10_000;
  const reps = opts.reps ?? 40;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-bench-jobs-'));
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-bench-k8s-'));
  const h = await openDatabase({ dataDir: dir, purpose: 'bench' });
  let client: KubeClient | undefined;
  try {
    // 1. 10,000 job records in one workspace (a fifth of each status).
    const [ws] = await h.db.insert(workspaces).values({ name: 'bench', displayName: 'Bench' }).returning();
    const statuses = ['Completed', 'Failed', 'Running', 'Queued', 'Canceled'];
    const t0 = Date.now() - count * 60_000;
    for (let i = 0; i < count; i += 1000) {
      await h.db.insert(jobs).values(
        Array.from({ length: Math.min(1000, count - i) }, (_, k) => {
          const n = i + k;
          return {
            workspaceId: ws.id,
            name: `job-${n}`,
            type: 'command' as const,
            computeName: n % 2 ? 'cpu' : 'gpu',
            clusterName: 'bench',
            namespace: 'bench',
            instanceType: 'defaultinstancetype',
            spec: { command: 'python train.py' },
            status: statuses[n % statuses.length],
            createdAt: new Date(t0 + n * 60_000),
          };
        }),
      );
    }
    const [{ id }] = await h.db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, 'bench'));
    void id;
    await listJobs(h.db, 'bench', { status: ['Completed'], limit: 50 }); // warm
    const page = await timed(() => listJobs(h.db, 'bench', { status: ['Completed'], orderBy: { field: 'createdAt', dir: 'desc' }, limit: 50 }), reps);

    // 2. The same number of Jobs on a real API server.
    const { kubeconfigPath } = await up({ profile: 'test', stateDir, quiet: true });
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    client = new KubeClient(kc);
    await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } } });
    const job = (n: number) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `job-${n}`, namespace: 'bench', labels: { 'app.kubernetes.io/managed-by': 'harbormaster' } },
      spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'python:3.11-slim', command: ['python', 'train.py'] }] } } },
    });
    const started = Date.now();
    for (let i = 0; i < count; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, count - i) }, (_, k) => client!.request('POST', '/apis/batch/v1/namespaces/bench/jobs', { body: job(i + k) })));
    }
    const createdIn = Date.now() - started;
    await client.get('/apis/batch/v1/namespaces/bench/jobs', { query: { limit: 50 } }); // warm
    const k8sPage = await timed(() => client!.get('/apis/batch/v1/namespaces/bench/jobs', { query: { limit: 50 } }), reps);
    const full = await timed(() => client!.get('/apis/batch/v1/namespaces/bench/jobs'), 3);
    return {
      rows: [
        [`jobs first page (${count} jobs) p50`, pct(page, 50), pct(k8sPage, 50)],
        [`jobs first page (${count} jobs) p95`, pct(page, 95), pct(k8sPage, 95)],
        [`API server full LIST (${count} Jobs) p50`, pct(full, 50), pct(k8sPage, 50)],
      ],
      lines: [
        `jobs list: filtered (status=Completed), sorted (createdAt desc) first page of 50 from ${count} jobs: p50 ${pct(page, 50).toFixed(1)} ms, p95 ${pct(page, 95).toFixed(1)} ms (server time)`,
        `  baseline, same run: API server LIST ?limit=50 (unsorted, unfiltered) p50 ${pct(k8sPage, 50).toFixed(1)} ms, p95 ${pct(k8sPage, 95).toFixed(1)} ms; full LIST of ${count} Jobs p50 ${pct(full, 50).toFixed(0)} ms (created in ${(createdIn / 1000).toFixed(0)} s)`,
      ],
    };
  } finally {
    client?.close();
    await h.close();
    await down({ stateDir, quiet: true }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

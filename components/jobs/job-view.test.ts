// Server-rendered output of the job page's client view: who gets the actions, times that fit the status, the
// pending explanation in sentences, and the ranks with their exit codes.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { JobDetailDto } from '@/server/services/job-detail';
import { liveQueries } from '@/components/live/query-keys';
import { JobView } from './job-view';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }), useSearchParams: () => new URLSearchParams(), usePathname: () => '/w/vision/jobs/train-1' }));
vi.mock('@/app/actions', () => ({ invokeAction: vi.fn() }));

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const queued: JobDetailDto = {
  uid: 'u1', id: 'u1', name: 'train-1', displayName: 'Train', experimentName: 'exp', type: 'command', status: 'Queued',
  statusMessage: 'Unschedulable: 0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn\'t match Pod\'s node affinity/selector.',
  computeTarget: 'big', cluster: 'lab', namespace: 'hm-vision-big', instanceType: 'gpu-8', instanceCount: 1, createdAt: at(0), createdBy: 'dana@example.com',
  spec: {} as never, source: 'command: x\n', sourceFormat: 'yaml', codeSha256: null, objects: [], warnings: [], startedAt: at(1), finishedAt: null, live: true, objectName: 'train-1',
  transitions: [{ status: 'Queued', message: 'waiting', at: at(0) }],
  ranks: [{ rank: 0, pod: 'train-1-0-abc', phase: 'Pending', node: null, ready: false, restarts: 0, problem: { reason: 'Unschedulable', message: '0/6 nodes are available' } }],
  events: [{ type: 'Warning', reason: 'FailedScheduling', message: '0/6 nodes are available', object: 'Pod/train-1-0-abc', count: 3, at: at(5) }],
  pending: {
    reasons: [{ code: 'insufficient', resource: 'nvidia.com/gpu', requested: '8', freeMax: '4', pool: 'gpupool', nodes: 2, message: 'needs 8 nvidia.com/gpu per instance; the most free on one node of pool gpupool is 4 (2 nodes short of nvidia.com/gpu)' }],
    alternatives: [{ computeTarget: 'big', instanceType: 'gpu-1', canStartNow: 8 }],
  },
  clusterState: 'live',
};

function render(job: JobDetailDto, canSubmit: boolean) {
  const qc = new QueryClient();
  qc.setQueryData(liveQueries.job('vision', job.name).queryKey, job);
  return renderToStaticMarkup(h(QueryClientProvider, { client: qc }, h(JobView, { workspace: 'vision', workspaceLabel: 'Vision', name: job.name, canSubmit })));
}

describe('JobView', () => {
  it('shows Cancel, Re-run and Clone only to those who may submit', () => {
    const ds = render(queued, true);
    expect(ds).toContain('Cancel job');
    expect(ds).toContain('Re-run');
    expect(ds).toMatch(/href="\/w\/vision\/jobs\/new\?from=train-1"/);
    const auditor = render(queued, false);
    for (const word of ['Cancel job', 'Re-run', '>Clone', 'jobs/new?from=']) expect(auditor).not.toContain(word);
    // An ended job cannot be canceled.
    expect(render({ ...queued, status: 'Completed', live: false, pending: null, finishedAt: at(60) }, true)).not.toContain('Cancel job');
  });

  it('leads a pending job with its explanation in sentences and the alternatives, not the raw scheduler message', () => {
    const html = render(queued, false);
    expect(html).toContain('Why it is pending');
    expect(html).toContain('Needs 8 nvidia.com/gpu per instance; the most free on one node of pool gpupool is 4 (2 nodes short of nvidia.com/gpu).');
    expect(html).toMatch(/gpu-1<\/span> on <span class="font-mono">big<\/span>/);
    expect(html).not.toContain('0/6 nodes are available: 2 Insufficient');
    expect(html).not.toContain('Clone with gpu-1');
    expect(render(queued, true)).toContain('Clone with gpu-1 on big');
  });

  it('never says a queued job started; an ended job says how long it ran', () => {
    const html = render(queued, false);
    expect(html).toContain('Queued for');
    expect(html).toContain('not started yet');
    expect(html).not.toMatch(/Started|Ran for/);
    const done = render(
      { ...queued, status: 'Failed', live: false, pending: null, statusMessage: 'BackoffLimitExceeded', finishedAt: at(200), transitions: [...queued.transitions!, { status: 'Running', message: null, at: at(20) }, { status: 'Failed', message: 'exit 3', at: at(200) }], ranks: [{ ...queued.ranks[0], phase: 'Failed', node: 'tb-gpu-0', exitCode: 3, exitReason: 'Error', startedAt: at(20), finishedAt: at(199), durationMs: 179_000, problem: undefined }] },
      true,
    );
    expect(done).toContain('Ran for 3m 00s (queued 20s)');
    expect(done).toContain('BackoffLimitExceeded');
    expect(done).toMatch(/<span class="tabular-nums">3<\/span> · Error/);
    expect(done).toContain('2m 59s');
  });
});

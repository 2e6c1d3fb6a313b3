// Server-rendered output of what the live pages add: the paused banner, the indicator's words, and the jobs
// table's status with its message.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { JobsTable } from '@/components/jobs/jobs-table';
import type { JobSummaryDto } from '@/lib/jobs/dto';
import { LivePausedBanner, WatchIndicator } from './live-status';
import type { UseWatchResult } from './use-watch';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }) }));

const watch = (status: UseWatchResult['status']): UseWatchResult => ({ status, live: status === 'live', lastUpdate: null });

describe('live status', () => {
  it('shows the paused banner only while the stream is down', () => {
    expect(renderToStaticMarkup(h(LivePausedBanner, { watch: watch('live') }))).toBe('');
    expect(renderToStaticMarkup(h(LivePausedBanner, { watch: watch('connecting') }))).toBe('');
    for (const s of ['reconnecting', 'offline'] as const) {
      expect(renderToStaticMarkup(h(LivePausedBanner, { watch: watch(s) }))).toContain('Live updates paused — reconnecting…');
    }
  });

  it('announces the stream state in a live region', () => {
    expect(renderToStaticMarkup(h(WatchIndicator, { watch: watch('live') }))).toMatch(/role="status" aria-live="polite"[^>]*>live</);
    expect(renderToStaticMarkup(h(WatchIndicator, { watch: watch('reconnecting') }))).toContain('reconnecting…');
  });
});

describe('JobsTable', () => {
  const base: JobSummaryDto = {
    uid: '6f1c', name: 'train-abc', displayName: 'train', experimentName: 'exp', type: 'command', status: 'Queued', statusMessage: null,
    computeTarget: 'gpu', cluster: 'lab', instanceType: 'gpu-1', instanceCount: 1, createdAt: '2025-01-01T00:00:00Z', startedAt: null, finishedAt: null, createdBy: 'dana@example.com',
  };
  it('shows the status message under the status when there is one', () => {
    const html = renderToStaticMarkup(
      h(JobsTable, { workspace: 'vision', empty: null, jobs: [{ ...base, statusMessage: 'waiting for 1 GPU on gpupool (0 free)' }, { ...base, uid: 'x', name: 'other', status: 'Completed' }] }),
    );
    expect(html).toMatch(/data-status="Queued"[\s\S]*waiting for 1 GPU on gpupool \(0 free\)/);
    expect(html.match(/text-xs text-muted-foreground" title=/g) ?? []).toHaveLength(1);
    expect(html).toContain('data-status="Completed"');
  });
});

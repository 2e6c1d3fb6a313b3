// Server-rendered output of a sweep's page and a trial's page: the sweep leads with its progress and best trial
// and lists its trials (parameters as columns, the best marked, a stopped trial's reason); a trial names its
// sweep, shows why it was stopped and offers Cancel only; a job that reported metrics has a Metrics tab.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobDetailDto } from '@/server/services/job-detail';
import { liveQueries } from '@/components/live/query-keys';
import { TooltipProvider } from '@/components/ui/tooltip';
import { JobView } from './job-view';
import type { MetricsAnswer, TrialDto } from './sweep-model';
import { BANDIT_STOP } from './sweep-test-data';
import { combineWatches } from './sweep-data';
import type { UseWatchResult } from '@/components/live/use-watch';

const search = { params: new URLSearchParams() };
vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }), useSearchParams: () => search.params, usePathname: () => '/w/vision/jobs/x' }));
vi.mock('@/app/actions', () => ({ invokeAction: vi.fn() }));

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const base = {
  uid: 'u', id: 'u', displayName: 'depth-width-grid', experimentName: 'sweep-demo', computeTarget: 'cpu', cluster: 'lab', namespace: 'hm-vision-cpu',
  instanceType: 'cpu-small', instanceCount: 1, createdAt: at(0), createdBy: 'dana@example.com', source: 'type: sweep\n', sourceFormat: 'yaml' as const,
  codeSha256: null, objects: [], warnings: [], startedAt: at(2), finishedAt: null, live: true, statusMessage: null,
  transitions: [{ status: 'Running', message: null, at: at(2) }], ranks: [], events: [], pending: null, clusterState: 'live' as const,
};

const bandit = BANDIT_STOP;

const sweep: JobDetailDto = {
  ...base,
  name: 'grid',
  type: 'sweep',
  status: 'Running',
  objectName: 'grid',
  spec: {
    type: 'sweep',
    searchSpace: { depth: { type: 'choice', values: [2, 3, 4].map((v) => ({ value: v, text: String(v) })) }, width: { type: 'choice', values: [1, 9].map((v) => ({ value: v, text: String(v) })) } },
    objective: { goal: 'minimize', primaryMetric: 'val_loss' },
  } as never,
  sweep: {
    objective: { primaryMetric: 'val_loss', goal: 'minimize' },
    samplingAlgorithm: 'grid',
    earlyTermination: 'bandit',
    plannedTrials: 6,
    maxConcurrentTrials: 2,
    createdTrials: 6,
    counts: { Completed: 4, Running: 1, Canceled: 1 },
    bestTrial: { name: 'grid_0', index: 0, primaryMetric: 0.21, parameters: { depth: 2, width: 1 } },
  },
};

const trial = (index: number, extra: Partial<TrialDto> = {}): TrialDto => ({
  uid: `t${index}`, name: `grid_${index}`, index, status: 'Completed', statusMessage: null,
  parameters: { depth: [2, 2, 3, 3, 4, 4][index], width: index % 2 ? 9 : 1 }, primaryMetric: Number(`0.${[2, 2, 3, 3, 4, 4][index]}${index % 2 ? 9 : 1}`),
  startedAt: at(5), finishedAt: at(9), durationSeconds: 4, ignoredMetricLines: 0, ...extra,
});
const trials = [0, 1, 2, 3, 4, 5].map((i) => (i === 5 ? trial(5, { status: 'Canceled', termination: bandit, terminationReason: bandit.reason }) : i === 4 ? trial(4, { status: 'Running', finishedAt: undefined }) : trial(i)));

const trialJob: JobDetailDto = {
  ...base,
  name: 'grid_5',
  displayName: 'depth-width-grid · trial 5',
  type: 'command',
  status: 'Running',
  objectName: 'grid-t5',
  source: '',
  sourceFormat: 'json',
  spec: { type: 'command' } as never,
  trial: { ...trials[5], status: 'Running', sweep: 'grid' },
};

function render(job: JobDetailDto, canSubmit: boolean, extra: { trials?: TrialDto[]; metrics?: MetricsAnswer; sweepJob?: JobDetailDto } = {}) {
  const qc = new QueryClient();
  qc.setQueryData(liveQueries.job('vision', job.name).queryKey, job);
  if (extra.trials) qc.setQueryData(liveQueries.trials('vision', job.name).queryKey, { items: extra.trials });
  if (extra.metrics) qc.setQueryData(liveQueries.jobMetrics('vision', job.name).queryKey, extra.metrics);
  if (extra.sweepJob) qc.setQueryData(liveQueries.job('vision', extra.sweepJob.name).queryKey, extra.sweepJob);
  return renderToStaticMarkup(h(QueryClientProvider, { client: qc }, h(TooltipProvider, null, h(JobView, { workspace: 'vision', workspaceLabel: 'Vision', name: job.name, canSubmit }))));
}

beforeEach(() => {
  search.params = new URLSearchParams();
});

describe('a sweep’s page', () => {
  it('leads with its progress, objective and best trial, with a link to it', () => {
    const html = render(sweep, false, { trials });
    expect(html).toContain('6 of 6 trials started · 1 running · 4 completed · 1 canceled (1 stopped early)');
    expect(html).toMatch(/data-testid="sweep-objective">minimize <span class="font-mono">val_loss<\/span>/);
    expect(html).toMatch(/data-testid="best-trial"[\s\S]*href="\/w\/vision\/jobs\/grid_0"[^>]*>grid_0<[\s\S]*data-testid="best-metric"[^>]*>0.21</);
    expect(html).toContain('Open best trial');
    expect(html).toMatch(/aria-label="Parameters of the best trial"[\s\S]*depth<\/span><span[^>]*>2<\/span>[\s\S]*width<\/span><span[^>]*>1</);
    expect(html).toMatch(/role="tab"[^>]*>Trials<span[^>]*>6<\/span>/);
    expect(html).not.toContain('>Metrics<');
    // An auditor (cannot submit) reads it all, with no actions.
    for (const word of ['Cancel job', 'Re-run', 'jobs/new?from=']) expect(html).not.toContain(word);
  });

  it('the Trials tab: a row per trial with its parameters, the best marked, the stopped one with its reason', () => {
    search.params = new URLSearchParams('tab=trials');
    const html = render(sweep, true, { trials, metrics: { items: [], ignoredLines: 0 } });
    const table = html.slice(html.indexOf('aria-label="Trials"'));
    expect(table).toMatch(/<th[^>]*>[\s\S]*Trial[\s\S]*depth[\s\S]*width[\s\S]*Status[\s\S]*val_loss \(min\)[\s\S]*Duration[\s\S]*Stopped because/);
    expect(table.match(/<tr class="border-b/g)).toHaveLength(6 + 1);
    expect(table).toMatch(/href="\/w\/vision\/jobs\/grid_0"[\s\S]*data-best="true"[\s\S]*>best</);
    expect(table.match(/>best</g)).toHaveLength(1);
    expect(table).toContain('data-testid="termination-reason"');
    expect(table).toContain('is worse than the cutoff 0.462');
    expect(table).toMatch(/data-status="Canceled"/);
    expect(html).toContain('val_loss</span> by trial');
    // Sweep cancel is offered; the sweep can be cloned and re-run.
    expect(html).toContain('Cancel job');
    expect(html).toContain('Re-run');
  });

  it('no trials yet: says what comes next', () => {
    search.params = new URLSearchParams('tab=trials');
    const html = render({ ...sweep, sweep: { ...sweep.sweep!, createdTrials: 0, counts: {}, bestTrial: undefined } }, false, { trials: [], metrics: { items: [], ignoredLines: 0 } });
    expect(html).toContain('No trials yet');
    expect(html).toContain('The sweep starts its first 2 trials as soon as its compute target takes them');
    expect(html).toContain('None yet: the best trial is the completed one with the lowest final');
    expect(html).toContain('No val_loss reported yet');
  });
});

describe('a trial’s page', () => {
  it('names its sweep, shows its parameters, metric and why it was stopped; offers Cancel but neither Clone nor Re-run', () => {
    const html = render(trialJob, true, { sweepJob: sweep });
    expect(html).toMatch(/data-testid="trial-of"[^>]*>Trial <span[^>]*>5<\/span> of sweep <a[^>]*href="\/w\/vision\/jobs\/grid"[^>]*>grid<\/a>/);
    expect(html).toMatch(/aria-label="Breadcrumb"[\s\S]*href="\/w\/vision\/jobs\/grid"[^>]*>grid</);
    expect(html).toContain('Primary metric (val_loss)');
    expect(html).toMatch(/data-testid="trial-metric"[^>]*>0.49</);
    expect(html).toMatch(/aria-label="Why it was stopped"[\s\S]*Stopped early: [\s\S]*is worse than the cutoff 0.462/);
    expect(html).toMatch(/cutoff<\/dt><dd[^>]*>0.462</);
    expect(html).toContain('Cancel job');
    expect(html).not.toContain('Re-run');
    expect(html).not.toMatch(/>\s*Clone/);
    expect(html).not.toContain('Submitted file');
  });
});

describe('the Metrics tab', () => {
  const job: JobDetailDto = { ...base, name: 'train', type: 'command', status: 'Completed', live: false, objectName: 'train', spec: { type: 'command' } as never };
  const metrics: MetricsAnswer = { items: [{ job: 'train', name: 'loss', points: [{ step: 1, value: 0.9, at: at(3) }, { step: 2, value: 0.5, at: at(4) }] }], ignoredLines: 2 };
  it('is there only when the job reported metrics: a chart per metric and the lines it ignored', () => {
    expect(render(job, false, { metrics: { items: [], ignoredLines: 0 } })).not.toContain('>Metrics<');
    expect(render(job, false, { metrics })).toMatch(/role="tab"[^>]*>Metrics</);
    search.params = new URLSearchParams('tab=metrics');
    const html = render(job, false, { metrics });
    expect(html).toMatch(/<h3[^>]*>loss<\/h3>/);
    expect(html).toMatch(/latest <span[^>]*>0.5<\/span> · 2 points/);
    expect(html).toContain('2 metric lines could not be read and were ignored');
  });
});

describe('combineWatches', () => {
  const w = (status: UseWatchResult['status'], lastUpdate: number | null, error?: string): UseWatchResult => ({ status, lastUpdate, error, live: status === 'live' });
  it('one indicator for two streams: the worse state, the latest update', () => {
    expect(combineWatches(w('live', 5), undefined)).toEqual(w('live', 5));
    expect(combineWatches(w('live', 5), w('live', 9))).toEqual(w('live', 9));
    expect(combineWatches(w('live', 5), w('reconnecting', null, 'dropped'))).toEqual(w('reconnecting', 5, 'dropped'));
    expect(combineWatches(w('connecting', null), w('live', 3))).toEqual(w('connecting', 3));
  });
});

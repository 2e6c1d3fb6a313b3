'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import type { UseQueryResult } from '@tanstack/react-query';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tooltip, TooltipContent, TooltipTrigger } from '@/components/ui/tooltip';
import { useNow } from '@/components/ui/use-now';
import type { FetchError } from '@/components/live/fetch-json';
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { formatDuration, pluralize } from '@/lib/format';
import type { JobDetailDto } from '@/server/services/job-detail';
import { LazyMetricByTrialChart, LazyStepChart } from './lazy-charts';
import { trialStepSeries } from './metric-chart-data';
import { ParallelCoordinates } from './parallel-coordinates-chart';
import { TerminationNumbers } from './sweep-summary';
import { formatMetric, formatParameter, parameterNames, trialRows, type MetricsAnswer, type TrialRow, type TrialsPage } from './sweep-model';

// A sweep's Trials tab: the trials table (index and name linking to the trial's page, one column per
// parameter, status, primary metric, duration, why it was stopped — the numbers on hover), the best trial
// emphasized; the primary metric by trial and over steps; parameters → metric as parallel coordinates. The
// trials stream keeps the table current (useSweepTrials); the metrics are re-read while the sweep runs.

export interface SweepTrialsProps {
  workspace: string;
  job: JobDetailDto;
  trials: UseQueryResult<TrialsPage>;
  highlighted: ReadonlySet<string>;
  metrics: UseQueryResult<MetricsAnswer>;
}

const trialHref = (workspace: string, name: string) => `/w/${workspace}/jobs/${encodeURIComponent(name)}`;

function problemOf(e: unknown, title: string) {
  const f = e as FetchError;
  return { title, detail: f.message, status: f.status, requestId: f.requestId };
}

export function SweepTrials({ workspace, job, trials, highlighted, metrics }: SweepTrialsProps) {
  const sweep = job.sweep;
  const spec = job.spec as SweepJobSpec;
  const metric = sweep?.objective.primaryMetric ?? spec.objective?.primaryMetric ?? 'metric';
  const goal = sweep?.objective.goal ?? spec.objective?.goal ?? 'minimize';
  const items = React.useMemo(() => trials.data?.items ?? [], [trials.data]);
  const names = React.useMemo(() => parameterNames(job.spec, items), [job.spec, items]);
  const rows = React.useMemo(() => trialRows(items, metrics.data?.items, sweep?.bestTrial?.name), [items, metrics.data, sweep?.bestTrial?.name]);
  const columns = useTrialColumns(names, metric, goal);
  const reported = rows.some((r) => r.metric !== undefined);
  const stepSeries = React.useMemo(() => trialStepSeries(metrics.data?.items ?? [], rows, goal), [metrics.data, rows, goal]);
  const more = trials.data?.next;

  const noMetricYet = (
    <EmptyState
      title={`No ${metric} reported yet`}
      description={
        <>
          Trials report it by printing lines like <code className="font-mono">HARBORMASTER_METRIC {metric}=0.42 step=1</code>; the chart fills as they do.
        </>
      }
      className="border-0 py-8"
    />
  );

  return (
    // min-w-0 all the way down: a wide table scrolls inside its card instead of widening the page.
    <div className="grid gap-4 [&>*]:min-w-0">
      <Card>
        <CardHeader>
          <CardTitle>Trials</CardTitle>
          <CardDescription>
            Each trial is a job of its own, with the parameters the sweep gave it. The best one ({goal === 'minimize' ? 'lowest' : 'highest'} final{' '}
            <span className="font-mono">{metric}</span> of those that completed) is marked.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {trials.error && !trials.data ? (
            <ErrorState problem={problemOf(trials.error, 'The trials could not be loaded')} onRetry={() => void trials.refetch()} />
          ) : (
            <DataTable
              label="Trials"
              columns={columns}
              data={rows}
              loading={trials.isPending}
              getRowId={(r) => r.uid}
              rowHref={(r) => trialHref(workspace, r.name)}
              linkColumnId="trial"
              highlightedRowIds={highlighted}
              defaultSorting={[{ id: 'trial', desc: false }]}
              rowHeight={56}
              className="[&_tr:has([data-best])]:bg-success-soft/70"
              empty={
                <EmptyState
                  title="No trials yet"
                  description={
                    job.live
                      ? `The sweep starts its first ${pluralize(sweep?.maxConcurrentTrials ?? 1, 'trial')} as soon as its compute target takes them; they appear here as they start.`
                      : 'This sweep ended before it started any trial.'
                  }
                  className="border-0"
                />
              }
            />
          )}
          {more && <p className="mt-2 text-xs text-muted-foreground">Showing the first {rows.length} trials by index.</p>}
        </CardContent>
      </Card>

      <div className="grid gap-4 xl:grid-cols-2 [&>*]:min-w-0">
        <Card>
          <CardHeader>
            <CardTitle>
              <span className="font-mono">{metric}</span> by trial
            </CardTitle>
            <CardDescription>Each trial’s latest value ({goal === 'minimize' ? 'lower' : 'higher'} is better); stopped trials are crossed.</CardDescription>
          </CardHeader>
          <CardContent>
            {metrics.error && !metrics.data ? (
              <ErrorState problem={problemOf(metrics.error, 'The metrics could not be loaded')} onRetry={() => void metrics.refetch()} />
            ) : metrics.isPending && !reported ? (
              <SkeletonBlock lines={5} label={`Loading ${metric}`} />
            ) : reported ? (
              <LazyMetricByTrialChart rows={rows} metric={metric} goal={goal} parameterNames={names} />
            ) : (
              noMetricYet
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>
              <span className="font-mono">{metric}</span> over steps
            </CardTitle>
            <CardDescription>One line per trial, coloured from worst to best; the best is green, stopped trials are dashed.</CardDescription>
          </CardHeader>
          <CardContent>
            {metrics.error && !metrics.data ? (
              <ErrorState problem={problemOf(metrics.error, 'The metrics could not be loaded')} onRetry={() => void metrics.refetch()} />
            ) : metrics.isPending ? (
              <SkeletonBlock lines={5} label={`Loading ${metric}`} />
            ) : stepSeries.length ? (
              <LazyStepChart series={stepSeries} />
            ) : (
              noMetricYet
            )}
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Parameters and {metric}</CardTitle>
          <CardDescription>One axis per parameter and one for {metric}; one line per trial. Point at a line to name its trial, click to open it.</CardDescription>
        </CardHeader>
        <CardContent>
          {trials.isPending ? (
            <SkeletonBlock lines={6} label="Loading the trials" />
          ) : rows.length ? (
            <ParallelCoordinates workspace={workspace} rows={rows} parameterNames={names} searchSpace={spec.searchSpace} metric={{ name: metric, goal }} />
          ) : (
            <EmptyState title="Nothing to compare yet" description="Lines appear as trials start; their metric axis fills as they report." className="border-0 py-8" />
          )}
        </CardContent>
      </Card>
    </div>
  );
}

function useTrialColumns(names: string[], metric: string, goal: 'minimize' | 'maximize'): ColumnDef<TrialRow>[] {
  return React.useMemo<ColumnDef<TrialRow>[]>(
    () => [
      {
        id: 'trial',
        accessorFn: (r) => r.index,
        header: 'Trial',
        cell: ({ row }) => (
          <span className="inline-flex items-center gap-2 whitespace-nowrap" data-best={row.original.best || undefined}>
            <span className="text-muted-foreground tabular-nums">{row.original.index}</span>
            <span className="font-mono">{row.original.name}</span>
            {row.original.best && <Badge tone="success">best</Badge>}
          </span>
        ),
      },
      ...names.map<ColumnDef<TrialRow>>((n) => ({
        id: `param:${n}`,
        accessorFn: (r) => r.parameters[n],
        header: n,
        sortUndefined: 'last',
        meta: { className: 'font-mono' },
        cell: ({ row }) => <span className="font-mono text-xs">{formatParameter(row.original.parameters[n])}</span>,
      })),
      {
        id: 'status',
        accessorFn: (r) => r.status,
        header: 'Status',
        cell: ({ row }) => <StatusBadge kind="job" status={row.original.status} />,
      },
      {
        id: 'metric',
        accessorFn: (r) => r.metric,
        header: `${metric} (${goal === 'minimize' ? 'min' : 'max'})`,
        sortUndefined: 'last',
        meta: { align: 'right' },
        cell: ({ row }) => (
          <span className={row.original.best ? 'font-semibold tabular-nums' : 'tabular-nums'}>{row.original.metric === undefined ? <span className="text-muted-foreground">—</span> : formatMetric(row.original.metric)}</span>
        ),
      },
      {
        id: 'duration',
        accessorFn: (r) => r.durationSeconds,
        header: 'Duration',
        sortUndefined: 'last',
        meta: { align: 'right' },
        cell: ({ row }) => <TrialDuration trial={row.original} />,
      },
      {
        id: 'termination',
        accessorFn: (r) => r.terminationReason ?? '',
        header: 'Stopped because',
        meta: { className: 'min-w-56 max-w-md' },
        cell: ({ row }) => <TerminationCell trial={row.original} />,
      },
    ],
    [names, metric, goal],
  );
}

const ENDED = new Set(['Completed', 'Failed', 'Canceled']);

/** How long it ran; a running trial's time ticks (the stream carries its duration only when it changes status). */
function TrialDuration({ trial }: { trial: TrialRow }) {
  const running = !ENDED.has(trial.status) && !!trial.startedAt;
  const now = useNow(running ? 1000 : 3_600_000);
  const seconds = running && now !== null ? Math.max(0, (now - Date.parse(trial.startedAt!)) / 1000) : trial.durationSeconds;
  return <span className="tabular-nums whitespace-nowrap">{seconds === undefined ? '—' : formatDuration(seconds * 1000)}</span>;
}

function TerminationCell({ trial }: { trial: TrialRow }) {
  if (!trial.terminationReason) return <span className="text-muted-foreground">—</span>;
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <button
          type="button"
          data-testid="termination-reason"
          className="line-clamp-2 cursor-help text-left text-xs text-foreground underline decoration-muted-foreground decoration-dotted underline-offset-2"
          aria-label={`${trial.terminationReason} (show the numbers)`}
        >
          {trial.terminationReason}
        </button>
      </TooltipTrigger>
      <TooltipContent side="left" className="grid max-w-sm gap-1.5 py-2">
        <p>{trial.terminationReason}</p>
        <TerminationNumbers termination={trial.termination} />
      </TooltipContent>
    </Tooltip>
  );
}

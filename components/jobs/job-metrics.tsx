'use client';

import * as React from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { TriangleAlert } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonBlock } from '@/components/ui/skeleton';
import type { FetchError } from '@/components/live/fetch-json';
import { pluralize } from '@/lib/format';
import { LazySmallStepChart } from './lazy-charts';
import { jobStepSeries } from './metric-chart-data';
import { formatMetric, type MetricsAnswer } from './sweep-model';

// The Metrics tab of a command job or trial: one small line chart per metric it reported with
// `HARBORMASTER_METRIC <name>=<number> [step=<int>]` lines (x the step), its latest value, and how many lines
// could not be read.

/** Whether the job has anything for the Metrics tab. */
export function hasMetrics(m: MetricsAnswer | undefined): boolean {
  return !!m && (m.items.some((s) => s.points.length > 0) || m.ignoredLines > 0);
}

export function JobMetrics({ metrics, live }: { metrics: UseQueryResult<MetricsAnswer>; live: boolean }) {
  const charts = React.useMemo(() => jobStepSeries(metrics.data?.items ?? []), [metrics.data]);
  if (metrics.error && !metrics.data) {
    const e = metrics.error as FetchError;
    return <ErrorState problem={{ title: 'The metrics could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void metrics.refetch()} />;
  }
  if (metrics.isPending) return <SkeletonBlock lines={6} label="Loading the metrics" />;
  const ignored = metrics.data?.ignoredLines ?? 0;
  return (
    <div className="grid gap-4">
      {ignored > 0 && (
        <p role="note" className="flex items-start gap-2 rounded-md bg-warning-soft px-3 py-2 text-sm text-warning-text">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            {pluralize(ignored, 'metric line')} could not be read and {ignored === 1 ? 'was' : 'were'} ignored. A metric line reads{' '}
            <code className="font-mono">HARBORMASTER_METRIC &lt;name&gt;=&lt;number&gt; [step=&lt;int&gt;]</code>.
          </span>
        </p>
      )}
      {charts.length === 0 ? (
        <EmptyState
          title="No metrics reported"
          description={
            <>
              A job reports a metric by printing <code className="font-mono">HARBORMASTER_METRIC loss=0.42 step=1</code> on its standard output
              {live ? '; charts appear as it does.' : '.'}
            </>
          }
        />
      ) : (
        <ul aria-label="Metrics" className="grid gap-4 md:grid-cols-2 2xl:grid-cols-3 [&>*]:min-w-0">
          {charts.map((c) => (
            <li key={c.name}>
              <Card>
                <CardHeader className="flex-row items-baseline justify-between gap-2 pb-1">
                  <CardTitle as="h3" className="font-mono">{c.name}</CardTitle>
                  <CardDescription className="tabular-nums">
                    latest <span className="font-semibold text-foreground">{formatMetric(c.last)}</span> · {pluralize(c.count, 'point')}
                  </CardDescription>
                </CardHeader>
                <CardContent>
                  <LazySmallStepChart series={c.series} height={160} compact />
                </CardContent>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

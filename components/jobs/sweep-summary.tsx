'use client';

import * as React from 'react';
import Link from 'next/link';
import { ArrowRight, OctagonMinus, Trophy } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/components/live/fetch-json';
import { liveQueries } from '@/components/live/query-keys';
import { cn } from '@/lib/utils';
import type { JobDetailDto } from '@/server/services/job-detail';
import { Fact } from './job-overview';
import {
  formatMetric, formatParameter, parameterNames, stoppedEarly, sweepProgress, terminationDetails,
  type ParameterValue, type SweepSummaryDto, type TrialDto,
} from './sweep-model';

// What a sweep's page and a trial's page lead with, above the tabs (UI.md: status and key facts first):
//   SweepSummaryCard  progress ("4 of 6 trials started · 2 running · …") with a bar, the objective, sampling
//                     and early termination, and the best trial so far with its metric, parameters and a link
//   TrialSummaryCard  "Trial 5 of sweep X" (a link back), its parameters and primary metric, and — when the
//                     sweep's controller stopped it — why, with the numbers that decided it

const jobHref = (workspace: string, name: string) => `/w/${workspace}/jobs/${encodeURIComponent(name)}`;

/** Parameters as `name value` chips, in the search space's order. */
export function ParameterList({ parameters, names, label = 'Parameters' }: { parameters: Record<string, ParameterValue>; names?: string[]; label?: string }) {
  const keys = (names ?? Object.keys(parameters)).filter((k) => k in parameters);
  if (!keys.length) return <span className="text-muted-foreground">none</span>;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-1.5">
      {keys.map((k) => (
        <li key={k} className="inline-flex items-baseline gap-1 rounded-md border border-border bg-muted px-1.5 py-0.5 font-mono text-xs">
          <span className="text-muted-foreground">{k}</span>
          <span className="font-medium text-foreground">{formatParameter(parameters[k])}</span>
        </li>
      ))}
    </ul>
  );
}

// Segments of the progress bar, in the order they fill it.
const SEGMENTS: Array<{ statuses: string[]; label: string; className: string }> = [
  { statuses: ['Completed'], label: 'completed', className: 'bg-success' },
  { statuses: ['Canceled'], label: 'canceled', className: 'bg-warning' },
  { statuses: ['Failed'], label: 'failed', className: 'bg-danger' },
  { statuses: ['Running', 'Finalizing', 'Preparing'], label: 'running', className: 'bg-accent' },
  { statuses: ['Queued', 'NotStarted'], label: 'waiting', className: 'bg-info/60' },
];

function ProgressBar({ sweep }: { sweep: SweepSummaryDto }) {
  const total = Math.max(1, sweep.plannedTrials);
  const parts = SEGMENTS.map((s) => ({ ...s, n: s.statuses.reduce((a, k) => a + (sweep.counts[k] ?? 0), 0) })).filter((s) => s.n > 0);
  const ended = ['Completed', 'Canceled', 'Failed'].reduce((a, k) => a + (sweep.counts[k] ?? 0), 0);
  return (
    <div
      role="meter"
      aria-label="Trials ended"
      aria-valuemin={0}
      aria-valuemax={sweep.plannedTrials}
      aria-valuenow={ended}
      aria-valuetext={`${ended} of ${sweep.plannedTrials} trials ended`}
      className="flex h-2 w-full overflow-hidden rounded-full bg-muted"
    >
      {parts.map((p) => (
        <span key={p.label} title={`${p.n} ${p.label}`} className={cn('h-full', p.className)} style={{ width: `${(p.n / total) * 100}%` }} />
      ))}
    </div>
  );
}

export function SweepSummaryCard({ workspace, job, trials }: { workspace: string; job: JobDetailDto; trials?: TrialDto[] }) {
  const sweep = job.sweep;
  if (!sweep) return null;
  const best = sweep.bestTrial;
  const names = parameterNames(job.spec, trials ?? []);
  const early = trials?.filter(stoppedEarly).length;
  return (
    <Card aria-label="Sweep progress and best trial">
      <CardContent className="grid gap-4 pt-4 lg:grid-cols-[minmax(0,3fr)_minmax(18rem,2fr)]">
        <div className="grid content-start gap-3">
          <div className="grid gap-1.5">
            <p data-testid="sweep-progress" className="text-sm font-medium tabular-nums">
              {sweepProgress(sweep, early)}
            </p>
            <ProgressBar sweep={sweep} />
          </div>
          <dl className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4">
            <Fact label="Objective">
              <span data-testid="sweep-objective">
                {sweep.objective.goal} <span className="font-mono">{sweep.objective.primaryMetric}</span>
              </span>
            </Fact>
            <Fact label="Sampling">{sweep.samplingAlgorithm}</Fact>
            <Fact label="Early termination">{sweep.earlyTermination ? <span className="font-mono">{sweep.earlyTermination}</span> : <span className="text-muted-foreground">none</span>}</Fact>
            <Fact label="At a time">
              <span className="tabular-nums">
                {sweep.maxConcurrentTrials} of {sweep.plannedTrials} {sweep.plannedTrials === 1 ? 'trial' : 'trials'}
              </span>
            </Fact>
          </dl>
        </div>
        <section aria-label="Best trial" data-testid="best-trial" className={cn('grid content-start gap-2 rounded-md border p-3', best ? 'border-success/40 bg-success-soft/60' : 'border-dashed border-border')}>
          <div className="flex items-center gap-2 text-xs font-medium text-muted-foreground">
            <Trophy aria-hidden className={cn('size-4', best && 'text-success-text')} /> Best trial
            {best && <Badge tone="success">best</Badge>}
          </div>
          {best ? (
            <>
              <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
                <Link href={jobHref(workspace, best.name)} className="font-mono text-sm font-medium hover:underline underline-offset-4">
                  {best.name}
                </Link>
                <span className="text-sm tabular-nums">
                  <span className="font-mono text-muted-foreground">{sweep.objective.primaryMetric}</span>{' '}
                  <span data-testid="best-metric" className="text-base font-semibold">{formatMetric(best.primaryMetric)}</span>
                </span>
              </div>
              <ParameterList parameters={best.parameters} names={names} label="Parameters of the best trial" />
              <div>
                <Button variant="secondary" size="sm" asChild>
                  <Link href={jobHref(workspace, best.name)}>
                    Open best trial <ArrowRight aria-hidden />
                  </Link>
                </Button>
              </div>
            </>
          ) : (
            <p className="text-sm text-muted-foreground">
              None yet: the best trial is the completed one with the {sweep.objective.goal === 'minimize' ? 'lowest' : 'highest'} final{' '}
              <span className="font-mono">{sweep.objective.primaryMetric}</span>
              {job.live ? '.' : ' — no trial completed with it.'}
            </p>
          )}
        </section>
      </CardContent>
    </Card>
  );
}

/** The numbers behind a stop, as a compact definition list: one per line, or side by side (`inline`). */
export function TerminationNumbers({ termination, inline = false, className }: { termination: TrialDto['termination']; inline?: boolean; className?: string }) {
  const rows = terminationDetails(termination);
  if (!rows.length) return null;
  return (
    <dl className={cn(inline ? 'flex flex-wrap gap-x-5 gap-y-1 text-xs' : 'grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs', className)}>
      {rows.map(([k, v]) => (
        <div key={k} className={inline ? 'inline-flex items-baseline gap-1.5' : 'contents'}>
          <dt className="opacity-80">{k}</dt>
          <dd className="font-mono tabular-nums">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function TrialSummaryCard({ workspace, job }: { workspace: string; job: JobDetailDto }) {
  const trial = job.trial;
  if (!trial) return null;
  return <TrialSummary workspace={workspace} job={job} trial={trial} />;
}

function TrialSummary({ workspace, trial }: { workspace: string; job: JobDetailDto; trial: NonNullable<JobDetailDto['trial']> }) {
  // The primary metric's name is the sweep's objective: read the sweep once (not watched).
  const sweepQuery = liveQueries.job(workspace, trial.sweep);
  const sweep = useQuery({ queryKey: sweepQuery.queryKey, queryFn: () => fetchJson<JobDetailDto>(sweepQuery.url), staleTime: 5 * 60_000, enabled: !!trial.sweep });
  const metricName = sweep.data?.sweep?.objective.primaryMetric;
  return (
    <Card aria-label="Trial of a sweep">
      <CardContent className="grid gap-3 pt-4">
        <p data-testid="trial-of" className="text-sm">
          Trial <span className="font-semibold tabular-nums">{trial.index}</span> of sweep{' '}
          <Link href={jobHref(workspace, trial.sweep)} className="font-mono font-medium text-accent-text hover:underline underline-offset-4">
            {trial.sweep}
          </Link>
          <span className="text-muted-foreground"> — it runs only as part of its sweep, so it is not cloned or re-run on its own.</span>
        </p>
        <dl className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Fact label="Parameters">
            <ParameterList parameters={trial.parameters} />
          </Fact>
          <Fact label={metricName ? `Primary metric (${metricName})` : 'Primary metric'}>
            <span data-testid="trial-metric" className="text-base font-semibold tabular-nums">
              {trial.primaryMetric === undefined ? <span className="text-sm font-normal text-muted-foreground">not reported yet</span> : formatMetric(trial.primaryMetric)}
            </span>
          </Fact>
        </dl>
        {trial.terminationReason && (
          <div role="note" aria-label="Why it was stopped" className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-warning-text">
            <OctagonMinus aria-hidden className="mt-0.5 size-4 shrink-0" />
            <div className="grid gap-1.5">
              <p className="text-sm">
                <span className="font-semibold">{trial.termination?.policy === 'sweep_canceled' ? 'Canceled with its sweep' : 'Stopped early'}: </span>
                <span className="text-foreground" data-testid="termination-reason">{trial.terminationReason}</span>
              </p>
              <TerminationNumbers termination={trial.termination} inline className="text-foreground" />
            </div>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

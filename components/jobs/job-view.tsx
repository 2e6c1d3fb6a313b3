'use client';

import * as React from 'react';
import { useSearchParams } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useNow } from '@/components/ui/use-now';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import { liveQueries } from '@/components/live/query-keys';
import { useWatch } from '@/components/live/use-watch';
import { timeSummary } from '@/lib/jobs/job-times';
import { toYaml } from '@/lib/jobs/yaml-positions';
import type { JobDetailDto } from '@/server/services/job-detail';
import { JobActions } from './job-actions';
import { JobEvents } from './job-events';
import { JobLogs } from './job-logs';
import { JobMetrics, hasMetrics } from './job-metrics';
import { JobOverview } from './job-overview';
import { PendingExplanation } from './pending-explanation';
import { combineWatches, useJobMetrics, useSweepTrials } from './sweep-data';
import { SweepSummaryCard, TrialSummaryCard } from './sweep-summary';
import { SweepTrials } from './sweep-trials';
import { CopyButton } from '@/components/ui/copy-button';
import { JobModelsLine } from '@/components/models/job-models-line';

// One job's page: the job as the server rendered it (hydrated into react-query), kept current by its stream
// (GET …/jobs/{name}?watch=true: the whole job on every change, pods and events included), so a job goes
// Queued → Running → Completed on screen. Status first — badge, what it waits for, times that fit the status —
// then why it is pending (when it is), then the tabs; the open tab is in the URL (?tab=logs).
// A sweep leads with its progress and best trial and has a Trials tab (its trials' own stream keeps it
// current); a trial leads with its sweep, parameters and why it was stopped, and offers Cancel only; a job
// or trial that reported metrics has a Metrics tab.

const TABS = ['overview', 'trials', 'metrics', 'logs', 'events', 'spec', 'yaml', 'source'] as const;
type Tab = (typeof TABS)[number];

export interface JobViewProps {
  workspace: string;
  workspaceLabel: string;
  name: string;
  canSubmit: boolean;
}

export function JobView({ workspace, workspaceLabel, name, canSubmit }: JobViewProps) {
  const query = liveQueries.job(workspace, name);
  const job = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<JobDetailDto>(query.url) });
  const watch = useWatch<JobDetailDto>({ query, kind: 'resource' });
  const params = useSearchParams();
  const fromUrl = params.get('tab');
  const d = job.data;
  const { metrics, refreshSoon } = useJobMetrics(workspace, name, d);
  const sweepTrials = useSweepTrials(workspace, name, d, refreshSoon);
  const isSweep = d?.type === 'sweep';
  const isTrial = !!d?.trial;
  // A sweep's page follows two streams (the sweep, its trials); one indicator and banner speak for both.
  const pageWatch = combineWatches(watch, isSweep ? sweepTrials.watch : undefined);
  const available = (t: Tab) => (t === 'trials' ? isSweep : t === 'metrics' ? !isSweep && (hasMetrics(metrics.data) || fromUrl === 'metrics') : t === 'source' ? !isTrial : true);
  const tab: Tab = (TABS as readonly string[]).includes(fromUrl ?? '') && available(fromUrl as Tab) ? (fromUrl as Tab) : 'overview';
  const setTab = (next: string) => {
    const p = new URLSearchParams(params.toString());
    if (next === 'overview') p.delete('tab');
    else p.set('tab', next);
    const qs = p.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
  };

  const breadcrumb = [
    { label: workspaceLabel, href: `/w/${workspace}` },
    { label: 'Jobs', href: `/w/${workspace}/jobs` },
    ...(d?.trial?.sweep ? [{ label: d.trial.sweep, href: `/w/${workspace}/jobs/${encodeURIComponent(d.trial.sweep)}` }] : []),
    { label: name },
  ];
  if (!d) {
    if (job.error) {
      const e = job.error as FetchError;
      return (
        <div className="space-y-6">
          <PageHeader title={name} breadcrumb={breadcrumb} />
          <ErrorState problem={{ title: 'The job could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void job.refetch()} />
        </div>
      );
    }
    return (
      <div className="space-y-6">
        <PageHeader title={name} breadcrumb={breadcrumb} />
        <SkeletonBlock lines={6} label="Loading the job" />
      </div>
    );
  }

  return (
    <div className="space-y-6">
      <PageHeader
        title={d.displayName || d.name}
        status={<StatusBadge kind="job" status={d.status} />}
        breadcrumb={breadcrumb}
        description={<JobStatusLine job={d} showMessage={isSweep ? d.status === 'Failed' || d.status === 'Canceled' : !d.trial?.terminationReason} />}
        primaryAction={canSubmit ? <JobActions workspace={workspace} name={d.name} live={d.live} kind={isSweep ? 'sweep' : isTrial ? 'trial' : 'job'} /> : undefined}
      />
      <LivePausedBanner watch={pageWatch} />
      {isSweep && <SweepSummaryCard workspace={workspace} job={d} trials={sweepTrials.trials.data?.items} />}
      {isTrial && <TrialSummaryCard workspace={workspace} job={d} />}
      {d.pending && (
        <PendingExplanation
          pending={d.pending}
          status={d.status}
          cloneHref={canSubmit && !isTrial ? (target, it) => `/w/${workspace}/jobs/new?from=${encodeURIComponent(d.name)}&compute=${encodeURIComponent(target)}&instanceType=${encodeURIComponent(it)}` : undefined}
        />
      )}
      <Tabs value={tab} onValueChange={setTab}>
        <div className="flex flex-wrap items-end gap-2">
          <TabsList aria-label="Job" className="max-w-full min-w-0 flex-[1_0_auto]">
            <TabsTrigger value="overview">Overview</TabsTrigger>
            {available('trials') && (
              <TabsTrigger value="trials">
                Trials{d.sweep?.createdTrials ? <span className="text-xs text-muted-foreground tabular-nums">{d.sweep.createdTrials}</span> : null}
              </TabsTrigger>
            )}
            {available('metrics') && <TabsTrigger value="metrics">Metrics</TabsTrigger>}
            <TabsTrigger value="logs">Logs</TabsTrigger>
            <TabsTrigger value="events">Events{d.events.length ? <span className="text-xs text-muted-foreground tabular-nums">{d.events.length}</span> : null}</TabsTrigger>
            <TabsTrigger value="spec">Spec</TabsTrigger>
            <TabsTrigger value="yaml">YAML</TabsTrigger>
            {available('source') && <TabsTrigger value="source">Submitted file</TabsTrigger>}
          </TabsList>
          <WatchIndicator watch={pageWatch} className="pb-2" />
        </div>
        <TabsContent value="overview">
          <JobModelsLine workspace={workspace} job={d} />
          <JobOverview job={d} />
        </TabsContent>
        {available('trials') && (
          <TabsContent value="trials">
            <SweepTrials workspace={workspace} job={d} trials={sweepTrials.trials} highlighted={sweepTrials.highlighted} metrics={metrics} />
          </TabsContent>
        )}
        {available('metrics') && (
          <TabsContent value="metrics">
            <JobMetrics metrics={metrics} live={d.live} />
          </TabsContent>
        )}
        <TabsContent value="logs">
          <JobLogs workspace={workspace} job={d} />
        </TabsContent>
        <TabsContent value="events">
          <JobEvents events={d.events} clusterState={d.clusterState} live={d.live} />
        </TabsContent>
        <TabsContent value="spec">
          <Document label="Normalized spec" description="The job as Harbormaster understood it (Azure ML CLI v2 fields, defaults filled in)." text={toYaml(d.spec)} />
        </TabsContent>
        <TabsContent value="yaml">
          <Document
            label="Kubernetes objects Harbormaster applied"
            description="Read-only: what was applied to the cluster, Secret values redacted. The record keeps it after the objects are gone."
            text={d.objects.map((o) => toYaml(o)).join('---\n')}
          />
        </TabsContent>
        {available('source') && (
          <TabsContent value="source">
            <Document label="The job document as submitted" description={`As it was sent (${d.sourceFormat === 'yaml' ? 'YAML' : 'JSON'}); Clone opens it in the New job form.`} text={d.source} />
          </TabsContent>
        )}
      </Tabs>
    </div>
  );
}

/** The header's second line: what it is doing and for how long, then the status message (why). */
function JobStatusLine({ job, showMessage }: { job: JobDetailDto; showMessage: boolean }) {
  const now = useNow(job.live ? 1000 : 60_000);
  return (
    <div className="grid gap-0.5">
      <span data-testid="job-times" className="tabular-nums">
        {now == null ? (job.live ? '\u00a0' : timeSummary(job, new Date(job.finishedAt ?? job.createdAt).getTime())) : timeSummary(job, now)}
      </span>
      {showMessage && job.statusMessage && !job.pending && <span className="break-words text-foreground">{job.statusMessage}</span>}
      {job.experimentName && <span>Experiment {job.experimentName}</span>}
    </div>
  );
}

function Document({ label, description, text }: { label: string; description: string; text: string }) {
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground">{description}</p>
        <CopyButton value={text} label={`Copy ${label.toLowerCase()}`} showText variant="secondary" size="sm" />
      </div>
      <pre role="region" aria-label={label} tabIndex={0} className="max-h-[40rem] overflow-auto rounded-md border border-border bg-muted p-3 font-mono text-xs leading-5">
        {text}
      </pre>
    </div>
  );
}

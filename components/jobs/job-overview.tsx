'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { TriangleAlert } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { MonoText } from '@/components/ui/mono-text';
import { RelativeTime } from '@/components/ui/relative-time';
import { StatusBadge } from '@/components/ui/status-badge';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { useNow } from '@/components/ui/use-now';
import { formatAbsoluteTime, formatDuration, formatUtcShort } from '@/lib/format';
import { jobTimes, timeline } from '@/lib/jobs/job-times';
import type { JobDetailDto, JobRankDto } from '@/server/services/job-detail';

// The Overview tab: key facts (with times that fit the status), the status timeline from the recorded
// transitions, the ranks (one pod each: phase, node, restarts, exit code and reason, duration) and the
// warnings given at submission.

/** One key fact: a small label over its value (inside a <dl>). */
export function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

/** Elapsed time that ticks while it grows (null during hydration: the server's figure is shown). */
function useClock(active: boolean): number | null {
  return useNow(active ? 1000 : 60_000);
}

export function JobOverview({ job }: { job: JobDetailDto }) {
  const active = job.live;
  const now = useClock(active);
  // Before hydration the clock is unknown: durations of a job still running are measured to the record's end (none).
  const at = now ?? new Date(job.finishedAt ?? job.createdAt).getTime();
  const t = jobTimes(job, at);
  const waiting = job.status === 'NotStarted' || job.status === 'Queued';
  return (
    <div className="grid gap-4">
      <Card>
        <CardContent className="pt-4">
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <Fact label="Name"><MonoText value={job.name} copyLabel="Copy job name" /></Fact>
            <Fact label="Type">{job.type === 'sweep' ? 'Sweep' : 'Command'}{job.experimentName ? <span className="text-muted-foreground"> · experiment {job.experimentName}</span> : null}</Fact>
            <Fact label="Compute target">
              <span className="font-mono">{job.computeTarget}</span>
              <span className="text-muted-foreground"> on {job.cluster}, namespace </span>
              <span className="font-mono">{job.namespace}</span>
            </Fact>
            <Fact label="Instances"><span className="font-mono">{job.instanceCount} × {job.instanceType}</span></Fact>
            <Fact label="Submitted"><RelativeTime value={job.createdAt} />{job.createdBy ? ` by ${job.createdBy}` : ''}</Fact>
            <Fact label={waiting ? 'Queued for' : 'Time in the queue'}>
              <span className="tabular-nums">{now == null && waiting ? '—' : formatDuration(t.queuedMs)}</span>
            </Fact>
            <Fact label="Run time">
              <span className="tabular-nums">{runTime(job, t.runMs, now)}</span>
            </Fact>
            <Fact label="Ended">{t.endedAt ? <RelativeTime value={t.endedAt} /> : <span className="text-muted-foreground">not yet</span>}</Fact>
            {job.codeSha256 && <Fact label="Code snapshot"><MonoText value={job.codeSha256} truncate copyLabel="Copy code snapshot hash" className="max-w-56" /></Fact>}
          </dl>
          {job.clusterState !== 'live' && (
            <p className="mt-3 text-xs text-muted-foreground">
              {job.clusterState === 'gone'
                ? `Cluster ${job.cluster} is no longer registered: this is the job's record as last seen.`
                : `Cluster ${job.cluster} cannot be reached right now: this is the job's record as last seen; ranks and events come back with it.`}
            </p>
          )}
        </CardContent>
      </Card>

      {job.warnings.length > 0 && (
        <ul aria-label="Warnings at submission" className="space-y-2 text-sm">
          {job.warnings.map((w, i) => (
            <li key={i} className="flex items-start gap-2 rounded-md bg-warning-soft px-3 py-2 text-warning-text">
              <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
              <span>{w.path && <span className="font-mono font-medium">{w.path}: </span>}{w.message}</span>
            </li>
          ))}
        </ul>
      )}

      <div className="grid gap-4 xl:grid-cols-[minmax(18rem,1fr)_2fr]">
        <StatusTimeline job={job} now={now} />
        <RanksCard job={job} />
      </div>
    </div>
  );
}

function runTime(job: JobDetailDto, runMs: number | null, now: number | null): string {
  if (runMs === null) return job.live ? 'not started yet' : 'did not run';
  if (!job.live) return formatDuration(runMs);
  return now == null ? '—' : `${formatDuration(runMs)} so far`;
}

function StatusTimeline({ job, now }: { job: JobDetailDto; now: number | null }) {
  const entries = timeline(job, now ?? new Date(job.finishedAt ?? job.createdAt).getTime());
  return (
    <Card>
      <CardHeader>
        <CardTitle>Status timeline</CardTitle>
        <CardDescription>Every status it went through, with when and for how long.</CardDescription>
      </CardHeader>
      <CardContent>
        <ol aria-label="Status timeline" className="relative grid gap-3 border-l border-border pl-4">
          {entries.map((e, i) => (
            <li key={`${e.status}-${e.at}-${i}`} className="relative" data-timeline-status={e.status}>
              <span aria-hidden className={`absolute top-1.5 -left-[1.3rem] size-2.5 rounded-full border-2 border-surface ${e.current ? 'bg-accent' : 'bg-border'}`} />
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <StatusBadge kind="job" status={e.status} />
                <time dateTime={e.at} title={now == null ? formatUtcShort(e.at) : formatAbsoluteTime(e.at)} className="text-xs text-muted-foreground tabular-nums">
                  {now == null ? formatUtcShort(e.at) : formatAbsoluteTime(e.at)}
                </time>
                {e.durationMs !== null && (
                  <span className="text-xs tabular-nums">
                    {e.current ? 'for ' : ''}
                    {now == null && e.current ? '—' : formatDuration(e.durationMs)}
                    {e.current ? ' so far' : ''}
                  </span>
                )}
              </div>
              {e.message && <p className="mt-0.5 text-xs break-words text-muted-foreground">{e.message}</p>}
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}

const PHASE_TONE: Record<string, BadgeTone> = { Pending: 'info', Running: 'accent', Succeeded: 'success', Failed: 'danger', Unknown: 'neutral' };

function RanksCard({ job }: { job: JobDetailDto }) {
  const sweep = job.type === 'sweep';
  const columns = React.useMemo<ColumnDef<JobRankDto>[]>(
    () => [
      {
        id: 'rank',
        accessorFn: (r) => (r.trial ?? 0) * 100_000 + r.rank,
        header: sweep ? 'Trial · rank' : 'Rank',
        cell: ({ row }) => <span className="tabular-nums">{sweep ? `${row.original.trial ?? 0} · ${row.original.rank}` : row.original.rank}</span>,
      },
      { accessorKey: 'pod', header: 'Pod', cell: ({ row }) => <span className="font-mono text-xs">{row.original.pod}</span> },
      {
        accessorKey: 'phase',
        header: 'Phase',
        cell: ({ row }) => (
          <div className="grid justify-items-start gap-0.5">
            <Badge tone={PHASE_TONE[row.original.phase] ?? 'neutral'}>{row.original.phase}{row.original.ready && row.original.phase === 'Running' ? ' · ready' : ''}</Badge>
            {row.original.problem && (
              <span className="line-clamp-2 max-w-80 text-xs break-words text-muted-foreground" title={`${row.original.problem.reason}: ${row.original.problem.message}`}>
                <span className="font-medium text-foreground">{row.original.problem.reason}</span>: {row.original.problem.message}
              </span>
            )}
          </div>
        ),
      },
      { accessorKey: 'node', header: 'Node', cell: ({ row }) => (row.original.node ? <span className="font-mono text-xs">{row.original.node}</span> : <span className="text-muted-foreground">not scheduled</span>) },
      { accessorKey: 'restarts', header: 'Restarts', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.restarts}</span> },
      {
        id: 'exit',
        accessorFn: (r) => r.exitCode ?? -1,
        header: 'Exit',
        cell: ({ row }) =>
          row.original.exitCode === undefined ? (
            <span className="text-muted-foreground">—</span>
          ) : (
            <span className={row.original.exitCode === 0 ? '' : 'font-medium text-danger-text'}>
              <span className="tabular-nums">{row.original.exitCode}</span>
              {row.original.exitReason ? ` · ${row.original.exitReason}` : ''}
            </span>
          ),
      },
      {
        id: 'duration',
        accessorFn: (r) => r.durationMs ?? -1,
        header: 'Duration',
        meta: { align: 'right' },
        cell: ({ row }) => <span className="tabular-nums">{row.original.durationMs === undefined ? '—' : formatDuration(row.original.durationMs)}</span>,
      },
    ],
    [sweep],
  );
  const empty =
    job.clusterState === 'gone'
      ? `Cluster ${job.cluster} is no longer registered, so its pods cannot be shown.`
      : job.clusterState === 'unreachable'
        ? 'The cluster cannot be read now, so its pods are not shown.'
        : job.live
          ? 'No pods yet: the Kubernetes Job has not created them.'
          : 'Its pods are gone from the cluster (Kubernetes removes them after the job ends); the record keeps the status and the timeline.';
  return (
    <Card>
      <CardHeader>
        <CardTitle>{sweep ? 'Trials and ranks' : 'Ranks'}</CardTitle>
        <CardDescription>One pod per rank{job.instanceCount > 1 ? ` (${job.instanceCount} instances)` : ''}: where it runs, how it ended.</CardDescription>
      </CardHeader>
      <CardContent>
        <DataTable
          label="Ranks"
          columns={columns}
          data={job.ranks}
          getRowId={(r) => r.pod}
          defaultSorting={[{ id: 'rank', desc: false }]}
          empty={<EmptyState title="No pods" description={empty} className="border-0" />}
        />
      </CardContent>
    </Card>
  );
}

'use client';

import * as React from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { fetchJson } from '@/components/live/fetch-json';
import { liveQueries } from '@/components/live/query-keys';
import { useWatch, type UseWatchResult } from '@/components/live/use-watch';
import type { JobDetailDto } from '@/server/services/job-detail';
import type { MetricsAnswer, TrialDto, TrialsPage } from './sweep-model';

// The data a job page reads besides the job itself:
//   useSweepTrials  a sweep's trials (hydrated from the server render), kept current by their stream: a new
//                   trial appears, a status or metric changes in place, the changed row flashes
//   useJobMetrics   what the job reported (a sweep: its primary metric across trials), re-read every few
//                   seconds while the job runs and, for a sweep, soon after any trial changed

const METRICS_POLL_MS = 4000;

const WORSE = ['live', 'connecting', 'reconnecting', 'offline'] as const;

/** One indicator for a page fed by two streams (the job's and its trials'): the worse state, the latest update. */
export function combineWatches(a: UseWatchResult, b: UseWatchResult | undefined): UseWatchResult {
  if (!b) return a;
  const status = WORSE.indexOf(a.status) >= WORSE.indexOf(b.status) ? a.status : b.status;
  const lastUpdate = a.lastUpdate === null ? b.lastUpdate : b.lastUpdate === null ? a.lastUpdate : Math.max(a.lastUpdate, b.lastUpdate);
  return { status, lastUpdate, error: a.status === status ? a.error : b.error, live: status === 'live' };
}

export function useSweepTrials(workspace: string, name: string, job: JobDetailDto | undefined, onChange?: () => void) {
  const sweep = job?.type === 'sweep';
  const query = liveQueries.trials(workspace, name);
  const trials = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<TrialsPage>(query.url), enabled: sweep });
  const [highlighted, flash] = useRowHighlights();
  const watch = useWatch<TrialDto>({
    query,
    kind: 'list',
    enabled: sweep,
    onEvent: (ev, { changed }) => {
      if (!changed) return;
      if (ev.type !== 'DELETED') flash(ev.object.uid);
      onChange?.();
    },
  });
  return { trials, watch, highlighted };
}

export function useJobMetrics(workspace: string, name: string, job: JobDetailDto | undefined) {
  const query = liveQueries.jobMetrics(workspace, name);
  const queryClient = useQueryClient();
  const metrics = useQuery({
    queryKey: query.queryKey,
    queryFn: () => fetchJson<MetricsAnswer>(query.url),
    enabled: !!job,
    refetchInterval: job?.live ? METRICS_POLL_MS : false,
  });
  // A burst of trial changes re-reads the metrics once, shortly after it.
  const timer = React.useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  React.useEffect(() => () => clearTimeout(timer.current), []);
  const refreshSoon = React.useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true }), 500);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryClient, JSON.stringify(query.queryKey)]);
  // The job's own status changes (a trial or job that just ended printed its last lines).
  const status = job?.status;
  const seen = React.useRef(status);
  React.useEffect(() => {
    if (seen.current === status) return;
    seen.current = status;
    refreshSoon();
  }, [status, refreshSoon]);
  return { metrics, refreshSoon };
}

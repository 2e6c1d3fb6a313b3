'use client';

import * as React from 'react';
import { useQuery } from '@tanstack/react-query';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { ErrorState } from '@/components/ui/error-state';
import { liveQueries } from '@/components/live/query-keys';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import { useWatch } from '@/components/live/use-watch';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { JobSummaryDto } from '@/lib/jobs/dto';
import { JobsTable } from './jobs-table';

/**
 * The jobs page's table: the list the server rendered (hydrated into react-query), kept current by the jobs
 * stream — a submitted job appears, its status moves on, all without a reload; a changed row flashes.
 */
export function LiveJobsTable({ workspace, empty }: { workspace: string; empty: React.ReactNode }) {
  const query = liveQueries.jobs(workspace);
  const jobs = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<{ items: JobSummaryDto[] }>(query.url) });
  const [highlighted, flash] = useRowHighlights();
  const watch = useWatch<JobSummaryDto>({
    query,
    kind: 'list',
    onEvent: (ev, { changed }) => {
      if (changed && ev.type !== 'DELETED') flash(ev.object.uid);
    },
  });
  if (!jobs.data && jobs.error) {
    const e = jobs.error as FetchError;
    return <ErrorState problem={{ title: 'The jobs could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void jobs.refetch()} />;
  }
  return (
    <div className="grid gap-3">
      <LivePausedBanner watch={watch} />
      <JobsTable
        workspace={workspace}
        jobs={jobs.data?.items ?? []}
        empty={empty}
        toolbar={<WatchIndicator watch={watch} />}
        highlightedRowIds={highlighted}
      />
    </div>
  );
}

'use client';

import * as React from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SortingState } from '@tanstack/react-table';
import { SearchX } from 'lucide-react';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { JOBS_PAGE_SIZE, liveQueries } from '@/components/live/query-keys';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import { useWatch } from '@/components/live/use-watch';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { JobSummaryDto } from '@/lib/jobs/dto';
import { formatCount } from '@/lib/format';
import {
  appendPage, applyToPage, composeJobList, DEFAULT_ORDER, defaultDir, filtersFromParams, filtersToParams, hasFilters, jobsApiUrl, NO_FILTERS,
  type JobListFilters, type JobPage,
} from '@/lib/jobs/list-query';
import { JobsFilterBar } from './jobs-filter-bar';
import { JobsTable, SERVER_SORTABLE } from './jobs-table';

/**
 * The jobs page: filters and order from the URL, filtered and sorted by the server. The first page is the one
 * the server rendered (hydrated into react-query) and the jobs stream keeps current for the same query — a
 * submitted job appears, statuses move on, a job that stops matching leaves, all without a reload; a changed
 * row flashes. Scrolling to the end (or "Load more") fetches the next page by its cursor; rows are virtual,
 * so thousands stay smooth.
 */
export function LiveJobsTable({ workspace, computeTargets, me, empty }: { workspace: string; computeTargets: string[]; me: string | null; empty: React.ReactNode }) {
  const params = useSearchParams();
  const pathname = usePathname();
  const filters = React.useMemo(() => filtersFromParams(params), [params]);
  const filtersKey = filtersToParams(filters).toString();
  const setFilters = React.useCallback(
    (next: JobListFilters) => {
      const qs = filtersToParams(next).toString();
      window.history.replaceState(null, '', `${pathname}${qs ? `?${qs}` : ''}`);
    },
    [pathname],
  );

  const query = React.useMemo(() => liveQueries.jobs(workspace, filters), [workspace, filters]);
  const queryClient = useQueryClient();
  const head = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<JobPage>(query.url), placeholderData: keepPreviousData });
  // Pages after the first, for the filters they were loaded with.
  const [more, setMore] = React.useState<{ key: string; page: JobPage } | null>(null);
  const older = more?.key === filtersKey ? more.page : null;
  const [loadingMore, setLoadingMore] = React.useState<{ key: string; error?: string } | null>(null);

  const [highlighted, flash] = useRowHighlights();
  const watch = useWatch<JobSummaryDto>({
    query,
    kind: 'list',
    onEvent: (ev, { changed }) => {
      setMore((m) => (m && m.key === filtersKey ? { ...m, page: applyToPage(m.page, ev.type, ev.object) } : m));
      if (changed && ev.type !== 'DELETED') flash(ev.object.uid);
    },
  });
  // After the stream was down, the first page is re-read (its cursor may have moved) and later pages dropped:
  // what was missed meanwhile is not patched into them.
  const wasDown = React.useRef(false);
  React.useEffect(() => {
    if (watch.status === 'reconnecting' || watch.status === 'offline') wasDown.current = true;
    else if (watch.status === 'live' && wasDown.current) {
      wasDown.current = false;
      setMore(null);
      void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
    }
  }, [watch.status, queryClient, query.queryKey]);

  const placeholder = head.isPlaceholderData;
  const list = React.useMemo(() => composeJobList(head.data, placeholder ? null : older, filters.orderBy), [head.data, placeholder, older, filters.orderBy]);

  const cursor = list.next;
  const busy = loadingMore?.key === filtersKey && !loadingMore.error;
  const inflight = React.useRef<string | null>(null);
  const loadMore = React.useCallback(async () => {
    if (!cursor || placeholder || inflight.current === cursor) return;
    const key = filtersKey;
    inflight.current = cursor;
    setLoadingMore({ key });
    try {
      const page = await fetchJson<JobPage>(jobsApiUrl(workspace, filters, { limit: JOBS_PAGE_SIZE, cursor }));
      setMore((m) => ({ key, page: appendPage(m?.key === key ? m.page : null, page) }));
      setLoadingMore(null);
    } catch (e) {
      setLoadingMore({ key, error: (e as Error).message });
    } finally {
      inflight.current = null;
    }
  }, [cursor, placeholder, filtersKey, workspace, filters]);
  const moreError = loadingMore?.key === filtersKey ? loadingMore.error : undefined;

  const orderBy = filters.orderBy;
  const sorting: SortingState = orderBy ? (SERVER_SORTABLE.has(orderBy.field) ? [{ id: orderBy.field, desc: orderBy.dir === 'desc' }] : []) : [{ id: 'createdAt', desc: true }];
  // A header click: the same column flips its direction, another column starts in its natural one.
  const onSortingChange = (next: SortingState) => {
    const clicked = next[0]?.id ?? sorting[0]?.id;
    if (!clicked || !SERVER_SORTABLE.has(clicked)) return;
    const field = clicked as 'name' | 'status' | 'createdAt';
    const current = orderBy ?? DEFAULT_ORDER;
    const dir = current.field === field ? (current.dir === 'desc' ? 'asc' : 'desc') : defaultDir(field);
    setFilters({ ...filters, orderBy: field === DEFAULT_ORDER.field && dir === DEFAULT_ORDER.dir ? null : { field, dir } });
  };

  if (!head.data && head.error) {
    const e = head.error as FetchError;
    return <ErrorState problem={{ title: 'The jobs could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void head.refetch()} />;
  }
  const filtered = hasFilters(filters);
  const footer =
    list.items.length > 0 ? (
      <div className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-xs text-muted-foreground">
        <span className="tabular-nums" aria-live="polite">
          {formatCount(list.items.length)} job{list.items.length === 1 ? '' : 's'}
          {cursor ? ' shown · more below' : filtered ? ' match' : ''}
        </span>
        {moreError && <span className="text-danger-text">The next page could not be loaded: {moreError}</span>}
        {cursor && (
          <Button variant="secondary" size="sm" onClick={() => void loadMore()} pending={busy}>
            {moreError ? 'Try again' : 'Load more'}
          </Button>
        )}
      </div>
    ) : null;
  return (
    <div className="grid gap-3">
      <JobsFilterBar filters={filters} onChange={setFilters} computeTargets={computeTargets} me={me} trailing={<WatchIndicator watch={watch} />} />
      <LivePausedBanner watch={watch} />
      <JobsTable
        workspace={workspace}
        jobs={list.items}
        empty={
          filtered ? (
            <EmptyState
              icon={SearchX}
              title="No jobs match these filters"
              description="Change or clear the filters to see more jobs."
              action={<Button variant="secondary" size="sm" onClick={() => setFilters({ ...NO_FILTERS, orderBy: filters.orderBy })}>Clear filters</Button>}
              className="border-0"
            />
          ) : (
            empty
          )
        }
        highlightedRowIds={highlighted}
        server={{ sorting, onSortingChange, onEndReached: () => void loadMore(), footer, loading: head.isLoading }}
      />
    </div>
  );
}

'use client';

import * as React from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Archive } from 'lucide-react';
import { DataTable } from '@/components/ui/data-table';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { ErrorState } from '@/components/ui/error-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { Badge } from '@/components/ui/badge';
import { fetchJson, type FetchError } from '@/components/live/fetch-json';
import { liveQueries } from '@/components/live/query-keys';
import { useWatch } from '@/components/live/use-watch';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import { formatCount } from '@/lib/format';
import type { ModelSummaryDto } from '@/server/services/models';

// The models list: by name, each with its latest version; the search (part of the name) is in the URL (?q=)
// and asked of the server. The models stream keeps it current — a job's output registered as a model appears
// within seconds, a changed row flashes.

type ModelPage = { items: ModelSummaryDto[]; next?: string };

/** What the list shows for a search: the stream reports every model that changes, matching or not. */
export function visibleModels(items: ModelSummaryDto[], q: string): ModelSummaryDto[] {
  const needle = q.trim().toLowerCase();
  return items.filter((m) => !needle || m.name.toLowerCase().includes(needle)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function LiveModelsTable({ workspace, empty }: { workspace: string; empty: React.ReactNode }) {
  const params = useSearchParams();
  const pathname = usePathname();
  const q = params.get('q') ?? '';
  const setQ = React.useCallback(
    (next: string) => {
      const p = new URLSearchParams(params.toString());
      if (next.trim()) p.set('q', next.trim());
      else p.delete('q');
      const qs = p.toString();
      window.history.replaceState(null, '', `${pathname}${qs ? `?${qs}` : ''}`);
    },
    [params, pathname],
  );
  const query = React.useMemo(() => liveQueries.models(workspace, q.trim()), [workspace, q]);
  const list = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<ModelPage>(query.url), placeholderData: keepPreviousData });
  const [highlighted, flash] = useRowHighlights();
  const watch = useWatch<ModelSummaryDto>({ query, kind: 'list', onEvent: (ev, { changed }) => changed && ev.type !== 'DELETED' && flash(ev.object.uid) });
  const items = React.useMemo(() => visibleModels(list.data?.items ?? [], q), [list.data, q]);

  const columns = React.useMemo<ColumnDef<ModelSummaryDto>[]>(
    () => [
      { accessorKey: 'name', header: 'Model', cell: ({ row }) => <span className="font-mono font-medium">{row.original.name}</span> },
      {
        id: 'latest',
        accessorFn: (m) => m.latestVersion?.version ?? '',
        header: 'Latest version',
        cell: ({ row }) => {
          const v = row.original.latestVersion;
          if (!v) return <span className="text-muted-foreground">—</span>;
          return (
            <span className="inline-flex items-center gap-2">
              <span className="font-mono tabular-nums">{v.version}</span>
              {v.archived && (
                <Badge tone="neutral" title="Every version of this model is archived">
                  <Archive aria-hidden /> Archived
                </Badge>
              )}
            </span>
          );
        },
      },
      { id: 'type', accessorFn: (m) => m.latestVersion?.type ?? '', header: 'Type', cell: ({ row }) => <span className="font-mono text-xs">{row.original.latestVersion?.type ?? '—'}</span> },
      {
        id: 'description',
        accessorFn: (m) => m.latestVersion?.description ?? '',
        header: 'Description',
        enableSorting: false,
        cell: ({ row }) => {
          const d = row.original.latestVersion?.description;
          return d ? <span className="block max-w-96 truncate" title={d}>{d}</span> : <span className="text-muted-foreground">—</span>;
        },
      },
      { accessorKey: 'versions', header: 'Versions', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.versions}</span> },
      { accessorKey: 'updatedAt', header: 'Updated', cell: ({ row }) => <RelativeTime value={row.original.updatedAt} /> },
    ],
    [],
  );

  if (!list.data && list.error) {
    const e = list.error as FetchError;
    return <ErrorState problem={{ title: 'The models could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void list.refetch()} />;
  }
  const footer =
    items.length > 0 ? (
      <div className="px-3 py-2 text-xs text-muted-foreground tabular-nums" aria-live="polite">
        {formatCount(items.length)} model{items.length === 1 ? '' : 's'}
        {list.data?.next ? ' shown — the first by name; search to find the others' : q ? ' match' : ''}
      </div>
    ) : null;
  return (
    <div className="grid gap-3">
      <LivePausedBanner watch={watch} />
      <DataTable
        label="Models"
        columns={columns}
        data={items}
        getRowId={(m) => m.uid}
        rowHref={(m) => `/w/${encodeURIComponent(workspace)}/models/${encodeURIComponent(m.name)}`}
        filterable
        filterPlaceholder="Search models by name…"
        filterValue={q}
        onFilterChange={setQ}
        toolbar={<WatchIndicator watch={watch} />}
        defaultSorting={[{ id: 'name', desc: false }]}
        loading={list.isLoading}
        highlightedRowIds={highlighted}
        footer={footer}
        empty={empty}
      />
    </div>
  );
}

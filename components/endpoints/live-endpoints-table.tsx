'use client';

import * as React from 'react';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { ErrorState } from '@/components/ui/error-state';
import { MonoText } from '@/components/ui/mono-text';
import { StatusBadge } from '@/components/ui/status-badge';
import { fetchJson, type FetchError } from '@/components/live/fetch-json';
import { useWatch } from '@/components/live/use-watch';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { OnlineEndpointDto } from '@/lib/endpoints/spec';
import { DeploymentPills } from './deployment-pills';
import { endpointQueries } from './endpoint-queries';
import { trafficOf } from './traffic';
import { TrafficBar } from './traffic-bar';

// The workspace's online endpoints, kept current by their stream (GET …/online-endpoints?watch=true): a
// deployment going Provisioning → Healthy, a traffic change or a new endpoint shows within seconds, and the
// changed row flashes. Each row opens the endpoint.

export function LiveEndpointsTable({ workspace, empty }: { workspace: string; empty: React.ReactNode }) {
  const query = endpointQueries.endpoints(workspace);
  const list = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<{ items: OnlineEndpointDto[] }>(query.url) });
  const [highlighted, flash] = useRowHighlights();
  const watch = useWatch<OnlineEndpointDto>({ query, kind: 'list', uid: (e) => e.name, onEvent: (ev, { changed }) => changed && ev.type !== 'DELETED' && flash(ev.object.name) });
  const items = list.data?.items ?? [];

  const columns = React.useMemo<ColumnDef<OnlineEndpointDto>[]>(
    () => [
      { accessorKey: 'name', header: 'Endpoint', cell: ({ row }) => <span className="font-mono font-medium whitespace-nowrap">{row.original.name}</span> },
      {
        accessorKey: 'computeTarget',
        header: 'Compute target',
        cell: ({ row }) => (
          <span className="grid">
            <span className="font-mono text-xs">{row.original.computeTarget}</span>
            <span className="text-xs text-muted-foreground">{row.original.cluster}</span>
          </span>
        ),
      },
      {
        id: 'traffic',
        header: 'Traffic',
        enableSorting: false,
        meta: { className: 'min-w-44' },
        cell: ({ row }) => <TrafficBar traffic={trafficOf(row.original.traffic, row.original.deployments.map((d) => d.name))} />,
      },
      { id: 'deployments', accessorFn: (e) => e.deployments.length, header: 'Deployments', cell: ({ row }) => <DeploymentPills deployments={row.original.deployments} /> },
      {
        accessorKey: 'provisioningState',
        header: 'Provisioning',
        cell: ({ row }) => <StatusBadge kind="endpoint" status={row.original.provisioningState} title={row.original.provisioningMessage ?? undefined} />,
      },
      {
        accessorKey: 'scoringUri',
        header: 'Scoring URI',
        enableSorting: false,
        meta: { className: 'max-w-80' },
        cell: ({ row }) =>
          row.original.scoringUri ? (
            <span className="block max-w-80">
              <MonoText value={row.original.scoringUri} truncate copyLabel={`Copy the scoring URI of ${row.original.name}`} />
            </span>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
    ],
    [],
  );

  if (!list.data && list.error) {
    const e = list.error as FetchError;
    return <ErrorState problem={{ title: 'The endpoints could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void list.refetch()} />;
  }
  return (
    <div className="grid gap-3">
      <LivePausedBanner watch={watch} />
      <DataTable
        label="Online endpoints"
        columns={columns}
        data={items}
        getRowId={(e) => e.name}
        rowHref={(e) => `/w/${encodeURIComponent(workspace)}/endpoints/${encodeURIComponent(e.name)}`}
        filterable
        filterPlaceholder="Filter endpoints…"
        toolbar={<WatchIndicator watch={watch} />}
        defaultSorting={[{ id: 'name', desc: false }]}
        loading={list.isLoading}
        highlightedRowIds={highlighted}
        empty={empty}
      />
    </div>
  );
}

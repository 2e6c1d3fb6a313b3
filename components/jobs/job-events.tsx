'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import type { JobEventDto } from '@/server/services/job-detail';

/**
 * The job's Kubernetes events (its Jobs and pods), newest first; the job's stream keeps them current. Other
 * objects' events (a deployment's) use it with their own `waiting` sentence for a live object with none yet.
 */
export function JobEvents({ events, clusterState, live, waiting }: { events: JobEventDto[]; clusterState: 'live' | 'unreachable' | 'gone'; live: boolean; waiting?: string }) {
  const columns = React.useMemo<ColumnDef<JobEventDto>[]>(
    () => [
      { accessorKey: 'at', header: 'Last seen', cell: ({ row }) => <RelativeTime value={row.original.at} /> },
      { accessorKey: 'type', header: 'Type', cell: ({ row }) => <Badge tone={row.original.type === 'Warning' ? 'warning' : 'neutral'}>{row.original.type}</Badge> },
      { accessorKey: 'reason', header: 'Reason', cell: ({ row }) => <span className="font-medium">{row.original.reason}</span> },
      { accessorKey: 'object', header: 'Object', cell: ({ row }) => <span className="font-mono text-xs">{row.original.object}</span> },
      { accessorKey: 'message', header: 'Message', meta: { className: 'min-w-80' }, cell: ({ row }) => <span className="text-sm break-words">{row.original.message}</span> },
      { accessorKey: 'count', header: 'Count', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.count}</span> },
    ],
    [],
  );
  const description =
    clusterState === 'gone'
      ? 'Its cluster is no longer registered: there are no events to read.'
      : clusterState === 'unreachable'
        ? 'The cluster cannot be read now: its events come back with it.'
        : live
          ? (waiting ?? 'Kubernetes has not reported anything about this job’s Job or pods yet; events appear here as they happen.')
          : 'Kubernetes keeps events for about an hour: this job’s have expired (its status timeline is kept).';
  return (
    <DataTable
      label="Events"
      columns={columns}
      data={events}
      getRowId={(e, i) => `${e.object}/${e.reason}/${e.at}/${i}`}
      filterable
      filterPlaceholder="Filter events…"
      defaultSorting={[{ id: 'at', desc: true }]}
      clientPageSize={50}
      empty={<EmptyState title="No events" description={description} className="border-0" />}
    />
  );
}

'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { EmptyState } from '@/components/ui/empty-state';

export interface EventRow {
  uid: string;
  namespace: string;
  type: string;
  reason: string;
  message: string;
  object: { kind: string; name: string };
  count: number;
  last: string | null;
  source?: string;
}

export function EventsTable({ events }: { events: EventRow[] }) {
  const columns = React.useMemo<ColumnDef<EventRow>[]>(
    () => [
      { id: 'last', accessorFn: (e) => e.last ?? '', header: 'Last seen', cell: ({ row }) => <RelativeTime value={row.original.last} /> },
      { accessorKey: 'type', header: 'Type', cell: ({ row }) => <Badge tone={row.original.type === 'Warning' ? 'warning' : 'neutral'}>{row.original.type}</Badge> },
      { accessorKey: 'reason', header: 'Reason', cell: ({ row }) => <span className="font-medium">{row.original.reason}</span> },
      {
        id: 'object',
        accessorFn: (e) => `${e.namespace}/${e.object.kind}/${e.object.name}`,
        header: 'Object',
        cell: ({ row }) => (
          <span className="font-mono text-xs">
            {row.original.object.kind} {row.original.namespace ? `${row.original.namespace}/` : ''}
            {row.original.object.name}
          </span>
        ),
      },
      { accessorKey: 'message', header: 'Message', cell: ({ row }) => <span className="text-sm">{row.original.message}</span> },
      { accessorKey: 'count', header: 'Count', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.count}</span> },
    ],
    [],
  );
  return (
    <DataTable
      label="Events"
      columns={columns}
      data={events}
      getRowId={(e) => e.uid}
      filterable
      filterPlaceholder="Filter events…"
      defaultSorting={[{ id: 'last', desc: true }]}
      clientPageSize={50}
      empty={<EmptyState title="No events" description="No warning events on this cluster and no events in namespace azureml." />}
    />
  );
}

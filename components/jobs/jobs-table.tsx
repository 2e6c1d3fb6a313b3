'use client';

import * as React from 'react';
import type { ColumnDef, SortingState } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { EmptyState } from '@/components/ui/empty-state';

export type { JobSummaryDto as JobRowDto } from '@/lib/jobs/dto';
import type { JobSummaryDto as JobRowDto } from '@/lib/jobs/dto';

/** Column ids that the server can sort by (the rest are not sortable when the server sorts). */
export const SERVER_SORTABLE = new Set(['name', 'status', 'createdAt']);

export interface JobsTableProps {
  workspace: string;
  jobs: JobRowDto[];
  empty: React.ReactNode;
  /** Rows (by uid) to flash after a live update. */
  highlightedRowIds?: ReadonlySet<string>;
  /**
   * The jobs list page: the server filters and sorts (controlled `sorting`, columns name/status/createdAt),
   * rows are virtual with a fixed height, and `onEndReached` loads the next page. Without it (the workspace
   * home's recent jobs) the table filters and sorts what it is given.
   */
  server?: {
    sorting: SortingState;
    onSortingChange: (sorting: SortingState) => void;
    onEndReached?: () => void;
    footer?: React.ReactNode;
    loading?: boolean;
  };
}

const ROW_HEIGHT = 56;

export function JobsTable({ workspace, jobs, empty, highlightedRowIds, server }: JobsTableProps) {
  const serverSide = !!server;
  const columns = React.useMemo<ColumnDef<JobRowDto>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Job',
        cell: ({ row }) => (
          <div className="max-w-80 min-w-0">
            <div className="truncate font-medium">{row.original.displayName || row.original.name}</div>
            <div className="truncate font-mono text-xs text-muted-foreground">{row.original.name}</div>
          </div>
        ),
      },
      {
        accessorKey: 'status',
        header: 'Status',
        meta: { className: 'max-w-72' },
        cell: ({ row }) => (
          <div className="grid justify-items-start gap-1" data-job-status={row.original.status}>
            <StatusBadge kind="job" status={row.original.status} />
            {row.original.statusMessage ? (
              <span className="block max-w-72 truncate text-xs text-muted-foreground" title={row.original.statusMessage}>
                {row.original.statusMessage}
              </span>
            ) : null}
          </div>
        ),
      },
      { accessorKey: 'type', header: 'Type', enableSorting: !serverSide },
      {
        accessorKey: 'experimentName',
        header: 'Experiment',
        enableSorting: !serverSide,
        cell: ({ row }) => <span className="block max-w-48 truncate">{row.original.experimentName || <span className="text-muted-foreground">—</span>}</span>,
      },
      {
        id: 'compute',
        accessorFn: (j) => `${j.computeTarget} ${j.instanceType}`,
        header: 'Compute',
        enableSorting: !serverSide,
        cell: ({ row }) => (
          <span className="font-mono text-xs whitespace-nowrap">
            {row.original.computeTarget} · {row.original.instanceCount} × {row.original.instanceType}
          </span>
        ),
      },
      {
        accessorKey: 'createdBy',
        header: 'Submitted by',
        enableSorting: !serverSide,
        cell: ({ row }) => <span className="block max-w-56 truncate">{row.original.createdBy ?? <span className="text-muted-foreground">—</span>}</span>,
      },
      { accessorKey: 'createdAt', header: 'Submitted', cell: ({ row }) => <RelativeTime value={row.original.createdAt} /> },
    ],
    [serverSide],
  );
  return (
    <DataTable
      label="Jobs"
      columns={columns}
      data={jobs}
      getRowId={(j) => j.uid}
      rowHref={(j) => `/w/${workspace}/jobs/${encodeURIComponent(j.name)}`}
      filterable={!serverSide}
      filterPlaceholder="Filter jobs…"
      defaultSorting={serverSide ? undefined : [{ id: 'createdAt', desc: true }]}
      sorting={server?.sorting}
      onSortingChange={server?.onSortingChange}
      onEndReached={server?.onEndReached}
      footer={server?.footer}
      loading={server?.loading && jobs.length === 0}
      virtualizeAbove={serverSide ? 0 : undefined}
      rowHeight={serverSide ? ROW_HEIGHT : undefined}
      maxHeight={serverSide ? 720 : undefined}
      highlightedRowIds={highlightedRowIds}
      empty={empty ?? <EmptyState title="No jobs yet" />}
    />
  );
}

'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { EmptyState } from '@/components/ui/empty-state';

export type { JobSummaryDto as JobRowDto } from '@/lib/jobs/dto';
import type { JobSummaryDto as JobRowDto } from '@/lib/jobs/dto';

export interface JobsTableProps {
  workspace: string;
  jobs: JobRowDto[];
  empty: React.ReactNode;
  /** Beside the filter (e.g. the live indicator). */
  toolbar?: React.ReactNode;
  /** Rows (by uid) to flash after a live update. */
  highlightedRowIds?: ReadonlySet<string>;
}

export function JobsTable({ workspace, jobs, empty, toolbar, highlightedRowIds }: JobsTableProps) {
  const columns = React.useMemo<ColumnDef<JobRowDto>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Job',
        cell: ({ row }) => (
          <div>
            <div className="font-medium">{row.original.displayName || row.original.name}</div>
            <div className="font-mono text-xs text-muted-foreground">{row.original.name}</div>
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
              <span className="line-clamp-2 text-xs text-muted-foreground" title={row.original.statusMessage}>
                {row.original.statusMessage}
              </span>
            ) : null}
          </div>
        ),
      },
      { accessorKey: 'type', header: 'Type' },
      { accessorKey: 'experimentName', header: 'Experiment', cell: ({ row }) => row.original.experimentName || <span className="text-muted-foreground">—</span> },
      {
        id: 'compute',
        accessorFn: (j) => `${j.computeTarget} ${j.instanceType}`,
        header: 'Compute',
        cell: ({ row }) => (
          <span className="font-mono text-xs">
            {row.original.computeTarget} · {row.original.instanceCount} × {row.original.instanceType}
          </span>
        ),
      },
      { accessorKey: 'createdBy', header: 'Submitted by', cell: ({ row }) => row.original.createdBy ?? <span className="text-muted-foreground">—</span> },
      { accessorKey: 'createdAt', header: 'Submitted', cell: ({ row }) => <RelativeTime value={row.original.createdAt} /> },
    ],
    [],
  );
  return (
    <DataTable
      label="Jobs"
      columns={columns}
      data={jobs}
      getRowId={(j) => j.uid}
      rowHref={(j) => `/w/${workspace}/jobs/${encodeURIComponent(j.name)}`}
      filterable
      filterPlaceholder="Filter jobs…"
      defaultSorting={[{ id: 'createdAt', desc: true }]}
      toolbar={toolbar}
      highlightedRowIds={highlightedRowIds}
      empty={empty ?? <EmptyState title="No jobs yet" />}
    />
  );
}

'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { EmptyState } from '@/components/ui/empty-state';
import { CreateWorkspaceDialog } from './create-workspace-dialog';

export interface WorkspaceRowDto {
  name: string;
  displayName: string;
  description: string;
  status: string;
  createdAt: string;
  members?: number;
}

export function WorkspacesTable({ workspaces, canManage }: { workspaces: WorkspaceRowDto[]; canManage: boolean }) {
  const columns = React.useMemo<ColumnDef<WorkspaceRowDto>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Workspace',
        cell: ({ row }) => (
          <div>
            <div className="font-medium">{row.original.displayName || row.original.name}</div>
            <div className="font-mono text-xs text-muted-foreground">{row.original.name}</div>
          </div>
        ),
      },
      { accessorKey: 'description', header: 'Description', cell: ({ getValue }) => <span className="text-sm text-muted-foreground">{String(getValue() || '—')}</span> },
      { accessorKey: 'members', header: 'Members', meta: { align: 'right' }, cell: ({ getValue }) => <span className="tabular-nums">{Number(getValue() ?? 0)}</span> },
      {
        accessorKey: 'status',
        header: 'Status',
        cell: ({ getValue }) => (getValue() === 'archived' ? <Badge tone="neutral">Archived</Badge> : <Badge tone="success">Active</Badge>),
      },
      { accessorKey: 'createdAt', header: 'Created', cell: ({ getValue }) => <RelativeTime value={String(getValue())} /> },
    ],
    [],
  );
  return (
    <DataTable
      label="Workspaces"
      columns={columns}
      data={workspaces}
      getRowId={(w) => w.name}
      rowHref={(w) => `/ops/workspaces/${w.name}`}
      filterable
      filterPlaceholder="Filter workspaces…"
      empty={
        <EmptyState
          title="No workspaces yet"
          description="A workspace groups a team's members, compute targets and work. Create one, then add data scientists to it."
          action={canManage ? <CreateWorkspaceDialog /> : undefined}
        />
      }
    />
  );
}

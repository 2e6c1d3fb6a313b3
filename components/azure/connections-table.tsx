'use client';

import * as React from 'react';
import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { Cloud } from 'lucide-react';
import { DataTable } from '@/components/ui/data-table';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import type { AzureConnectionView } from '@/server/services/azure-pages';
import { DeleteConnectionButton, TestConnectionButton } from './connection-actions';

type AzureConnectionRowDto = AzureConnectionView;

/** Linked workspaces and clusters whose credentials come through the connection, as links. */
export function UsedBy({ usedBy, empty = '—' }: { usedBy: AzureConnectionRowDto['usedBy']; empty?: string }) {
  if (!usedBy.workspaces.length && !usedBy.clusters.length) return <span className="text-muted-foreground">{empty}</span>;
  return (
    <div className="flex flex-wrap gap-1">
      {usedBy.workspaces.map((w) => (
        <Link key={`w-${w}`} href={`/ops/workspaces/${w}`} className="rounded-md hover:underline">
          <Badge tone="info">workspace {w}</Badge>
        </Link>
      ))}
      {usedBy.clusters.map((c) => (
        <Link key={`c-${c}`} href={`/ops/clusters/${c}`} className="rounded-md hover:underline">
          <Badge tone="accent">cluster {c}</Badge>
        </Link>
      ))}
    </div>
  );
}

/** Ops → Azure: the connections, who uses each, and (ops admins) Test and Delete. */
export function ConnectionsTable({ connections, canManage, emptyAction }: { connections: AzureConnectionRowDto[]; canManage: boolean; emptyAction?: React.ReactNode }) {
  const columns = React.useMemo<ColumnDef<AzureConnectionRowDto>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Connection',
        cell: ({ row }) => (
          <div>
            <div className="font-mono font-medium whitespace-nowrap">{row.original.name}</div>
            <div className="text-xs text-muted-foreground">{row.original.kindLabel}</div>
          </div>
        ),
      },
      {
        accessorKey: 'tenantId',
        header: 'Identity and endpoint',
        // Three ids in one column so the table fits a 1024 px screen; each labelled, none wrapped.
        cell: ({ row }) => (
          <dl className="grid grid-cols-[auto_1fr] gap-x-2 text-xs">
            <dt className="whitespace-nowrap text-muted-foreground">tenant</dt>
            <dd className="font-mono whitespace-nowrap">{row.original.tenantId}</dd>
            <dt className="whitespace-nowrap text-muted-foreground">client id</dt>
            <dd className="font-mono whitespace-nowrap">{row.original.clientId ?? '—'}</dd>
            <dt className="whitespace-nowrap text-muted-foreground">ARM</dt>
            <dd className="font-mono whitespace-nowrap">
              {row.original.armEndpoint}
              {row.original.privateCa ? <Badge className="ml-1">private CA</Badge> : null}
            </dd>
          </dl>
        ),
      },
      { id: 'usedBy', header: 'Used by', enableSorting: false, cell: ({ row }) => <UsedBy usedBy={row.original.usedBy} /> },
      ...(canManage
        ? [
            {
              id: 'actions',
              header: () => <span className="sr-only">Actions</span>,
              enableSorting: false,
              meta: { align: 'right' as const },
              cell: ({ row }: { row: { original: AzureConnectionRowDto } }) => (
                // Dialogs render in portals, whose clicks bubble through React to the row: keep them from opening the row.
                <div className="flex justify-end gap-2" onClick={(e) => e.stopPropagation()}>
                  <TestConnectionButton name={row.original.name} compact />
                  <DeleteConnectionButton name={row.original.name} usedBy={row.original.usedBy} compact />
                </div>
              ),
            } satisfies ColumnDef<AzureConnectionRowDto>,
          ]
        : []),
    ],
    [canManage],
  );
  return (
    <DataTable
      label="Azure connections"
      columns={columns}
      data={connections}
      getRowId={(c) => c.name}
      rowHref={(c) => `/ops/azure/${c.name}`}
      linkColumnId="name"
      empty={
        <EmptyState
          icon={Cloud}
          title="No Azure connections yet"
          description={canManage ? 'Add a connection — a service principal, a managed identity or the signed-in user — to discover AKS and Arc clusters and link workspaces to Azure ML.' : 'An ops admin adds Azure connections here.'}
          action={emptyAction}
        />
      }
    />
  );
}

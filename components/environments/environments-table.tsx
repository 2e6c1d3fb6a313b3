'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { Trash2 } from 'lucide-react';
import { toast } from 'sonner';
import { DataTable } from '@/components/ui/data-table';
import { RelativeTime } from '@/components/ui/relative-time';
import { MonoText } from '@/components/ui/mono-text';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { useAction } from '@/components/forms/use-action';

export interface EnvironmentRowDto {
  name: string;
  version: string;
  reference: string;
  image: string;
  condaFile: string | null;
  description: string;
  createdAt: string;
  createdBy: string | null;
}

/** A workspace's environments: name:version → image, with the conda file it was built from when recorded. */
export function EnvironmentsTable({ workspace, items, canManage, empty }: { workspace: string; items: EnvironmentRowDto[]; canManage: boolean; empty?: React.ReactNode }) {
  const columns = React.useMemo<ColumnDef<EnvironmentRowDto>[]>(
    () => [
      {
        id: 'reference',
        accessorFn: (e) => `${e.name}:${e.version}`,
        header: 'Environment',
        cell: ({ row }) => (
          <div>
            <div className="font-medium">
              {row.original.name}
              <span className="text-muted-foreground">@{row.original.version}</span>
            </div>
            <div className="font-mono text-xs text-muted-foreground">{row.original.reference}</div>
          </div>
        ),
      },
      { accessorKey: 'image', header: 'Image', cell: ({ row }) => <MonoText value={row.original.image} copyLabel={`Copy image of ${row.original.name}:${row.original.version}`} /> },
      {
        id: 'conda',
        header: 'Conda',
        enableSorting: false,
        cell: ({ row }) =>
          row.original.condaFile ? (
            <details>
              <summary className="cursor-pointer text-xs">conda file</summary>
              <pre className="mt-1 max-h-48 max-w-md overflow-auto rounded bg-muted p-2 font-mono text-xs">{row.original.condaFile}</pre>
            </details>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
      { accessorKey: 'description', header: 'Description', cell: ({ row }) => row.original.description || <span className="text-muted-foreground">—</span> },
      { accessorKey: 'createdAt', header: 'Registered', cell: ({ row }) => <span><RelativeTime value={row.original.createdAt} />{row.original.createdBy ? ` by ${row.original.createdBy}` : ''}</span> },
      ...(canManage
        ? [
            {
              id: 'actions',
              header: () => <span className="sr-only">Actions</span>,
              enableSorting: false,
              cell: ({ row }: { row: { original: EnvironmentRowDto } }) => <DeleteEnvironment workspace={workspace} env={row.original} />,
            } satisfies ColumnDef<EnvironmentRowDto>,
          ]
        : []),
    ],
    [canManage, workspace],
  );
  return (
    <DataTable
      label="Environments"
      columns={columns}
      data={items}
      getRowId={(e) => e.reference}
      filterable
      filterPlaceholder="Filter environments…"
      empty={empty ?? <EmptyState title="No environments yet" />}
    />
  );
}

function DeleteEnvironment({ workspace, env }: { workspace: string; env: EnvironmentRowDto }) {
  const del = useAction('environments.delete');
  return (
    <ConfirmDialog
      action="Delete environment"
      objectName={`${env.name}:${env.version}`}
      consequence="Jobs that already ran keep their image; new jobs that name this version are refused."
      onConfirm={async () => {
        const r = await del.run({ workspace, name: env.name, version: env.version });
        if (!r.ok) throw new Error(r.error.detail);
        toast.success(`Environment ${env.name}:${env.version} deleted`);
      }}
      trigger={
        <Button variant="ghost" size="icon-sm" aria-label={`Delete ${env.name}:${env.version}`}>
          <Trash2 aria-hidden />
        </Button>
      }
    />
  );
}

'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { Cpu, Plus } from 'lucide-react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DataTable } from '@/components/ui/data-table';
import { DropdownMenuItem } from '@/components/ui/dropdown-menu';
import { EmptyState } from '@/components/ui/empty-state';
import { MoreActionsMenu } from '@/components/ui/more-actions-menu';
import { useAction } from '@/components/forms/use-action';
import type { InstanceTypeSpec } from '@/lib/domain';
import { FitSummary, FitWarnings, sizeText } from './fit-summary';
import { InstanceTypeDialog } from './instance-type-dialog';
import type { InstanceTypeView } from './types';

export interface InstanceTypesPanelProps {
  items: InstanceTypeView[];
  /** Clusters new instance types can go to (ops admins); empty: read-only. */
  clusters: string[];
  canManage: boolean;
  /** Show the cluster column (all-clusters page). */
  showCluster?: boolean;
}

const specOf = (it: InstanceTypeView): InstanceTypeSpec => ({ name: it.name, nodeSelector: it.nodeSelector, resources: it.resources });

/** Instance types with their sizes and live fit; ops admins create, edit (form or YAML) and delete them. */
export function InstanceTypesPanel({ items, clusters, canManage, showCluster = false }: InstanceTypesPanelProps) {
  const [creating, setCreating] = React.useState(false);
  const [editing, setEditing] = React.useState<{ cluster: string; spec: InstanceTypeSpec } | null>(null);
  const [deleting, setDeleting] = React.useState<{ cluster: string; name: string } | null>(null);
  const remove = useAction<{ message: string }>('instancetypes.delete');
  const clusterOf = (it: InstanceTypeView) => it.cluster ?? clusters[0] ?? '';

  const columns = React.useMemo<ColumnDef<InstanceTypeView>[]>(() => {
    const cols: ColumnDef<InstanceTypeView>[] = [
      {
        accessorKey: 'name',
        header: 'Name',
        cell: ({ row }) => (
          <span className="flex flex-wrap items-center gap-1.5">
            <span className="font-mono text-sm">{row.original.name}</span>
            {row.original.implicit ? <Badge tone="outline" title="Azure ML's built-in default: not a custom resource until someone overrides it">implicit default</Badge> : null}
            {row.original.managedBy === 'other' ? <Badge tone="neutral" title="Created outside Harbormaster (kubectl, Azure ML)">external</Badge> : null}
          </span>
        ),
      },
    ];
    if (showCluster) cols.push({ id: 'cluster', accessorFn: (i) => i.cluster ?? '', header: 'Cluster', cell: ({ row }) => <span className="font-mono text-xs">{row.original.cluster}</span> });
    cols.push(
      { id: 'requests', accessorFn: (i) => i.fit.requests.cpu, header: 'Requests', cell: ({ row }) => <span className="text-xs tabular-nums">{sizeText(row.original.fit.requests)}</span> },
      { id: 'limits', accessorFn: (i) => i.fit.limits.gpu * 1000 + i.fit.limits.cpu, header: 'Limits', cell: ({ row }) => <span className="text-xs tabular-nums">{sizeText(row.original.fit.limits)}</span> },
      {
        id: 'selector',
        accessorFn: (i) => Object.entries(i.nodeSelector).map(([k, v]) => `${k}=${v}`).join(','),
        header: 'Node selector',
        cell: ({ row }) => {
          const sel = Object.entries(row.original.nodeSelector);
          return sel.length ? <span className="font-mono text-xs">{sel.map(([k, v]) => `${k}=${v}`).join(', ')}</span> : <span className="text-muted-foreground">any node</span>;
        },
      },
      { id: 'fit', accessorFn: (i) => i.fit.availableNow, header: 'Fits', meta: { className: 'min-w-48' }, cell: ({ row }) => <FitSummary fit={row.original.fit} compact /> },
      { id: 'warnings', accessorFn: (i) => i.fit.warnings.length, header: 'Warnings', meta: { className: 'max-w-md' }, cell: ({ row }) => (row.original.fit.warnings.length ? <FitWarnings fit={row.original.fit} /> : <span className="text-muted-foreground">—</span>) },
    );
    if (canManage) {
      cols.push({
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        enableSorting: false,
        cell: ({ row }) => (
          <MoreActionsMenu label={`Actions for ${row.original.name}`}>
            <DropdownMenuItem onSelect={() => setEditing({ cluster: clusterOf(row.original), spec: specOf(row.original) })}>{row.original.implicit ? 'Override…' : 'Edit…'}</DropdownMenuItem>
            {!row.original.implicit ? (
              <DropdownMenuItem destructive onSelect={() => setDeleting({ cluster: clusterOf(row.original), name: row.original.name })}>Delete…</DropdownMenuItem>
            ) : null}
          </MoreActionsMenu>
        ),
      });
    }
    return cols;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [canManage, showCluster, clusters]);

  return (
    <div className="grid gap-3">
      {canManage && clusters.length ? (
        <div className="flex justify-end">
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden className="size-4" /> New instance type
          </Button>
        </div>
      ) : null}
      <DataTable
        label="Instance types"
        columns={columns}
        data={items}
        getRowId={(i) => `${i.cluster ?? ''}/${i.name}`}
        filterable
        filterPlaceholder="Filter instance types…"
        empty={<EmptyState icon={Cpu} title="No instance types" description="Connect a cluster and install the ML extension: defaultinstancetype then appears here." />}
      />
      {canManage ? (
        <>
          <InstanceTypeDialog clusters={clusters} open={creating} onOpenChange={setCreating} />
          <InstanceTypeDialog clusters={clusters} editing={editing ?? undefined} open={!!editing} onOpenChange={(o) => !o && setEditing(null)} />
          <ConfirmDialog
            open={!!deleting}
            onOpenChange={(o) => !o && setDeleting(null)}
            action="Delete instance type"
            objectName={deleting?.name ?? ''}
            consequence={deleting?.name === 'defaultinstancetype'
              ? 'The override is deleted: Azure ML’s implicit default (100m CPU / 2Gi requests, 2 CPU / 2Gi limits) applies again.'
              : `The InstanceType is deleted from ${deleting?.cluster}. Refused while a compute target allows it or uses it as its default; running workloads are not affected.`}
            confirmLabel="Delete"
            onConfirm={async () => {
              if (!deleting) return;
              const r = await remove.run(deleting);
              if (!r.ok) throw new Error(r.error.detail);
              toast.success(r.data.message);
            }}
          />
        </>
      ) : null}
    </div>
  );
}

'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { Badge } from '@/components/ui/badge';
import { CapacityBar } from '@/components/ui/capacity-bar';

export interface NodeRow {
  name: string;
  pool: string | null;
  ready: boolean;
  notReadyReason: string | null;
  unschedulable: boolean;
  taints: Array<{ key: string; value?: string; effect: string }>;
  architecture: string | null;
  kubeletVersion: string | null;
  allocatable: { cpu: number; memory: number; gpu: number };
  requested: { cpu: number; memory: number; gpu: number };
  pods: number;
}

export function NodesTable({ nodes }: { nodes: NodeRow[] }) {
  const columns = React.useMemo<ColumnDef<NodeRow>[]>(
    () => [
      { accessorKey: 'name', header: 'Node', cell: ({ row }) => <span className="font-mono text-sm">{row.original.name}</span> },
      { id: 'pool', accessorFn: (n) => n.pool ?? '', header: 'Pool', cell: ({ row }) => <span className="font-mono text-xs">{row.original.pool ?? '—'}</span> },
      {
        id: 'state',
        accessorFn: (n) => (n.ready ? (n.unschedulable ? 'cordoned' : 'Ready') : 'NotReady'),
        header: 'State',
        cell: ({ row }) =>
          row.original.ready ? (
            row.original.unschedulable ? <Badge tone="warning">Ready · cordoned</Badge> : <Badge tone="success">Ready</Badge>
          ) : (
            <Badge tone="danger" title={row.original.notReadyReason ?? undefined}>NotReady</Badge>
          ),
      },
      { id: 'cpu', accessorFn: (n) => n.allocatable.cpu, header: 'CPU', meta: { className: 'min-w-40' }, cell: ({ row }) => <CapacityBar kind="cpu" allocatable={row.original.allocatable.cpu} requested={row.original.requested.cpu} /> },
      { id: 'memory', accessorFn: (n) => n.allocatable.memory, header: 'Memory', meta: { className: 'min-w-40' }, cell: ({ row }) => <CapacityBar kind="memory" allocatable={row.original.allocatable.memory} requested={row.original.requested.memory} /> },
      {
        id: 'gpu',
        accessorFn: (n) => n.allocatable.gpu,
        header: 'GPU',
        meta: { className: 'min-w-32' },
        cell: ({ row }) => (row.original.allocatable.gpu ? <CapacityBar kind="gpu" allocatable={row.original.allocatable.gpu} requested={row.original.requested.gpu} /> : <span className="text-muted-foreground">—</span>),
      },
      { accessorKey: 'pods', header: 'Pods', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.pods}</span> },
      {
        id: 'taints',
        accessorFn: (n) => n.taints.map((t) => t.key).join(','),
        header: 'Taints',
        cell: ({ row }) => <span className="font-mono text-xs">{row.original.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '—'}</span>,
      },
    ],
    [],
  );
  return <DataTable label="Nodes" columns={columns} data={nodes} getRowId={(n) => n.name} filterable filterPlaceholder="Filter nodes…" defaultSorting={[{ id: 'pool', desc: false }]} />;
}

'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { KIND_LABELS, LOCATION_LABELS, type ClusterKind, type ClusterLocation } from '@/lib/clusters/schemas';
import { ClusterTotals } from './pool-capacity';

export interface ClusterRowDto {
  name: string;
  displayName: string;
  kind: string;
  location: string;
  region: string;
  status: string;
  statusReason: string | null;
  version: string | null;
  versionSupported: boolean | null;
  nodes: { total: number; ready: number } | null;
  pools: Array<{ name: string }>;
  totals: { allocatable: { cpu: number; memory: number; gpu: number }; requested: { cpu: number; memory: number; gpu: number } };
  extension: { flavor: string; status: string; version: string | null };
  checks: { errors: number; warnings: number };
  live: boolean;
}

export function ExtensionBadge({ extension }: { extension: { flavor: string; status: string; version: string | null } }) {
  if (extension.flavor === 'azureml') return <StatusBadge kind="extension" status="installed" detail="Azure ML" />;
  return <StatusBadge kind="extension" status={extension.status} detail={extension.status === 'installed' && extension.version ? `v${extension.version}` : undefined} />;
}

export interface ClustersTableProps {
  clusters: ClusterRowDto[];
  empty?: React.ReactNode;
  /** Beside the filter (e.g. the live indicator). */
  toolbar?: React.ReactNode;
  /** Rows (by name) to flash after a live update. */
  highlightedRowIds?: ReadonlySet<string>;
}

export function ClustersTable({ clusters, empty, toolbar, highlightedRowIds }: ClustersTableProps) {
  const columns = React.useMemo<ColumnDef<ClusterRowDto>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Cluster',
        cell: ({ row }) => (
          <div className="grid gap-0.5">
            <span className="font-medium">{row.original.displayName || row.original.name}</span>
            <span className="font-mono text-xs text-muted-foreground">{row.original.name}</span>
          </div>
        ),
      },
      {
        id: 'location',
        accessorFn: (c) => `${c.location} ${c.region}`,
        header: 'Location',
        cell: ({ row }) => (
          <div className="grid gap-0.5 text-sm">
            <span>{LOCATION_LABELS[row.original.location as ClusterLocation] ?? row.original.location}{row.original.region ? ` · ${row.original.region}` : ''}</span>
            <span className="text-xs text-muted-foreground">{KIND_LABELS[row.original.kind as ClusterKind] ?? row.original.kind}</span>
          </div>
        ),
      },
      {
        accessorKey: 'status',
        header: 'Health',
        cell: ({ row }) => (
          <div className="grid justify-items-start gap-1">
            <StatusBadge kind="cluster" status={row.original.status} detail={row.original.status === 'Unreachable' ? row.original.statusReason : undefined} />
            {row.original.status !== 'Unreachable' && (row.original.checks.errors || row.original.checks.warnings) ? (
              <span className="text-xs text-muted-foreground">
                {row.original.checks.errors ? `${row.original.checks.errors} error${row.original.checks.errors === 1 ? '' : 's'}` : ''}
                {row.original.checks.errors && row.original.checks.warnings ? ' · ' : ''}
                {row.original.checks.warnings ? `${row.original.checks.warnings} warning${row.original.checks.warnings === 1 ? '' : 's'}` : ''}
              </span>
            ) : null}
          </div>
        ),
      },
      {
        accessorKey: 'version',
        header: 'Version',
        cell: ({ row }) =>
          row.original.version ? (
            <span className="inline-flex items-center gap-1.5">
              <span className="font-mono text-sm">{row.original.version}</span>
              {row.original.versionSupported === false && <Badge tone="warning">unsupported</Badge>}
            </span>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
      {
        id: 'capacity',
        accessorFn: (c) => c.totals.allocatable.cpu,
        header: 'Capacity (requested vs allocatable)',
        meta: { className: 'min-w-64' },
        cell: ({ row }) =>
          row.original.pools.length ? (
            <div className="grid gap-1">
              <ClusterTotals totals={row.original.totals} />
              <span className="text-xs text-muted-foreground">
                {row.original.pools.length} pool{row.original.pools.length === 1 ? '' : 's'}
                {row.original.nodes ? ` · ${row.original.nodes.ready} of ${row.original.nodes.total} nodes Ready` : ''}
                {!row.original.live ? ' · from the last check' : ''}
              </span>
            </div>
          ) : (
            <span className="text-muted-foreground">unknown</span>
          ),
      },
      {
        id: 'extension',
        accessorFn: (c) => c.extension.status,
        header: 'ML extension',
        cell: ({ row }) => <ExtensionBadge extension={row.original.extension} />,
      },
    ],
    [],
  );
  return (
    <DataTable
      label="Clusters"
      columns={columns}
      data={clusters}
      getRowId={(c) => c.name}
      rowHref={(c) => `/ops/clusters/${c.name}`}
      filterable
      filterPlaceholder="Filter clusters…"
      defaultSorting={[{ id: 'name', desc: false }]}
      toolbar={toolbar}
      highlightedRowIds={highlightedRowIds}
      empty={empty ?? <EmptyState title="No clusters" description="Register a cluster to run ML work on it." />}
    />
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import type { OnlineDeploymentDto } from '@/lib/endpoints/spec';

// An endpoint's deployments: state (with the first reason when there is one), ready of desired replicas,
// instance type, model, image and share of traffic; each row opens the deployment.

export function DeploymentModel({ workspace, model }: { workspace: string; model: OnlineDeploymentDto['model'] }) {
  if (!model) return <span className="text-muted-foreground">—</span>;
  if ('path' in model) return <span className="block max-w-56 truncate font-mono text-xs" title={model.path}>{model.path}</span>;
  return (
    <Link href={`/w/${encodeURIComponent(workspace)}/models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(model.version)}`} className="font-mono text-xs whitespace-nowrap underline-offset-4 hover:underline">
      {model.name}:{model.version}
    </Link>
  );
}

export function DeploymentsTable({ workspace, endpoint, deployments, loading, highlighted, empty }: { workspace: string; endpoint: string; deployments: OnlineDeploymentDto[]; loading?: boolean; highlighted?: ReadonlySet<string>; empty: React.ReactNode }) {
  const columns = React.useMemo<ColumnDef<OnlineDeploymentDto>[]>(
    () => [
      { accessorKey: 'name', header: 'Deployment', cell: ({ row }) => <span className="font-mono font-medium">{row.original.name}</span> },
      {
        accessorKey: 'state',
        header: 'State',
        cell: ({ row }) => {
          const d = row.original;
          const reason = d.reasons[0];
          return (
            <span className="grid justify-items-start gap-0.5">
              <StatusBadge kind="deployment" status={d.state} detail={reason?.code} title={reason?.message} />
              {reason && <span className="block max-w-72 truncate text-xs text-muted-foreground" title={reason.message}>{reason.message}</span>}
            </span>
          );
        },
      },
      {
        id: 'replicas',
        accessorFn: (d) => d.readyReplicas,
        header: 'Ready',
        meta: { align: 'right' },
        cell: ({ row }) => <span className="tabular-nums" title={`${row.original.readyReplicas} of ${row.original.desiredReplicas} replicas ready`}>{row.original.readyReplicas} / {row.original.desiredReplicas}</span>,
      },
      { accessorKey: 'instanceType', header: 'Instance type', cell: ({ row }) => <span className="font-mono text-xs">{row.original.instanceType}</span> },
      { id: 'model', header: 'Model', enableSorting: false, cell: ({ row }) => <DeploymentModel workspace={workspace} model={row.original.model} /> },
      { accessorKey: 'image', header: 'Image', cell: ({ row }) => <span className="block max-w-64 truncate font-mono text-xs" title={row.original.image}>{row.original.image}</span> },
      { accessorKey: 'trafficPercent', header: 'Traffic', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.trafficPercent} %</span> },
    ],
    [workspace],
  );
  return (
    <DataTable
      label="Deployments"
      columns={columns}
      data={deployments}
      getRowId={(d) => d.name}
      rowHref={(d) => `/w/${encodeURIComponent(workspace)}/endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(d.name)}`}
      defaultSorting={[{ id: 'name', desc: false }]}
      loading={loading}
      highlightedRowIds={highlighted}
      empty={empty}
    />
  );
}

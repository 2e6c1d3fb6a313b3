'use client';

import * as React from 'react';
import Link from 'next/link';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Archive, Database, FlaskConical, Package, Rocket, Unplug } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { ReadOnlyFlow } from '@/components/ui/read-only-flow';
import { StatusBadge } from '@/components/ui/status-badge';
import { cn } from '@/lib/utils';
import { NODE_HEIGHT, type LineageGraph, type LineageNode, type LineageNodeKind } from './lineage';

// The lineage graph, drawn with @xyflow/react (loaded lazily: lazy-lineage-graph.tsx). Read-only: nothing to
// drag or connect; every node that has a page is a link (keyboard: Tab reaches the links). Colours come from
// the console's tokens, so it follows light and dark.

const ICONS: Record<LineageNodeKind, typeof Package> = { job: FlaskConical, source: Database, model: Package, deployment: Rocket, 'no-deployments': Unplug };
const KIND_LABEL: Record<LineageNodeKind, string> = { job: 'Job', source: 'Registered from', model: 'Model version', deployment: 'Deployment', 'no-deployments': 'Deployments' };

function LineageNodeView({ data, id }: NodeProps<LineageNode>) {
  const Icon = ICONS[data.kind];
  const title = (
    <span className={cn('block truncate font-mono text-[0.8125rem] font-medium', data.gone && 'text-muted-foreground line-through')} title={data.title}>
      {data.title}
    </span>
  );
  return (
    <div
      data-lineage-node={data.kind}
      className={cn(
        'flex h-full w-full flex-col justify-center gap-1 rounded-lg border bg-surface px-3 py-2 text-left text-foreground shadow-xs',
        data.kind === 'model' ? 'border-accent ring-1 ring-accent/40' : 'border-border',
        data.kind === 'no-deployments' && 'border-dashed bg-muted/40',
        data.href && 'cursor-pointer hover:border-accent',
      )}
    >
      {id !== 'job' && id !== 'source' && <Handle type="target" position={Position.Left} isConnectable={false} className="!size-1.5 !min-h-0 !min-w-0 !border-0 !bg-muted-foreground" />}
      <span className="flex items-center gap-1.5 text-xs text-muted-foreground">
        <Icon aria-hidden className="size-3.5 shrink-0" />
        {KIND_LABEL[data.kind]}
        {data.kind === 'job' && data.status && !data.gone && <StatusBadge kind="job" status={data.status} className="ml-auto" />}
        {data.gone && <span className="ml-auto font-medium">record deleted</span>}
        {data.archived && (
          <Badge tone="neutral" className="ml-auto">
            <Archive aria-hidden /> Archived
          </Badge>
        )}
      </span>
      {data.href ? (
        <Link href={data.href} className="nodrag nopan min-w-0 rounded-sm hover:underline underline-offset-4" aria-label={`${KIND_LABEL[data.kind]} ${data.title}`}>
          {title}
        </Link>
      ) : (
        title
      )}
      {data.subtitle && (
        <span className="block truncate text-xs text-muted-foreground" title={data.subtitle}>
          {data.subtitle}
        </span>
      )}
      {data.kind !== 'deployment' && data.kind !== 'no-deployments' && <Handle type="source" position={Position.Right} isConnectable={false} className="!size-1.5 !min-h-0 !min-w-0 !border-0 !bg-muted-foreground" />}
    </div>
  );
}

const nodeTypes = { lineage: LineageNodeView };

export function LineageGraphView({ graph, label }: { graph: LineageGraph; label: string }) {
  const rows = Math.max(1, ...graph.nodes.map((n) => Math.round(n.position.y / (NODE_HEIGHT + 24)) + 1));
  const height = Math.max(160, rows * (NODE_HEIGHT + 24) + 64);
  const edges = React.useMemo(
    () =>
      graph.edges.map((e) => ({
        ...e,
        labelStyle: { fill: 'var(--foreground)', fontSize: 11 },
        labelBgStyle: { fill: 'var(--surface)' },
        labelBgPadding: [4, 2] as [number, number],
        style: { stroke: 'var(--muted-foreground)', strokeWidth: 1.25, ...e.style },
      })),
    [graph.edges],
  );
  return <ReadOnlyFlow nodes={graph.nodes} edges={edges} nodeTypes={nodeTypes} label={label} testId="lineage-graph" height={height} padding={0.12} />;
}

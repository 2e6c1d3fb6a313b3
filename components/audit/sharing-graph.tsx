'use client';

import * as React from 'react';
import Link from 'next/link';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Boxes, FolderKanban, Server, TriangleAlert } from 'lucide-react';
import type { SharingMapDto } from '@/lib/audit/sharing';
import { Badge } from '@/components/ui/badge';
import { ReadOnlyFlow } from '@/components/ui/read-only-flow';
import { cn } from '@/lib/utils';
import { GRAPH_NODE_HEIGHT, sharingGraph, type SharingNode, type SharingNodeKind } from './sharing-model';

// The sharing map as a graph, cluster → compute target → workspace, drawn with @xyflow/react (loaded lazily:
// sharing-graph-lazy.tsx). Read-only; every node links to its page (Tab reaches the links). The matrix is the
// table alternative of the same data.

const ICONS: Record<SharingNodeKind, typeof Server> = { cluster: Server, target: Boxes, workspace: FolderKanban };
const KIND_LABEL: Record<SharingNodeKind, string> = { cluster: 'Cluster', target: 'Compute target', workspace: 'Workspace' };

function SharingNodeView({ data }: NodeProps<SharingNode>) {
  const Icon = ICONS[data.kind];
  return (
    <div
      data-sharing-node={data.kind}
      className={cn(
        'flex h-full w-full flex-col justify-center gap-0.5 rounded-lg border bg-surface px-3 py-1.5 text-left text-foreground shadow-xs',
        data.kind === 'target' ? 'border-accent/60' : 'border-border',
        data.href && 'cursor-pointer hover:border-accent',
      )}
    >
      {data.kind !== 'cluster' && <Handle type="target" position={Position.Left} isConnectable={false} className="!size-1.5 !min-h-0 !min-w-0 !border-0 !bg-muted-foreground" />}
      <span className="flex items-center gap-1.5 text-xs text-muted-foreground">
        <Icon aria-hidden className="size-3.5 shrink-0" />
        {KIND_LABEL[data.kind]}
        {data.flags ? (
          <Badge tone="warning" className="ml-auto px-1 py-0">
            <TriangleAlert aria-hidden /> {data.flags} flag{data.flags === 1 ? '' : 's'}
          </Badge>
        ) : null}
      </span>
      {data.href ? (
        <Link href={data.href} className="nodrag nopan min-w-0 truncate rounded-sm font-mono text-[0.8125rem] font-medium hover:underline underline-offset-4" aria-label={`${KIND_LABEL[data.kind]} ${data.title}`} title={data.title}>
          {data.title}
        </Link>
      ) : (
        <span className="truncate font-mono text-[0.8125rem] font-medium">{data.title}</span>
      )}
      {data.subtitle && (
        <span className="block truncate text-xs text-muted-foreground" title={data.subtitle}>
          {data.subtitle}
        </span>
      )}
      {data.kind !== 'workspace' && <Handle type="source" position={Position.Right} isConnectable={false} className="!size-1.5 !min-h-0 !min-w-0 !border-0 !bg-muted-foreground" />}
    </div>
  );
}

const nodeTypes = { sharing: SharingNodeView };

export function SharingGraphView({ map }: { map: SharingMapDto }) {
  const graph = React.useMemo(() => sharingGraph(map), [map]);
  const height = Math.min(900, Math.max(200, graph.rows * (GRAPH_NODE_HEIGHT + 20) + 64));
  const edges = React.useMemo(() => graph.edges.map((e) => ({ ...e, style: { stroke: 'var(--muted-foreground)', strokeWidth: 1.25 } })), [graph.edges]);
  return (
    <ReadOnlyFlow
      nodes={graph.nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      label="Sharing graph: clusters, their compute targets and the workspaces they serve"
      testId="sharing-graph"
      height={height}
      padding={0.08}
      minZoom={0.3}
      className="rounded-lg"
    />
  );
}

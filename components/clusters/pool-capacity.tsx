import * as React from 'react';
import { CapacityBar } from '@/components/ui/capacity-bar';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/lib/utils';

export interface PoolCapacityData {
  name: string;
  nodes: number;
  readyNodes: number;
  allocatable: { cpu: number; memory: number; gpu: number };
  requested: { cpu: number; memory: number; gpu: number };
  instanceTypes?: string[];
  gpuModel?: string;
  zones?: string[];
  architectures?: string[];
  taints?: string[];
}

/** One pool: requested vs allocatable for CPU, memory and (when it has any) GPU, drawn as bars. */
export function PoolCapacity({ pool, compact = false, className }: { pool: PoolCapacityData; compact?: boolean; className?: string }) {
  const notReady = pool.nodes - pool.readyNodes;
  return (
    <div className={cn('grid gap-2', className)}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-medium">{pool.name}</span>
        <span className="text-xs text-muted-foreground tabular-nums">
          {pool.nodes} node{pool.nodes === 1 ? '' : 's'}
          {notReady > 0 && <span className="text-danger-text"> · {notReady} NotReady</span>}
        </span>
        {!compact && pool.instanceTypes?.map((t) => <Badge key={t} tone="neutral" className="font-mono">{t}</Badge>)}
        {!compact && pool.architectures?.filter((a) => a !== 'amd64').map((a) => <Badge key={a} tone="info">{a}</Badge>)}
      </div>
      <CapacityBar kind="cpu" allocatable={pool.allocatable.cpu} requested={pool.requested.cpu} />
      <CapacityBar kind="memory" allocatable={pool.allocatable.memory} requested={pool.requested.memory} />
      {pool.allocatable.gpu > 0 || pool.requested.gpu > 0 ? (
        <CapacityBar kind="gpu" allocatable={pool.allocatable.gpu} requested={pool.requested.gpu} model={pool.gpuModel} />
      ) : null}
      {!compact && (pool.zones?.length || pool.taints?.length) ? (
        <p className="text-xs text-muted-foreground">
          {pool.zones?.length ? <>Zones <span className="font-mono">{pool.zones.join(', ')}</span></> : null}
          {pool.zones?.length && pool.taints?.length ? ' · ' : null}
          {pool.taints?.length ? <>Taints <span className="font-mono">{pool.taints.join(', ')}</span></> : null}
        </p>
      ) : null}
    </div>
  );
}

/** Totals of a cluster as three bars (lists and the ops overview). */
export function ClusterTotals({ totals, className }: { totals: { allocatable: { cpu: number; memory: number; gpu: number }; requested: { cpu: number; memory: number; gpu: number } }; className?: string }) {
  return (
    <div className={cn('grid gap-1.5', className)}>
      <CapacityBar kind="cpu" allocatable={totals.allocatable.cpu} requested={totals.requested.cpu} />
      <CapacityBar kind="memory" allocatable={totals.allocatable.memory} requested={totals.requested.memory} />
      {totals.allocatable.gpu > 0 ? <CapacityBar kind="gpu" allocatable={totals.allocatable.gpu} requested={totals.requested.gpu} /> : null}
    </div>
  );
}

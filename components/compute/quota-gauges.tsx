import * as React from 'react';
import { Gauge } from '@/components/ui/gauge';
import type { ComputeTargetView } from '@/components/instance-types/types';

/** Quota used vs limit of a compute target: one gauge per resource it limits, usage alone for the others. */
export function QuotaGauges({ target, size = 104 }: { target: Pick<ComputeTargetView, 'quotaAmounts' | 'usage'>; size?: number }) {
  const q = target.quotaAmounts;
  const u = target.usage;
  if (!u) return <p className="text-sm text-muted-foreground">Usage unknown: the cluster cannot be read right now.</p>;
  const limited = [q.cpu, q.memory, q.gpu, q.pods].some((v) => v !== null);
  return (
    <div className="flex flex-wrap gap-4">
      <Gauge label="CPU" kind="cpu" used={u.cpu} limit={q.cpu} size={size} />
      <Gauge label="Memory" kind="memory" used={u.memory} limit={q.memory} size={size} />
      {q.gpu !== null || u.gpu > 0 ? <Gauge label="GPUs" kind="gpu" used={u.gpu} limit={q.gpu} size={size} /> : null}
      <Gauge label="Pods" used={u.pods} limit={q.pods} size={size} />
      {!limited ? <p className="self-center text-xs text-muted-foreground">No quota: limited only by the cluster.</p> : null}
    </div>
  );
}

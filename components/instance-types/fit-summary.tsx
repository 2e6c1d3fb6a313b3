import * as React from 'react';
import { TriangleAlert } from 'lucide-react';
import { formatResource } from '@/lib/format';
import type { FitView } from './types';

/** "2 now · 4 when empty", drawn as a bar (free now vs capacity), with the first warning in words. */
export function FitSummary({ fit, compact = false }: { fit: FitView; compact?: boolean }) {
  // Per pool (now / when empty), only pools where the size can run at all.
  const pools = fit.perPool.filter((p) => p.countedNodes > 0 && p.maxReplicas > 0);
  const pct = fit.maxReplicas > 0 ? Math.round((fit.availableNow / fit.maxReplicas) * 100) : 0;
  const words = `${fit.availableNow} fit now · ${fit.maxReplicas} on an empty cluster · ${fit.matchingNodes} node${fit.matchingNodes === 1 ? '' : 's'}`;
  return (
    <div className="grid min-w-44 gap-1">
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium tabular-nums text-foreground">{fit.availableNow} now</span>
        <span className="tabular-nums text-muted-foreground">of {fit.maxReplicas} when empty</span>
      </div>
      <div role="meter" aria-label="Replicas that fit now" aria-valuemin={0} aria-valuemax={fit.maxReplicas} aria-valuenow={fit.availableNow} aria-valuetext={words} className="h-1.5 overflow-hidden rounded-full bg-muted">
        <div className="h-full rounded-full bg-accent" style={{ width: `${pct}%` }} />
      </div>
      {pools.length > 0 ? (
        <span className="text-xs tabular-nums text-muted-foreground">
          {pools.map((p) => `${p.pool ?? 'unpooled'} ${p.availableNow}/${p.maxReplicas}`).join(' · ')}
        </span>
      ) : null}
      {!compact && fit.warnings.length > 0 ? <FitWarnings fit={fit} /> : null}
    </div>
  );
}

export function FitWarnings({ fit, max = 2 }: { fit: FitView; max?: number }) {
  if (!fit.warnings.length) return null;
  return (
    <ul className="grid gap-0.5 text-xs text-warning-text">
      {fit.warnings.slice(0, max).map((w) => (
        <li key={w.code + w.message} className="flex gap-1">
          <TriangleAlert aria-hidden className="mt-0.5 size-3 shrink-0" />
          <span>{w.message}</span>
        </li>
      ))}
      {fit.warnings.length > max ? <li className="text-muted-foreground">+{fit.warnings.length - max} more</li> : null}
    </ul>
  );
}

/** "2 cores · 8.0 GiB · 1 GPU" from a replica's requests and limits (base units). */
export function sizeText(r: { cpu: number; memory: number; gpu: number }): string {
  return [formatResource('cpu', r.cpu), formatResource('memory', r.memory), ...(r.gpu > 0 ? [formatResource('gpu', r.gpu)] : [])].join(' · ');
}

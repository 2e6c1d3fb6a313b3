import * as React from 'react';
import { formatAmount, formatCapacityFree, formatResource, type ResourceKind } from '@/lib/format';
import { cn } from '@/lib/utils';

export interface CapacityBarProps {
  kind: ResourceKind;
  /** Allocatable capacity in base units (cores, bytes, count). */
  allocatable: number;
  /** Sum of requests of scheduled pods. */
  requested: number;
  /** Actual usage, when metrics are known (drawn as the darker part of the requested segment). */
  used?: number;
  /** Row label, e.g. "GPU" or a pool name; defaults to the resource's name. */
  label?: React.ReactNode;
  /** Append the GPU model to the label. */
  model?: string;
  className?: string;
}

const NAMES: Record<ResourceKind, string> = { cpu: 'CPU', memory: 'Memory', gpu: 'GPU' };
const pct = (part: number, whole: number) => (whole > 0 ? Math.min(100, Math.max(0, (part / whole) * 100)) : 0);

/**
 * Requested (and used) vs allocatable as a stacked bar with "3 of 8 GPUs free" beside it. Exposed as a
 * meter whose value text says the same in words. Over-commitment (requests above allocatable) turns the
 * bar to the warning colour.
 */
export function CapacityBar({ kind, allocatable, requested, used, label, model, className }: CapacityBarProps) {
  const free = allocatable - requested;
  const freeText = formatCapacityFree(kind, free, allocatable);
  const over = requested > allocatable;
  const usedPct = used != null ? pct(Math.min(used, requested), allocatable) : 0;
  const requestedPct = pct(requested, allocatable) - usedPct;
  const name = label ?? NAMES[kind];
  const valueText =
    `${formatAmount(kind, requested)} of ${formatResource(kind, allocatable)} requested` +
    (used != null ? `, ${formatAmount(kind, used)} in use` : '') + `; ${freeText}`;
  return (
    <div className={cn('grid gap-1', className)}>
      <div className="flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium text-foreground">
          {name}
          {model && <span className="font-normal text-muted-foreground"> · {model}</span>}
        </span>
        <span className={cn('tabular-nums', over ? 'font-medium text-warning-text' : 'text-muted-foreground')}>
          {over ? `over-committed · ${freeText}` : freeText}
        </span>
      </div>
      <div
        role="meter"
        aria-label={typeof name === 'string' ? `${name} capacity` : 'Capacity'}
        aria-valuemin={0}
        aria-valuemax={allocatable}
        aria-valuenow={Math.min(requested, allocatable)}
        aria-valuetext={valueText}
        title={valueText}
        className="flex h-2 w-full overflow-hidden rounded-full bg-muted"
      >
        {usedPct > 0 && <div className={cn('h-full', over ? 'bg-warning' : 'bg-accent')} style={{ width: `${usedPct}%` }} />}
        {requestedPct > 0 && (
          <div className={cn('h-full', over ? 'bg-warning/70' : used != null ? 'bg-accent/45' : 'bg-accent')} style={{ width: `${requestedPct}%` }} />
        )}
      </div>
    </div>
  );
}

/** The legend for a group of capacity bars that show usage. */
export function CapacityLegend({ showUsed = true, className }: { showUsed?: boolean; className?: string }) {
  const item = (swatch: string, text: string) => (
    <span className="inline-flex items-center gap-1"><span aria-hidden className={cn('size-2.5 rounded-sm', swatch)} />{text}</span>
  );
  return (
    <div className={cn('flex flex-wrap gap-3 text-xs text-muted-foreground', className)}>
      {showUsed && item('bg-accent', 'In use')}
      {item(showUsed ? 'bg-accent/45' : 'bg-accent', 'Requested')}
      {item('bg-muted border border-border', 'Free')}
    </div>
  );
}

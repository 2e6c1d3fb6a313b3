import * as React from 'react';
import { cn } from '@/lib/utils';
import { trafficSegments, type Traffic } from './traffic';

// The traffic split as one stacked bar (UI.md "Endpoint: the traffic split as a bar"): a segment per
// deployment that takes traffic, in the deployments' order, each labelled with its name and percent (the
// label, not the colour, says which is which). No 'use client': lists and pages render it on the server too.

/** A deployment's colour by its place in the endpoint's deployments (the same in the bar, the legend and the slider). */
export const SEGMENT_CLASSES = ['bg-accent', 'bg-success', 'bg-warning', 'bg-info', 'bg-danger', 'bg-muted-foreground'] as const;
export const segmentClass = (index: number) => SEGMENT_CLASSES[index % SEGMENT_CLASSES.length];

export function TrafficBar({ traffic, size = 'sm', className }: { traffic: Traffic; size?: 'sm' | 'lg'; className?: string }) {
  const segs = trafficSegments(traffic);
  const label = segs.length ? `Traffic: ${segs.map((s) => `${s.name} ${s.percent} %`).join(', ')}` : 'No traffic: no deployment takes requests';
  return (
    <div className={cn('grid gap-1', className)} role="img" aria-label={label}>
      <div className={cn('flex w-full overflow-hidden rounded-full bg-muted', size === 'lg' ? 'h-3' : 'h-1.5')}>
        {segs.map((s) => (
          <span key={s.name} className={cn('h-full border-r-2 border-surface last:border-r-0', segmentClass(s.index))} style={{ width: `${s.percent}%` }} />
        ))}
      </div>
      <div className={cn('flex flex-wrap gap-x-3 gap-y-0.5 text-muted-foreground tabular-nums', size === 'lg' ? 'text-sm' : 'text-xs')} aria-hidden>
        {segs.length ? (
          segs.map((s) => (
            <span key={s.name} className="inline-flex items-center gap-1">
              <span className={cn('size-2 rounded-full', segmentClass(s.index))} />
              <span className="font-mono text-foreground">{s.name}</span> {s.percent} %
            </span>
          ))
        ) : (
          <span>no traffic</span>
        )}
      </div>
    </div>
  );
}

import * as React from 'react';
import { cn } from '@/lib/utils';

/** A placeholder block shaped like the content that is loading (lists and panels, never page spinners). */
export function Skeleton({ className, ...props }: React.ComponentProps<'div'>) {
  return <div aria-hidden className={cn('rounded-md bg-muted motion-safe:animate-pulse', className)} {...props} />;
}

/** Loading placeholder for a panel: announces "Loading …" to screen readers and shows `lines` bars. */
export function SkeletonBlock({ label = 'Loading', lines = 3, className }: { label?: string; lines?: number; className?: string }) {
  return (
    <div role="status" aria-live="polite" className={cn('grid gap-2', className)}>
      <span className="sr-only">{label}…</span>
      {Array.from({ length: lines }, (_, i) => (
        <Skeleton key={i} className={cn('h-4', i === lines - 1 ? 'w-2/3' : 'w-full')} />
      ))}
    </div>
  );
}

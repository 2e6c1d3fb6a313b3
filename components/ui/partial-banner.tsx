import * as React from 'react';
import { TriangleAlert } from 'lucide-react';
import { cn } from '@/lib/utils';

export interface SourceError {
  /** The cluster (or other source) that failed. */
  source: string;
  message: string;
}

export interface PartialBannerProps {
  /** The `errors` of a multi-cluster `{items, errors}` read. Nothing renders when empty. */
  errors: SourceError[];
  /** How many sources were asked in total. */
  total: number;
  /** Plural noun for the sources: "clusters" by default. */
  noun?: string;
  className?: string;
}

/** "1 of 3 clusters unreachable — showing the others", with each failure's reason in a disclosure. */
export function PartialBanner({ errors, total, noun = 'clusters', className }: PartialBannerProps) {
  if (errors.length === 0) return null;
  const summary = `${errors.length} of ${total} ${noun} unreachable — ${
    errors.length >= total ? 'nothing to show' : 'showing the others'
  }`;
  return (
    <div role="status" className={cn('rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text', className)}>
      <details>
        <summary className="flex cursor-pointer list-none items-center gap-2 font-medium [&::-webkit-details-marker]:hidden">
          <TriangleAlert aria-hidden className="size-4 shrink-0" />
          <span>{summary}</span>
          <span className="ml-auto text-xs font-normal underline underline-offset-2">Details</span>
        </summary>
        <ul className="mt-2 grid gap-1 pl-6 text-foreground">
          {errors.map((e) => (
            <li key={e.source}><span className="font-mono">{e.source}</span>: {e.message}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}

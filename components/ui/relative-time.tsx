'use client';

import * as React from 'react';
import { formatAbsoluteTime, formatRelativeTime, formatUtcShort, toDate, type DateInput } from '@/lib/format';
import { cn } from '@/lib/utils';
import { useNow } from './use-now';

/** How often the label needs to change: every second while under a minute old, then less often. */
function resolutionFor(ageMs: number): number {
  const age = Math.abs(ageMs);
  if (!Number.isFinite(age)) return 60_000;
  if (age < 60_000) return 1000;
  if (age < 3_600_000) return 15_000;
  return 300_000;
}

/**
 * "3 min ago", kept current, with the absolute local time on hover (title) and in `dateTime`.
 * Hydration-safe: server HTML and the first client render show a fixed UTC time ("2025-11-28 13:59 UTC"),
 * then the browser switches to the relative form in the user's time zone.
 */
export function RelativeTime({ value, className }: { value: DateInput | null | undefined; className?: string }) {
  const date = value == null ? null : toDate(value);
  const valid = date != null && Number.isFinite(date.getTime());
  const time = valid ? date.getTime() : Number.NaN;
  const now = useNow((current) => resolutionFor(current - time));
  if (!valid) return <span className={cn('text-muted-foreground', className)}>—</span>;
  const iso = date.toISOString();
  return (
    <time
      dateTime={iso}
      title={now == null ? formatUtcShort(date) : formatAbsoluteTime(date)}
      className={cn('whitespace-nowrap tabular-nums', className)}
    >
      {now == null ? formatUtcShort(date) : formatRelativeTime(date, now)}
    </time>
  );
}

'use client';

import * as React from 'react';
import { formatRelativeTime, toDate, type DateInput } from '@/lib/format';
import { cn } from '@/lib/utils';
import { useNow } from './use-now';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveIndicatorProps {
  status: LiveStatus;
  /** When the last update arrived (or the data was loaded). */
  lastUpdate?: DateInput | null;
  className?: string;
}

const WORDS: Record<LiveStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};

/**
 * "● live · updated 3 s ago" / "reconnecting…" for SSE-fed pages. Only the status word is in the
 * aria-live region, so screen readers hear "reconnecting…" once instead of a ticking clock.
 */
export function LiveIndicator({ status, lastUpdate, className }: LiveIndicatorProps) {
  const now = useNow(1000);
  const dot = status === 'live' ? 'bg-success' : status === 'offline' ? 'bg-muted-foreground' : 'bg-warning';
  const updated = lastUpdate != null && now != null ? formatRelativeTime(toDate(lastUpdate), now) : null;
  return (
    <span className={cn('inline-flex items-center gap-1.5 text-xs text-muted-foreground tabular-nums', className)}>
      <span aria-hidden className={cn('inline-flex size-2 shrink-0 rounded-full', dot)} />
      <span role="status" aria-live="polite" className={cn(status !== 'live' && 'text-warning-text', status === 'offline' && 'text-muted-foreground')}>
        {WORDS[status]}
      </span>
      {updated && <span>· updated {updated}</span>}
    </span>
  );
}

'use client';

import * as React from 'react';
import { RefreshCw } from 'lucide-react';
import { LiveIndicator } from '@/components/ui/live-indicator';
import { cn } from '@/lib/utils';
import type { UseWatchResult } from './use-watch';

/** "● live · updated 3 s ago" for a watched query. */
export function WatchIndicator({ watch, className }: { watch: UseWatchResult; className?: string }) {
  return <LiveIndicator status={watch.status} lastUpdate={watch.lastUpdate} className={className} />;
}

/**
 * Shown while the stream is down: the page keeps its data; it clears itself once the stream is back. Not a
 * live region itself: the indicator beside the data already announces "reconnecting…".
 */
export function LivePausedBanner({ watch, className }: { watch: UseWatchResult; className?: string }) {
  if (watch.status !== 'reconnecting' && watch.status !== 'offline') return null;
  return (
    <div data-testid="live-paused" className={cn('flex items-center gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text', className)}>
      <RefreshCw aria-hidden className="size-4 shrink-0 motion-safe:animate-spin" />
      <span className="font-medium">Live updates paused — reconnecting…</span>
      <span className="text-foreground">What you see is the last known state.</span>
    </div>
  );
}

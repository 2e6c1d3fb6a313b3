'use client';

import { useSyncExternalStore } from 'react';

// One shared 1-second ticker for every clock-driven label on the page (relative times, the live
// indicator), started by the first subscriber and stopped by the last.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) timer = setInterval(() => listeners.forEach((l) => l()), 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const getServerSnapshot = () => null;

/**
 * The current time in ms, rounded down to a resolution so the component re-renders only when the
 * rounded value changes. The resolution may depend on the time itself (a relative time needs
 * per-second updates only while it is under a minute old). Returns null during server rendering and
 * hydration, so the first client render matches the server's HTML; callers render a
 * time-independent fallback for null.
 */
export function useNow(resolution: number | ((now: number) => number) = 1000): number | null {
  return useSyncExternalStore(
    subscribe,
    () => {
      const now = Date.now();
      const step = Math.max(1, typeof resolution === 'function' ? resolution(now) : resolution);
      return Math.floor(now / step) * step;
    },
    getServerSnapshot,
  );
}

/** True once hydrated on the client (false on the server and during hydration). */
export function useHydrated(): boolean {
  return useSyncExternalStore(noopSubscribe, () => true, () => false);
}
const noopSubscribe = () => () => {};

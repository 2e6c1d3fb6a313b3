'use client';

import * as React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { LiveQuery } from './query-keys';
import { startWatch, type WatchEvent, type WatchState } from './watch-session';

export interface UseWatchOptions<T> {
  /** The query to keep current (its key, and the URL whose ?watch=true streams it). */
  query: LiveQuery;
  kind: 'list' | 'resource';
  /** A list item's identity; defaults to its `uid`. */
  uid?: (item: T) => string;
  /** Called after each event is applied (e.g. to flash a changed row). */
  onEvent?: (event: WatchEvent<T>, info: { changed: boolean }) => void;
  enabled?: boolean;
}

export interface UseWatchResult extends WatchState {
  /** The stream is open. */
  live: boolean;
}

/**
 * Keeps a react-query query current from the server's `?watch=true` stream (see watch-session.ts):
 * `const { live, error, status, lastUpdate } = useWatch({ query: liveQueries.jobs(ws), kind: 'list' })`.
 * Read the data with useQuery on the same key; render `status` with <LiveIndicator> and <LivePausedBanner>.
 */
export function useWatch<T>({ query, kind, uid, onEvent, enabled = true }: UseWatchOptions<T>): UseWatchResult {
  const queryClient = useQueryClient();
  const [state, setState] = React.useState<WatchState>({ status: 'connecting', lastUpdate: null });
  // The latest callbacks, without reopening the stream when they change identity.
  const uidRef = React.useRef(uid);
  const onEventRef = React.useRef(onEvent);
  React.useEffect(() => {
    uidRef.current = uid;
    onEventRef.current = onEvent;
  });
  const keyHash = JSON.stringify(query.queryKey);
  const { url } = query;
  React.useEffect(() => {
    if (!enabled) return;
    const stop = startWatch<T>({
      url,
      queryClient,
      queryKey: JSON.parse(keyHash) as readonly unknown[],
      kind,
      uid: (item) => (uidRef.current ? uidRef.current(item) : String((item as { uid?: unknown }).uid)),
      onEvent: (ev, info) => onEventRef.current?.(ev, info),
      onState: setState,
    });
    return () => {
      stop();
      setState((s) => ({ ...s, status: 'connecting' }));
    };
  }, [url, keyHash, kind, enabled, queryClient]);
  return { ...state, live: state.status === 'live' };
}

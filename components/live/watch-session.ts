import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { LiveStatus } from '@/components/ui/live-indicator';

// The browser side of `?watch=true` (DESIGN §4 "Watch"), without React: one EventSource on <url>?watch=true
// (same origin, so the session cookie authenticates it) whose events are applied into the react-query cache.
//   - a list query holds {items, …}: ADDED/MODIFIED upsert by uid, DELETED removes;
//   - a resource query holds the resource: each event replaces it.
// On every (re)connect the server sends the whole list again as ADDED (a full re-sync). Items are upserted as
// they come; once the burst is over (no event for `quietMs`), items it did not contain — deleted while the
// stream was down — are dropped, so the cache equals the server's list. A re-sync that brings no event at
// all (the list may be empty now) falls back to refetching the query after `emptyResyncMs`.
// The browser reconnects by itself after a network error; when it gives up (an HTTP error answer), the
// session opens a new EventSource after a growing delay.

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** What a list query holds: the list answer ({items, next?, errors?, …}). */
export type ListData<T> = { items: T[] } & Record<string, unknown>;

export interface WatchState {
  status: LiveStatus;
  /** Why the stream is down (while status is reconnecting). */
  error?: string;
  /** When the stream last opened or delivered an event (ms since epoch). */
  lastUpdate: number | null;
}

/** The part of EventSource the session uses (the browser's, or a fake in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  close(): void;
}
export type EventSourceFactory = (url: string) => EventSourceLike;

const CLOSED = 2;

export interface WatchOptions<T> {
  /** The list or resource URL (its GET); `watch=true` is added. */
  url: string;
  queryClient: QueryClient;
  queryKey: QueryKey;
  kind: 'list' | 'resource';
  /** A list item's identity; defaults to its `uid`. */
  uid?: (item: T) => string;
  /** After each event is applied; `changed` is false when the object equals what the cache held. */
  onEvent?: (event: WatchEvent<T>, info: { changed: boolean }) => void;
  onState?: (state: WatchState) => void;
  eventSource?: EventSourceFactory;
  now?: () => number;
  /** Silence that ends a re-sync burst. */
  quietMs?: number;
  /** A re-sync without any event refetches the query after this long. */
  emptyResyncMs?: number;
  /** First delay before reopening a stream the browser gave up on (doubles up to maxRetryMs). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** `url` with watch=true added (other query parameters kept). */
export function watchUrl(url: string): string {
  const [path, query = ''] = url.split('?', 2);
  const q = new URLSearchParams(query);
  q.set('watch', 'true');
  return `${path}?${q.toString()}`;
}

const defaultUid = (item: unknown) => String((item as { uid?: unknown }).uid);

function same(a: unknown, b: unknown) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies one list event to a cached list answer; returns the new answer and whether anything changed. */
export function applyListEvent<T>(data: ListData<T> | undefined, event: WatchEvent<T>, uid: (item: T) => string): { data: ListData<T>; changed: boolean } {
  const items = data?.items ?? [];
  const id = uid(event.object);
  const at = items.findIndex((i) => uid(i) === id);
  if (event.type === 'DELETED') {
    if (at < 0) return { data: data ?? { items }, changed: false };
    return { data: { ...data, items: items.filter((_, i) => i !== at) }, changed: true };
  }
  if (at >= 0) {
    if (same(items[at], event.object)) return { data: data ?? { items }, changed: false };
    const next = items.slice();
    next[at] = event.object;
    return { data: { ...data, items: next }, changed: true };
  }
  return { data: { ...data, items: [event.object, ...items] }, changed: true };
}

/** Starts watching; returns the function that stops it. */
export function startWatch<T>(opts: WatchOptions<T>): () => void {
  const uid = opts.uid ?? (defaultUid as (item: T) => string);
  const now = opts.now ?? Date.now;
  const quietMs = opts.quietMs ?? 300;
  const emptyResyncMs = opts.emptyResyncMs ?? 8000;
  const baseRetry = opts.retryMs ?? 2000;
  const maxRetry = opts.maxRetryMs ?? 30_000;
  const factory: EventSourceFactory = opts.eventSource ?? ((u) => new EventSource(u));
  const qc = opts.queryClient;

  let es: EventSourceLike | null = null;
  let stopped = false;
  let retryDelay = baseRetry;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let state: WatchState = { status: 'connecting', lastUpdate: null };
  // The re-sync in progress (list streams): uids seen since the stream opened.
  let resync: { seen: Set<string>; quiet?: ReturnType<typeof setTimeout>; empty?: ReturnType<typeof setTimeout> } | null = null;

  const setState = (patch: Partial<WatchState>) => {
    state = { ...state, ...patch };
    if (!stopped) opts.onState?.(state);
  };

  const endResync = (prune: boolean) => {
    if (!resync) return;
    clearTimeout(resync.quiet);
    clearTimeout(resync.empty);
    const { seen } = resync;
    resync = null;
    if (!prune) return;
    qc.setQueryData<ListData<T>>(opts.queryKey, (old) => (old ? { ...old, items: old.items.filter((i) => seen.has(uid(i))) } : old));
  };

  const onOpen = () => {
    retryDelay = baseRetry;
    setState({ status: 'live', error: undefined, lastUpdate: now() });
    if (opts.kind !== 'list') return;
    endResync(false);
    resync = { seen: new Set() };
    resync.empty = setTimeout(() => {
      if (resync && resync.seen.size === 0 && !resync.quiet) {
        endResync(false);
        void qc.invalidateQueries({ queryKey: opts.queryKey, exact: true });
      }
    }, emptyResyncMs);
  };

  const onMessage = (ev: MessageEvent) => {
    let event: WatchEvent<T>;
    try {
      event = JSON.parse(String(ev.data)) as WatchEvent<T>;
    } catch {
      return;
    }
    if (!event || typeof event !== 'object' || !event.object || !['ADDED', 'MODIFIED', 'DELETED'].includes(event.type)) return;
    let changed: boolean;
    if (opts.kind === 'resource') {
      if (event.type === 'DELETED') {
        changed = true;
        void qc.invalidateQueries({ queryKey: opts.queryKey, exact: true });
      } else {
        changed = !same(qc.getQueryData(opts.queryKey), event.object);
        if (changed) qc.setQueryData(opts.queryKey, event.object);
      }
    } else {
      const r = applyListEvent(qc.getQueryData<ListData<T>>(opts.queryKey), event, uid);
      changed = r.changed;
      if (changed) qc.setQueryData(opts.queryKey, r.data);
      if (resync) {
        const id = uid(event.object);
        if (event.type === 'DELETED') resync.seen.delete(id);
        else resync.seen.add(id);
        clearTimeout(resync.quiet);
        resync.quiet = setTimeout(() => endResync(true), quietMs);
      }
    }
    setState({ lastUpdate: now() });
    opts.onEvent?.(event, { changed });
  };

  const onError = () => {
    if (stopped || !es) return;
    endResync(false);
    if (es.readyState === CLOSED) {
      // The browser gave up (an HTTP error, a wrong content type): open a new stream later.
      es.close();
      es = null;
      setState({ status: 'reconnecting', error: 'the live stream was refused; retrying' });
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, retryDelay);
      retryDelay = Math.min(maxRetry, retryDelay * 2);
    } else {
      setState({ status: 'reconnecting', error: 'the live stream dropped; reconnecting' });
    }
  };

  function open() {
    if (stopped) return;
    const source = factory(watchUrl(opts.url));
    es = source;
    source.onopen = () => source === es && onOpen();
    source.onmessage = (ev) => source === es && onMessage(ev);
    source.onerror = () => source === es && onError();
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    endResync(false);
    es?.close();
    es = null;
  };
}

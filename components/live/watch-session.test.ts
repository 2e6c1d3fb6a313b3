// The browser side of ?watch=true, driven by a fake EventSource: events land in the react-query cache by
// uid, a reconnect's full re-sync replaces the list once its burst is over, and the state a page shows
// (live / reconnecting) follows the stream.
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyListEvent, startWatch, watchUrl, type EventSourceLike, type ListData, type WatchState } from './watch-session';

class FakeEventSource implements EventSourceLike {
  static all: FakeEventSource[] = [];
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  send(type: string, object: unknown) {
    this.onmessage?.({ data: JSON.stringify({ type, object }) } as MessageEvent);
  }
  /** A dropped connection the browser retries (readyState CONNECTING), or one it gave up on (CLOSED). */
  fail(giveUp = false) {
    this.readyState = giveUp ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
}

interface Job {
  uid: string;
  name: string;
  status: string;
}
const KEY = ['workspace-jobs', 'vision'];
const job = (uid: string, status = 'Queued'): Job => ({ uid, name: `job-${uid}`, status });
const items = (qc: QueryClient) => qc.getQueryData<ListData<Job>>(KEY)?.items.map((j) => `${j.uid}:${j.status}`).sort();

let qc: QueryClient;
let states: WatchState[];
let stop: () => void;
const last = () => FakeEventSource.all[FakeEventSource.all.length - 1];

function watchList(extra: Partial<Parameters<typeof startWatch<Job>>[0]> = {}) {
  stop = startWatch<Job>({
    url: '/api/v1/workspaces/vision/jobs?limit=200',
    queryClient: qc,
    queryKey: KEY,
    kind: 'list',
    eventSource: (u) => new FakeEventSource(u),
    onState: (s) => states.push(s),
    ...extra,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.all = [];
  qc = new QueryClient();
  states = [];
});
afterEach(() => {
  stop?.();
  vi.useRealTimers();
});

describe('watchUrl', () => {
  it('adds watch=true and keeps the other parameters', () => {
    expect(watchUrl('/api/v1/clusters')).toBe('/api/v1/clusters?watch=true');
    expect(watchUrl('/api/v1/workspaces/a/jobs?limit=200')).toBe('/api/v1/workspaces/a/jobs?limit=200&watch=true');
    expect(watchUrl('/x?watch=false')).toBe('/x?watch=true');
  });
});

describe('applyListEvent', () => {
  const uid = (j: Job) => j.uid;
  it('upserts by uid, keeps other fields of the answer and reports whether anything changed', () => {
    const data = { items: [job('a')], next: 'c1' };
    const same = applyListEvent(data, { type: 'ADDED', object: job('a') }, uid);
    expect(same.changed).toBe(false);
    expect(same.data).toBe(data);
    const mod = applyListEvent(data, { type: 'MODIFIED', object: job('a', 'Running') }, uid);
    expect(mod).toEqual({ data: { items: [job('a', 'Running')], next: 'c1' }, changed: true });
    const add = applyListEvent(mod.data, { type: 'ADDED', object: job('b') }, uid);
    expect(add.data.items.map((j) => j.uid)).toEqual(['b', 'a']);
    const del = applyListEvent(add.data, { type: 'DELETED', object: job('a') }, uid);
    expect(del.data.items.map((j) => j.uid)).toEqual(['b']);
    expect(applyListEvent(del.data, { type: 'DELETED', object: job('zz') }, uid).changed).toBe(false);
  });
});

describe('a list stream', () => {
  it('opens <url>?watch=true and applies ADDED, MODIFIED and DELETED into the cache', () => {
    qc.setQueryData(KEY, { items: [job('a')] });
    const seen: Array<[string, boolean]> = [];
    watchList({ onEvent: (ev, { changed }) => seen.push([`${ev.type}:${ev.object.uid}`, changed]) });
    expect(last().url).toBe('/api/v1/workspaces/vision/jobs?limit=200&watch=true');
    expect(states.at(-1)?.status ?? 'connecting').toBe('connecting');
    last().open();
    expect(states.at(-1)).toMatchObject({ status: 'live', error: undefined });
    last().send('ADDED', job('a'));
    last().send('ADDED', job('b'));
    last().send('MODIFIED', job('a', 'Running'));
    expect(items(qc)).toEqual(['a:Running', 'b:Queued']);
    last().send('DELETED', job('b'));
    expect(items(qc)).toEqual(['a:Running']);
    expect(seen).toEqual([['ADDED:a', false], ['ADDED:b', true], ['MODIFIED:a', true], ['DELETED:b', true]]);
  });

  it('ignores what is not a watch event', () => {
    qc.setQueryData(KEY, { items: [job('a')] });
    watchList();
    last().open();
    last().onmessage?.({ data: 'not json' } as MessageEvent);
    last().onmessage?.({ data: JSON.stringify({ type: 'BOOKMARK', object: job('x') }) } as MessageEvent);
    expect(items(qc)).toEqual(['a:Queued']);
  });

  it('after a reconnect, replaces the list with the re-synced set once the burst is over', () => {
    qc.setQueryData(KEY, { items: [job('a'), job('b'), job('c')] });
    watchList({ quietMs: 300 });
    const es = last();
    es.open();
    es.send('ADDED', job('a'));
    es.send('ADDED', job('b'));
    es.send('ADDED', job('c'));
    vi.advanceTimersByTime(400);
    expect(items(qc)).toEqual(['a:Queued', 'b:Queued', 'c:Queued']);

    // The connection drops; while it is down b is deleted and c completes. The page keeps its data.
    es.fail();
    expect(states.at(-1)?.status).toBe('reconnecting');
    expect(items(qc)).toEqual(['a:Queued', 'b:Queued', 'c:Queued']);
    // The browser reconnects: everything again as ADDED, then silence.
    es.open();
    expect(states.at(-1)?.status).toBe('live');
    es.send('ADDED', job('a'));
    es.send('ADDED', job('c', 'Completed'));
    expect(items(qc)).toEqual(['a:Queued', 'b:Queued', 'c:Completed']);
    vi.advanceTimersByTime(200);
    es.send('ADDED', job('d'));
    vi.advanceTimersByTime(299);
    expect(items(qc)).toContain('b:Queued');
    vi.advanceTimersByTime(1);
    expect(items(qc)).toEqual(['a:Queued', 'c:Completed', 'd:Queued']);
    // Later events are plain updates again.
    es.send('ADDED', job('e'));
    vi.advanceTimersByTime(1000);
    expect(items(qc)).toEqual(['a:Queued', 'c:Completed', 'd:Queued', 'e:Queued']);
  });

  it('refetches the query when a re-sync brings nothing (the list may be empty now)', async () => {
    qc.setQueryData(KEY, { items: [job('a')] });
    const fetched = vi.fn(async () => ({ items: [] as Job[] }));
    // An observer, as the page's useQuery would be, so that invalidation refetches.
    const obs = new QueryObserver(qc, { queryKey: KEY, queryFn: fetched, staleTime: Infinity });
    const off = obs.subscribe(() => undefined);
    watchList({ emptyResyncMs: 5000 });
    last().open();
    vi.advanceTimersByTime(4999);
    expect(fetched).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    await vi.runAllTimersAsync();
    expect(fetched).toHaveBeenCalledTimes(1);
    expect(items(qc)).toEqual([]);
    off();
  });

  it('opens a new stream, later and later, when the browser gives up; stops cleanly', () => {
    qc.setQueryData(KEY, { items: [job('a')] });
    watchList({ retryMs: 1000, maxRetryMs: 4000 });
    const first = last();
    first.fail(true);
    expect(first.closed).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', error: expect.stringMatching(/refused/) });
    vi.advanceTimersByTime(999);
    expect(FakeEventSource.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(2);
    last().fail(true);
    vi.advanceTimersByTime(1999);
    expect(FakeEventSource.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeEventSource.all).toHaveLength(3);
    last().open();
    expect(states.at(-1)).toMatchObject({ status: 'live', error: undefined });
    // Back to the first delay after a successful open.
    last().fail(true);
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.all).toHaveLength(4);
    const n = states.length;
    stop();
    expect(last().closed).toBe(true);
    last().open();
    last().send('ADDED', job('z'));
    expect(states).toHaveLength(n);
    expect(items(qc)).toEqual(['a:Queued']);
  });
});

describe('a resource stream', () => {
  it('replaces the cached resource with each event and says whether it changed', () => {
    const key = ['cluster-extension', 'lab'];
    qc.setQueryData(key, { status: 'notInstalled', steps: [] });
    const changed: boolean[] = [];
    stop = startWatch({
      url: '/api/v1/clusters/lab/extension',
      queryClient: qc,
      queryKey: key,
      kind: 'resource',
      eventSource: (u) => new FakeEventSource(u),
      onEvent: (_e, info) => changed.push(info.changed),
    });
    expect(last().url).toBe('/api/v1/clusters/lab/extension?watch=true');
    last().open();
    last().send('MODIFIED', { status: 'notInstalled', steps: [] });
    last().send('MODIFIED', { status: 'installing', steps: [{ key: 'ns', status: 'running' }] });
    last().send('MODIFIED', { status: 'installing', steps: [{ key: 'ns', status: 'done' }] });
    expect(qc.getQueryData(key)).toEqual({ status: 'installing', steps: [{ key: 'ns', status: 'done' }] });
    expect(changed).toEqual([false, true, true]);
  });
});

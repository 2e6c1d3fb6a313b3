import 'server-only';
import type { KubeClient, Query, WatchHandle } from './client';
import { KubeError, isKubeError } from './errors';
import { logger } from '../logger';

// One list+watch of one kind on one cluster (DESIGN §3 "Live state"). Objects are reduced by `transform` as
// they arrive — page by page on LIST, one by one on watch events — so only the lean form is ever held
// (DESIGN §7: a typed LIST of 10,000 objects peaks at ≈260 MiB). After the LIST the watch resumes from its
// resourceVersion with bookmarks; an expired resourceVersion (410) or any error relists after a backoff.

export type InformerPhase = 'idle' | 'listing' | 'watching' | 'backoff' | 'stopped';

export interface InformerState {
  phase: InformerPhase;
  synced: boolean;
  lastError?: KubeError;
  lastSyncAt?: Date;
  items: number;
}

export interface InformerOptions<T> {
  client: KubeClient;
  /** Collection path, e.g. /api/v1/pods. */
  path: string;
  query?: Query;
  /** Returns the lean object to keep, or undefined to drop it. */
  transform(raw: Record<string, unknown>): T | undefined;
  /** Keep at most this many objects (e.g. events): the ones with the highest `rank` survive. */
  maxItems?: number;
  rank?(item: T): number;
  name: string;
}

const PAGE = 500;
const MAX_BACKOFF_MS = 30_000;

const meta = (o: Record<string, unknown>) => (o.metadata ?? {}) as { uid?: string; name?: string; namespace?: string; resourceVersion?: string };
const keyOf = (o: Record<string, unknown>) => {
  const m = meta(o);
  return m.uid ?? `${m.namespace ?? ''}/${m.name ?? ''}`;
};

export class Informer<T> {
  private readonly opts: InformerOptions<T>;
  private store = new Map<string, T>();
  private resourceVersion = '';
  private watchHandle?: WatchHandle;
  private backoffMs = 0;
  private timer?: NodeJS.Timeout;
  private waiters: Array<() => void> = [];
  private listeners = new Set<() => void>();
  private generation = 0;
  state: InformerState = { phase: 'idle', synced: false, items: 0 };

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
  }

  start() {
    if (this.state.phase !== 'idle' && this.state.phase !== 'stopped') return;
    this.state.phase = 'listing';
    void this.relist(this.generation);
  }

  stop() {
    this.generation++;
    this.state.phase = 'stopped';
    this.watchHandle?.abort();
    this.watchHandle = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.store.clear();
    this.state.items = 0;
    for (const w of this.waiters.splice(0)) w();
  }

  items(): T[] {
    return [...this.store.values()];
  }

  /** Resolves true once the first LIST finished (or false after timeoutMs / when it failed). */
  waitSynced(timeoutMs: number): Promise<boolean> {
    if (this.state.synced) return Promise.resolve(true);
    if (this.state.lastError && this.state.phase === 'backoff') return Promise.resolve(false);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(this.state.synced);
      }, timeoutMs);
      const done = () => {
        clearTimeout(t);
        resolve(this.state.synced);
      };
      this.waiters.push(done);
    });
  }

  /** Called after every change (for live updates). Returns an unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Forces a fresh LIST now (e.g. after the CRD was installed). */
  resync() {
    if (this.state.phase === 'stopped') return;
    this.generation++;
    this.watchHandle?.abort();
    if (this.timer) clearTimeout(this.timer);
    // Readers wait for the fresh LIST rather than getting what the old one saw.
    this.state = { ...this.state, phase: 'listing', synced: false };
    void this.relist(this.generation);
  }

  private notify() {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch {
        /* ignore */
      }
    }
  }

  private wakeWaiters() {
    for (const w of this.waiters.splice(0)) w();
  }

  private put(raw: Record<string, unknown>) {
    const key = keyOf(raw);
    const lean = this.opts.transform(raw);
    if (lean === undefined) this.store.delete(key);
    else this.store.set(key, lean);
  }

  private trim() {
    const { maxItems, rank } = this.opts;
    if (!maxItems || this.store.size <= maxItems || !rank) return;
    const sorted = [...this.store.entries()].sort((a, b) => rank(b[1]) - rank(a[1]));
    this.store = new Map(sorted.slice(0, maxItems));
  }

  private async relist(gen: number) {
    const { client, path, query } = this.opts;
    try {
      const next = new Map<string, T>();
      let cont: string | undefined;
      let rv = '';
      do {
        const page = await client.get<{ items?: Record<string, unknown>[]; metadata?: { continue?: string; resourceVersion?: string } }>(path, {
          query: { ...query, limit: PAGE, continue: cont },
          timeoutMs: 60_000,
          what: `list ${path}`,
        });
        if (gen !== this.generation) return;
        for (const raw of page?.items ?? []) {
          const lean = this.opts.transform(raw);
          if (lean !== undefined) next.set(keyOf(raw), lean);
        }
        rv = page?.metadata?.resourceVersion ?? rv;
        cont = page?.metadata?.continue || undefined;
      } while (cont);
      this.store = next;
      this.trim();
      this.resourceVersion = rv;
      this.backoffMs = 0;
      this.state = { phase: 'watching', synced: true, lastSyncAt: new Date(), items: this.store.size };
      this.wakeWaiters();
      this.notify();
      await this.watch(gen);
    } catch (e) {
      this.fail(gen, e);
    }
  }

  private async watch(gen: number) {
    const { client, path, query } = this.opts;
    // Spread reconnects of many informers; the server ends the watch after timeoutSeconds.
    const timeoutSeconds = 240 + Math.floor(Math.random() * 120);
    this.watchHandle = await client.watch(
      path,
      { ...query, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
      (ev) => {
        if (gen !== this.generation) return;
        const obj = ev.object ?? {};
        if (ev.type === 'ERROR') {
          const status = obj as { code?: number; message?: string };
          // 410 Gone: our resourceVersion is too old; anything else: start over too.
          this.watchHandle?.abort();
          this.fail(gen, new KubeError(status.code === 410 ? 'conflict' : 'server_error', `watch ${path}: ${status.message ?? 'error event'}`), status.code === 410 ? 0 : undefined);
          return;
        }
        const rv = meta(obj).resourceVersion;
        if (rv) this.resourceVersion = rv;
        if (ev.type === 'BOOKMARK') return;
        if (ev.type === 'DELETED') this.store.delete(keyOf(obj));
        else {
          this.put(obj);
          this.trim();
        }
        this.state.items = this.store.size;
        this.notify();
      },
      (err) => {
        if (gen !== this.generation) return;
        this.watchHandle = undefined;
        if (err) this.fail(gen, err);
        // Normal end (timeoutSeconds): resume from where we were.
        else void this.watch(gen).catch((e) => this.fail(gen, e));
      },
    );
  }

  private fail(gen: number, e: unknown, delayOverride?: number) {
    if (gen !== this.generation) return;
    const err = isKubeError(e) ? e : new KubeError('unknown', (e as Error)?.message ?? String(e));
    this.generation++;
    const myGen = this.generation;
    this.backoffMs = delayOverride ?? Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1000);
    this.state = { ...this.state, phase: 'backoff', lastError: err };
    this.wakeWaiters();
    logger.debug({ informer: this.opts.name, reason: err.reason, err: err.message, retryInMs: this.backoffMs }, 'informer error');
    this.timer = setTimeout(() => {
      if (myGen !== this.generation) return;
      this.state.phase = 'listing';
      void this.relist(myGen);
    }, this.backoffMs);
    this.timer.unref?.();
  }
}

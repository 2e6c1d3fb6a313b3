import 'server-only';
import type { Db } from '../db';
import { logger } from '../logger';
import { subscribeAll } from '../live/bus';
import type { ClusterCache } from '../kube/cache';
import { liveCache, type ClusterRow } from '../services/clusters';

// The leader's reconcilers (job status, online deployment status) share one shape: watch the clusters that
// have something to reconcile, re-run a sync pass on every change of the informers it reads (coalesced:
// one pass at a time, one more if something changed meanwhile), every few seconds as a safety net, and at
// once when a change notice on the bus names a cluster not watched yet.

export interface ClusterWatchOptions {
  /** For log lines ("job status", "deployment status"). */
  name: string;
  /** The clusters that need watching now. */
  clusters(db: Db): Promise<ClusterRow[]>;
  /** The informers whose changes trigger a pass. */
  informers(cache: ClusterCache): Array<{ subscribe(fn: () => void): () => void }>;
  sync(db: Db, row: ClusterRow, cache: ClusterCache): Promise<unknown>;
  /** Bus topics (prefixes) that mean "maybe a new cluster to watch". */
  topicPrefix: string;
  tickMs?: number;
  debounceMs?: number;
}

interface Watched {
  cache: ClusterCache;
  unsubscribe: () => void;
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
}

export function startClusterWatch(db: Db, opts: ClusterWatchOptions): () => void {
  const tickMs = opts.tickMs ?? 3000;
  const debounceMs = opts.debounceMs ?? 15;
  const watched = new Map<string, Watched>(); // by cluster id
  let stopped = false;

  const sync = (row: ClusterRow, w: Watched) => {
    if (w.running) {
      w.again = true;
      return;
    }
    w.running = true;
    opts
      .sync(db, row, w.cache)
      .catch((e) => logger.warn({ err: { message: (e as Error).message }, cluster: row.name }, `${opts.name} sync failed`))
      .finally(() => {
        w.running = false;
        if (w.again && !stopped) {
          w.again = false;
          sync(row, w);
        }
      });
  };

  const tick = async () => {
    if (stopped) return;
    try {
      const rows = await opts.clusters(db);
      const keep = new Set(rows.map((r) => r.id));
      for (const [id, w] of watched) {
        if (!keep.has(id)) {
          w.unsubscribe();
          watched.delete(id);
        }
      }
      for (const row of rows) {
        let cache: ClusterCache;
        try {
          cache = liveCache(row);
        } catch {
          continue;
        }
        let w = watched.get(row.id);
        if (w && w.cache !== cache) {
          w.unsubscribe();
          w = undefined;
        }
        if (!w) {
          const entry: Watched = { cache, unsubscribe: () => undefined, running: false, again: false };
          const poke = () => {
            if (entry.timer) return;
            entry.timer = setTimeout(() => {
              entry.timer = undefined;
              sync(row, entry);
            }, debounceMs);
          };
          const subs = opts.informers(cache).map((i) => i.subscribe(poke));
          entry.unsubscribe = () => {
            subs.forEach((u) => u());
            if (entry.timer) clearTimeout(entry.timer);
          };
          watched.set(row.id, entry);
          w = entry;
        }
        sync(row, w);
      }
    } catch (e) {
      logger.warn({ err: { message: (e as Error).message } }, `${opts.name} reconciler pass failed`);
    }
  };

  const timer = setInterval(() => void tick(), tickMs);
  timer.unref?.();
  void tick();
  let soon: NodeJS.Timeout | undefined;
  const unsubscribe = subscribeAll((n) => {
    if (!n.topic.startsWith(opts.topicPrefix) || soon) return;
    soon = setTimeout(() => {
      soon = undefined;
      void tick();
    }, 10);
  });
  return () => {
    stopped = true;
    unsubscribe();
    if (soon) clearTimeout(soon);
    clearInterval(timer);
    for (const w of watched.values()) w.unsubscribe();
    watched.clear();
  };
}

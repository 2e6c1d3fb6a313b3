import 'server-only';
import { AppError } from '../errors';
import { logger } from '../logger';
import { subscribe } from '../live/bus';

// `?watch=true` (DESIGN §4 "Watch"): Kubernetes' watch, over Server-Sent Events.
//   - a list route answers text/event-stream; each event's data is {"type":"ADDED"|"MODIFIED"|"DELETED",
//     "object": <a list item>}; on connect (and so on every reconnect) the current items are sent as ADDED
//     — a full re-sync — then changes as they happen;
//   - a single-resource route sends MODIFIED with the whole resource (the shape of its GET), first at once;
//   - a comment is written at once and every 15 s (heartbeat), and the headers keep proxies and compression
//     from holding events back (Cache-Control: no-cache, no-transform; X-Accel-Buffering: no).
// Authorization happens before this is called, exactly as for the list; items are re-read through the same
// functions the list uses, so a stream never shows what the list would not.

export const HEARTBEAT_MS = 15_000;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** `?watch=` must be true or false (or absent). */
export function wantsWatch(url: URL): boolean {
  const v = url.searchParams.get('watch');
  if (v === null || v === 'false') return false;
  if (v === 'true') return true;
  throw new AppError('bad_request', `watch: must be true or false (got "${v.slice(0, 40)}")`, { fieldErrors: [{ path: 'watch', message: 'must be true or false' }] });
}

export interface ListWatchSource<T> {
  /** Topics on the live bus whose notices may change the list. */
  topics: string[];
  /** The list's current items (the same query as the GET, first page). */
  list(): Promise<T[]>;
  /** One item re-read by the key a notice carries; undefined when it is gone or no longer matches. */
  load(key: string): Promise<T | undefined>;
  /** Stable identity of an item (its uid). */
  uid(item: T): string;
  /** The key notices use for this item (its name). */
  key(item: T): string;
  /** Also re-read the whole list this often (state that changes without a notice, e.g. reachability). */
  resyncMs?: number;
}

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

class Stream {
  private controller?: ReadableStreamDefaultController<Uint8Array>;
  private enc = new TextEncoder();
  private seq = 0;
  closed = false;
  readonly body: ReadableStream<Uint8Array>;
  private cleanups: Array<() => void> = [];

  constructor(signal: AbortSignal, start: (s: Stream) => Promise<void>) {
    this.body = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.controller = c;
        this.comment('connected');
        const hb = setInterval(() => this.comment('heartbeat'), HEARTBEAT_MS);
        this.onClose(() => clearInterval(hb));
        signal.addEventListener('abort', () => this.close(), { once: true });
        start(this).catch((e) => {
          logger.warn({ err: { message: (e as Error).message } }, 'watch stream failed');
          this.close();
        });
      },
      cancel: () => this.close(),
    });
  }

  onClose(fn: () => void) {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  private write(text: string) {
    if (this.closed) return;
    try {
      this.controller?.enqueue(this.enc.encode(text));
    } catch {
      this.close();
    }
  }

  comment(text: string) {
    this.write(`: ${text}\n\n`);
  }

  event(type: WatchEventType, object: unknown) {
    this.seq++;
    this.write(`id: ${this.seq}\ndata: ${JSON.stringify({ type, object })}\n\n`);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.cleanups.splice(0)) {
      try {
        fn();
      } catch {
        /* ignore */
      }
    }
    try {
      this.controller?.close();
    } catch {
      /* already closed */
    }
  }
}

/** A serial queue: notices are handled one at a time, in order, and a burst for one key is read once. */
function serial() {
  let chain = Promise.resolve();
  return (fn: () => Promise<void>) => {
    chain = chain.then(fn).catch((e) => logger.debug({ err: { message: (e as Error).message } }, 'watch update failed'));
  };
}

/** A list route's `?watch=true` answer. */
export function watchList<T>(req: Request, src: ListWatchSource<T>): Response {
  const stream = new Stream(req.signal, async (s) => {
    const sent = new Map<string, { key: string; json: string; item: T }>(); // by uid
    const run = serial();
    const put = (item: T) => {
      const uid = src.uid(item);
      const json = JSON.stringify(item);
      const prev = sent.get(uid);
      if (prev?.json === json) return;
      sent.set(uid, { key: src.key(item), json, item });
      s.event(prev ? 'MODIFIED' : 'ADDED', item);
    };
    const pending = new Set<string>();
    const onNotice = (key: string) => {
      if (pending.has(key)) return;
      pending.add(key);
      run(async () => {
        pending.delete(key);
        if (s.closed) return;
        const item = await src.load(key);
        if (item) put(item);
        else {
          for (const [uid, v] of sent) {
            if (v.key === key) {
              sent.delete(uid);
              s.event('DELETED', v.item);
            }
          }
        }
      });
    };
    // Subscribe before the first read, so nothing that changes in between is missed.
    for (const t of src.topics) s.onClose(subscribe(t, onNotice));
    const resync = async () => {
      const items = await src.list();
      if (s.closed) return;
      const seen = new Set<string>();
      for (const it of items) {
        seen.add(src.uid(it));
        put(it);
      }
      return seen;
    };
    await new Promise<void>((resolve) =>
      run(async () => {
        await resync();
        resolve();
      }),
    );
    if (src.resyncMs) {
      const t = setInterval(() => run(async () => void (await resync())), src.resyncMs);
      s.onClose(() => clearInterval(t));
    }
  });
  return new Response(stream.body, { status: 200, headers: HEADERS });
}

/** A single resource's `?watch=true` answer: MODIFIED with the whole resource, first at once, then on change. */
export function watchResource<T>(req: Request, src: { topics: string[]; load(): Promise<T>; resyncMs?: number }): Response {
  const stream = new Stream(req.signal, async (s) => {
    let last = '';
    const run = serial();
    let queued = false;
    const refresh = () => {
      if (queued) return;
      queued = true;
      run(async () => {
        queued = false;
        if (s.closed) return;
        const item = await src.load();
        const json = JSON.stringify(item);
        if (json === last) return;
        last = json;
        s.event('MODIFIED', item);
      });
    };
    for (const t of src.topics) s.onClose(subscribe(t, refresh));
    refresh();
    if (src.resyncMs) {
      const t = setInterval(refresh, src.resyncMs);
      s.onClose(() => clearInterval(t));
    }
  });
  return new Response(stream.body, { status: 200, headers: HEADERS });
}

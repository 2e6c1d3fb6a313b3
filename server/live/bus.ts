import 'server-only';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { env } from '../env';
import { logger } from '../logger';

// Change notices for live pages (DESIGN §3 "Live state"). Whatever changes a record that a live page shows
// (a job's status, a cluster's reachability, an extension install step) publishes a small notice
// {topic, key} after its change is committed; the SSE routes (server/http/sse.ts) subscribe, re-read the
// record in the shape of their list item and send it. The notice carries no data, so nothing a reader may
// not see travels on the bus, and a notice is never too large for PostgreSQL's NOTIFY.
//
// Embedded database: one process, an in-process emitter. With DATABASE_URL several console processes share
// one PostgreSQL: each notice is also sent with pg_notify on CHANNEL and every process LISTENs, so a change
// made (or observed by the leader) in one process reaches the SSE clients of every process.
//
// Topics: `jobs:<workspace>` (key: job name), `clusters` (key: cluster name), `extension:<cluster>`.

export interface Notice {
  topic: string;
  key: string;
}

const CHANNEL = 'harbormaster_live';

interface BusState {
  emitter: EventEmitter;
  origin: string;
  listening?: Promise<void>;
  pgClient?: { query(sql: string, params?: unknown[]): Promise<unknown>; end(): Promise<void> };
  stopped?: boolean;
}

// One bus per process (Next.js loads server modules in several bundles).
const g = globalThis as unknown as { __hmLiveBus?: BusState };
function state(): BusState {
  if (!g.__hmLiveBus) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    g.__hmLiveBus = { emitter, origin: randomUUID() };
  }
  return g.__hmLiveBus;
}

/** Tells every subscriber of `topic` (in this process and, on PostgreSQL, in every other) that `key` changed. */
export function publish(topic: string, key: string): void {
  const s = state();
  s.emitter.emit(topic, key);
  s.emitter.emit('*', { topic, key });
  const url = env().DATABASE_URL;
  if (!url) return;
  void ensureListening()
    .then(() => s.pgClient?.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ o: s.origin, t: topic, k: key })]))
    .catch((err) => logger.warn({ err: { message: (err as Error).message } }, 'live notice not sent to other processes'));
}

/** Calls fn with the key of every change on `topic` until the returned function is called. */
export function subscribe(topic: string, fn: (key: string) => void): () => void {
  const s = state();
  s.emitter.on(topic, fn);
  void ensureListening().catch(() => undefined);
  return () => s.emitter.off(topic, fn);
}

/** Every notice on every topic (diagnostics, benchmarks). */
export function subscribeAll(fn: (n: Notice) => void): () => void {
  const s = state();
  s.emitter.on('*', fn);
  return () => s.emitter.off('*', fn);
}

/** On PostgreSQL: one dedicated connection that LISTENs (and NOTIFYs); reconnects after an error. */
export function ensureListening(): Promise<void> {
  const s = state();
  const url = env().DATABASE_URL;
  if (!url || s.stopped) return Promise.resolve();
  if (s.listening) return s.listening;
  s.listening = (async () => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: url });
    const retry = (why: string) => {
      if (s.pgClient !== client) return;
      logger.warn({ why }, 'live notices: PostgreSQL connection lost, reconnecting');
      s.pgClient = undefined;
      s.listening = undefined;
      client.end().catch(() => undefined);
      const t = setTimeout(() => void ensureListening().catch(() => undefined), 1000);
      t.unref?.();
    };
    client.on('error', (e) => retry(e.message));
    client.on('end', () => retry('connection ended'));
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        const n = JSON.parse(msg.payload) as { o: string; t: string; k: string };
        if (n.o === s.origin) return; // ours: already delivered in-process
        s.emitter.emit(n.t, n.k);
        s.emitter.emit('*', { topic: n.t, key: n.k });
      } catch {
        /* not ours */
      }
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    s.pgClient = client;
  })().catch((e) => {
    s.listening = undefined;
    throw e;
  });
  return s.listening;
}

/** Closes the LISTEN connection (shutdown, tests). */
export async function stopBus(): Promise<void> {
  const s = state();
  s.stopped = true;
  const c = s.pgClient;
  s.pgClient = undefined;
  s.listening = undefined;
  await c?.end().catch(() => undefined);
}

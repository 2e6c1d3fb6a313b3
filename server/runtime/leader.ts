import 'server-only';
import { env } from '../env';
import { logger } from '../logger';

// Leadership for background loops that must run once per deployment (DESIGN §3 "Background work"): the job
// status reconciler, later burst decisions and Azure polling. The embedded database allows one process per
// data directory, so that process leads. On PostgreSQL every console process tries a session-level advisory
// lock on its own connection; the holder leads. When it dies its connection closes, the server releases the
// lock, and another process takes it at its next try (every RETRY_MS).

const LEADER_LOCK = 0x6862_6c64; // "hbld"
const RETRY_MS = 2000;

export interface Leadership {
  isLeader(): boolean;
  stop(): Promise<void>;
}

/** Runs `lead` while this process is the leader; `lead` returns the function that stops what it started. */
export function startLeaderElection(lead: () => () => void, opts: { retryMs?: number; name?: string } = {}): Leadership {
  const url = env().DATABASE_URL;
  let stopLeading: (() => void) | undefined;
  let stopped = false;
  if (!url) {
    stopLeading = lead();
    return {
      isLeader: () => !stopped,
      stop: async () => {
        stopped = true;
        stopLeading?.();
      },
    };
  }
  const retryMs = opts.retryMs ?? RETRY_MS;
  let client: import('pg').Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    stopLeading?.();
    stopLeading = undefined;
  };
  const attempt = async () => {
    if (stopped) return;
    try {
      if (!client) {
        const { Client } = await import('pg');
        const c = new Client({ connectionString: url });
        c.on('error', (e) => {
          logger.warn({ err: { message: e.message } }, 'leader connection lost');
          if (stopLeading) logger.info({ name: opts.name }, 'no longer the leader');
          step();
          if (client === c) client = undefined;
          c.end().catch(() => undefined);
        });
        await c.connect();
        client = c;
      }
      if (!stopLeading) {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK]);
        if (r.rows[0]?.ok && !stopped) {
          logger.info({ name: opts.name, pid: process.pid }, 'this process is the leader');
          stopLeading = lead();
        }
      } else {
        await client.query('SELECT 1'); // notice a dead connection (and so lost leadership) promptly
      }
    } catch (e) {
      logger.debug({ err: { message: (e as Error).message } }, 'leader election attempt failed');
      step();
      client?.end().catch(() => undefined);
      client = undefined;
    }
    if (!stopped) {
      timer = setTimeout(() => void attempt(), retryMs);
      timer.unref?.();
    }
  };
  void attempt();
  return {
    isLeader: () => !!stopLeading,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      step();
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}

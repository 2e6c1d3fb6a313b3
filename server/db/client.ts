import 'server-only';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';
import { acquireDataDirLock } from './lock';
import { logger } from '../logger';
import { runMigrations, type ScriptRunner } from './migrate';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded database's directory (PGlite only). */
  dataDir?: string;
  close(): Promise<void>;
}

// Next.js may load this module several times in one process (route handlers, server actions and
// instrumentation are separate bundles): the handles live on globalThis so there is exactly one PGlite
// instance per directory per process. A second PGlite instance on the same directory loses data.
const g = globalThis as unknown as { __hmDb?: Map<string, Promise<DbHandle>> };
const handles = (g.__hmDb ??= new Map());

export interface OpenOptions {
  /** postgres:// URL; when absent, the embedded PGlite database under dataDir is used. */
  url?: string;
  dataDir?: string;
  /** What the lock file says this process is (shown to a second process that is refused). */
  purpose?: string;
  migrate?: boolean;
}

export function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  const key = opts.url ? `pg:${opts.url}` : `pglite:${path.resolve(/*turbopackIgnore: true*/ opts.dataDir ?? '.data')}`;
  let p = handles.get(key);
  if (!p) {
    p = open(opts, key);
    handles.set(key, p);
    p.catch(() => handles.delete(key));
  }
  return p;
}

async function open(opts: OpenOptions, key: string): Promise<DbHandle> {
  let handle: DbHandle;
  let runner: ScriptRunner;
  if (opts.url) {
    const { Pool } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new Pool({ connectionString: opts.url, max: 10 });
    // An idle connection the server ends (restart, failover, DROP DATABASE … FORCE) must not crash the
    // process: the pool drops it and opens a new one on the next query.
    pool.on('error', (err) => logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'idle PostgreSQL connection closed'));
    const db = drizzle({ client: pool, schema }) as unknown as Db;
    runner = {
      async transaction(fn) {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          const out = await fn(async (script) => {
            // A multi-statement script answers an array of results; a single one, one result.
            const r = (await c.query(script)) as unknown;
            const last = Array.isArray(r) ? r[r.length - 1] : r;
            return ((last as { rows?: Record<string, unknown>[] })?.rows ?? []) as Record<string, unknown>[];
          });
          await c.query('COMMIT');
          return out;
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          c.release();
        }
      },
    };
    handle = {
      db,
      kind: 'postgres',
      close: async () => {
        handles.delete(key);
        await pool.end();
      },
    };
  } else {
    const dataDir = path.resolve(/*turbopackIgnore: true*/ opts.dataDir ?? '.data');
    const release = acquireDataDirLock(dataDir, opts.purpose ?? 'harbormaster');
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const { drizzle } = await import('drizzle-orm/pglite');
      const client = await PGlite.create(path.join(dataDir, 'pglite'));
      const db = drizzle({ client, schema }) as unknown as Db;
      runner = {
        transaction: (fn) =>
          client.transaction(async (tx) =>
            fn(async (script) => {
              const results = await tx.exec(script);
              return (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[];
            }),
          ),
      };
      handle = {
        db,
        kind: 'pglite',
        dataDir,
        close: async () => {
          handles.delete(key);
          await client.close();
          release();
        },
      };
    } catch (e) {
      release();
      throw e;
    }
  }
  if (opts.migrate !== false) await runMigrations(runner);
  return handle;
}

/** Rows of a raw `db.execute(sql...)` for both drivers. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

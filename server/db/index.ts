import 'server-only';
import { env } from '../env';
import { openDatabase, type Db, type DbHandle } from './client';

export type { Db, DbHandle, Tx, DbOrTx } from './client';

const g = globalThis as unknown as { __hmDbOverride?: DbHandle };

/** The console's database (embedded PGlite under HARBORMASTER_DATA_DIR, or DATABASE_URL). */
export function getDbHandle(): Promise<DbHandle> {
  if (g.__hmDbOverride) return Promise.resolve(g.__hmDbOverride);
  const e = env();
  return openDatabase({ url: e.DATABASE_URL, dataDir: e.dataDir, purpose: 'harbormaster console' });
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Tests: route handlers and services use this database instead of the configured one. */
export function useDatabaseForTests(h: DbHandle | undefined) {
  g.__hmDbOverride = h;
}

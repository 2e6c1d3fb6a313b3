import 'server-only';
import { env } from '../env';
import { openDatabase, type Db, type DbHandle } from './client';

export type { Db, DbHandle, Tx, DbOrTx } from './client';

/** The console's database (embedded PGlite under HARBORMASTER_DATA_DIR, or DATABASE_URL). */
export function getDbHandle(): Promise<DbHandle> {
  const e = env();
  return openDatabase({ url: e.DATABASE_URL, dataDir: e.dataDir, purpose: 'harbormaster console' });
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

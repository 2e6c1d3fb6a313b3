import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from './db';

/** Throws when the database does not answer a trivial query. */
export async function pingDatabase(): Promise<void> {
  await (await getDb()).execute(sql`SELECT 1`);
}

import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

// Applies server/db/migrations/*.sql in name order, each once, all pending ones in one transaction. On
// PostgreSQL several replicas may start at once: an advisory lock makes one of them migrate while the
// others wait and then find nothing to do.
const MIGRATIONS_LOCK = 0x6862_6d69; // "hbmi"

/** Runs multi-statement SQL scripts inside one transaction (drivers differ: PGlite `exec`, pg simple query). */
export interface ScriptRunner {
  transaction<T>(fn: (exec: (script: string) => Promise<Array<Record<string, unknown>>>) => Promise<T>): Promise<T>;
}

export function migrationsDir(): string {
  return process.env.HARBORMASTER_MIGRATIONS_DIR ?? path.join(process.cwd(), 'server', 'db', 'migrations');
}

export async function runMigrations(runner: ScriptRunner): Promise<string[]> {
  const dir = migrationsDir();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  return runner.transaction(async (exec) => {
    await exec(`SELECT pg_advisory_xact_lock(${MIGRATIONS_LOCK})`);
    await exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await exec(`SELECT name FROM schema_migrations`)).map((r) => String(r.name)));
    const applied: string[] = [];
    for (const f of files) {
      if (done.has(f)) continue;
      if (!/^[\w.-]+\.sql$/.test(f)) throw new Error(`unexpected migration file name ${f}`);
      await exec(fs.readFileSync(path.join(dir, f), 'utf8'));
      await exec(`INSERT INTO schema_migrations (name) VALUES ('${f}')`);
      applied.push(f);
    }
    return applied;
  });
}

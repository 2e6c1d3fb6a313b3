// Harbormaster admin CLI: `npm run admin -- <command> [options]` (see USAGE in server/admin/commands.ts).
// With the embedded database, only one process may open the data directory: when the console is running,
// the command is sent to its loopback admin endpoint; otherwise the CLI opens the database itself.
import fs from 'node:fs';
import path from 'node:path';
import { env } from '../server/env';
import { lockHolder } from '../server/db/lock';
import { ENDPOINT_FILE, SECRET_FILE } from '../server/admin/endpoint';
import { parseArgs, runAdminCommand, USAGE } from '../server/admin/commands';
import { isAppError } from '../server/errors';

async function viaConsole(dataDir: string, pid: number, command: string, args: unknown): Promise<string[]> {
  let endpoint: { pid: number; port: number };
  let secret: string;
  try {
    endpoint = JSON.parse(fs.readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8'));
    secret = fs.readFileSync(path.join(dataDir, SECRET_FILE), 'utf8').trim();
  } catch {
    throw new Error(`the console (pid ${pid}) holds ${dataDir} but its admin endpoint files are missing; is it still starting?`);
  }
  if (endpoint.pid !== pid) throw new Error(`the console (pid ${pid}) holds ${dataDir} but has not published its admin endpoint yet; try again in a moment`);
  const res = await fetch(`http://127.0.0.1:${endpoint.port}/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ command, args }),
  });
  const body = (await res.json()) as { lines?: string[]; error?: string };
  if (!res.ok) throw new Error(body.error ?? `console answered ${res.status}`);
  return body.lines ?? [];
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    console.log(USAGE);
    return;
  }
  const { command, args } = parseArgs(argv);
  const e = env();
  let lines: string[];
  const holder = e.DATABASE_URL ? null : lockHolder(e.dataDir);
  if (holder) {
    console.error(`(the console is running on ${e.dataDir}, pid ${holder.pid}: sending the command to it)`);
    lines = await viaConsole(e.dataDir, holder.pid, command, args);
  } else {
    const { openDatabase } = await import('../server/db/client');
    const h = await openDatabase({ url: e.DATABASE_URL, dataDir: e.dataDir, purpose: 'admin CLI' });
    try {
      // Like a console start: the audit chain is signed with the key from the environment or the data directory.
      const { ensureAuditSigning } = await import('../server/audit/audit');
      await ensureAuditSigning(h.db);
      lines = (await runAdminCommand(h.db, command, args)).lines;
    } finally {
      await h.close();
    }
  }
  for (const l of lines) console.log(l);
}

main().catch((err) => {
  console.error(`error: ${isAppError(err) ? err.message : (err as Error).message}`);
  process.exit(isAppError(err) && err.status < 500 ? 2 : 1);
});

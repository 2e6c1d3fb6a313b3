import 'server-only';
import { randomUUID } from 'node:crypto';
import { asc } from 'drizzle-orm';
import type { Db } from '../db';
import { users } from '../db/schema';
import type { UserRow } from '../auth/users';
import { membershipNames, notSystemUser } from '../auth/users';
import { runAction, type Caller } from '../actions/run';
import { verifyConsoleAuditChain } from '../audit/audit';
import { AppError } from '../errors';
import { pluralize } from '@/lib/format';

// The admin CLI's commands (`npm run admin -- <command>`), run either in the CLI process (console not
// running) or inside the console through its loopback admin endpoint (console running): one implementation.

export const ADMIN_CLI_ACTOR: UserRow = {
  id: '00000000-0000-4000-8000-00000000c11a',
  email: 'admin-cli@localhost',
  displayName: 'Admin CLI',
  passwordHash: null,
  globalRole: 'ops_admin',
  globalRoleSource: null,
  status: 'active',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

export interface CommandResult {
  /** Lines for standard output; the last one is the machine-readable answer where a command has one. */
  lines: string[];
}

export const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-user     --email E [--role ops_admin|auditor] [--password P] [--name "Display Name"] [--workspace W]...
                  (a password is generated and printed when none is given)
  reset-password  --email E [--password P]
                  (ends all their sessions and revokes all their API tokens)
  create-token    --email E [--name N] [--expires-in 30d|never]      prints the token alone on the last line
                  (without --expires-in: HARBORMASTER_TOKEN_DEFAULT_DAYS, 90 days unless configured)
  list-users
  create-workspace --name N [--display-name D]
  add-member      --workspace W --email E
  disable-user    --email E
  verify-audit

Works whether or not the console is running on the same data directory (HARBORMASTER_DATA_DIR, default ./.data):
when it is, the command goes through the console's loopback admin endpoint.`;

type Args = Record<string, string | string[] | true>;

const one = (a: Args, k: string): string | undefined => {
  const v = a[k];
  if (v === undefined) return undefined;
  if (v === true) throw new AppError('bad_request', `--${k} needs a value`);
  return Array.isArray(v) ? v[v.length - 1] : v;
};
const need = (a: Args, k: string): string => {
  const v = one(a, k);
  if (!v) throw new AppError('bad_request', `--${k} is required`);
  return v;
};

export async function runAdminCommand(db: Db, command: string, args: Args): Promise<CommandResult> {
  const caller: Caller = { db, user: ADMIN_CLI_ACTOR, principal: { userId: ADMIN_CLI_ACTOR.id, globalRole: 'ops_admin', memberOf: [] }, requestId: randomUUID(), ip: 'cli', via: 'cli' };
  switch (command) {
    case 'create-user': {
      const ws = args.workspace === undefined ? undefined : ([] as string[]).concat(args.workspace as string | string[]);
      const role = one(args, 'role');
      const r = await runAction<{ user: { email: string }; initialPassword: string | null }>(
        'users.create',
        { email: need(args, 'email'), password: one(args, 'password'), displayName: one(args, 'name'), globalRole: role && role !== 'data_scientist' ? role : null, workspaces: ws },
        caller,
      );
      return { lines: [`created user ${r.user.email}`, ...(r.initialPassword ? [`password (shown once): ${r.initialPassword}`] : [])] };
    }
    case 'reset-password': {
      const r = await runAction<{ email: string; newPassword: string | null; sessionsEnded: number; tokensRevoked: number }>(
        'users.resetPassword',
        { email: need(args, 'email'), password: one(args, 'password') },
        caller,
      );
      return {
        lines: [
          `password reset for ${r.email}; ${pluralize(r.sessionsEnded, 'session')} ended, ${pluralize(r.tokensRevoked, 'API token')} revoked`,
          ...(r.newPassword ? [`new password (shown once): ${r.newPassword}`] : []),
        ],
      };
    }
    case 'create-token': {
      const r = await runAction<{ token: string; name: string; email: string; expiresAt: string | null }>(
        'tokens.issue',
        { email: need(args, 'email'), name: one(args, 'name'), expiresIn: one(args, 'expires-in') },
        caller,
      );
      return { lines: [`# token "${r.name}" for ${r.email}${r.expiresAt ? `, expires ${r.expiresAt}` : ', no expiry'}; shown once`, r.token] };
    }
    case 'list-users': {
      const rows = await db.select().from(users).where(notSystemUser()).orderBy(asc(users.email));
      const lines = await Promise.all(rows.map(async (u) => `${u.email}\t${u.globalRole ?? '-'}\t${u.status}\t${(await membershipNames(db, u.id)).join(',') || '-'}`));
      return { lines: ['email\trole\tstatus\tworkspaces', ...lines] };
    }
    case 'create-workspace': {
      const r = await runAction<{ name: string }>('workspaces.create', { name: need(args, 'name'), displayName: one(args, 'display-name') }, caller);
      return { lines: [`created workspace ${r.name}`] };
    }
    case 'add-member': {
      await runAction('members.add', { workspace: need(args, 'workspace'), email: need(args, 'email') }, caller);
      return { lines: [`added ${one(args, 'email')} to ${one(args, 'workspace')} as data scientist`] };
    }
    case 'disable-user': {
      await runAction('users.disable', { email: need(args, 'email') }, caller);
      return { lines: [`disabled ${one(args, 'email')}`] };
    }
    case 'verify-audit': {
      const v = await verifyConsoleAuditChain(db);
      return { lines: [v.ok ? `audit chain OK: ${v.checked} events` : `audit chain BROKEN at event ${v.firstBroken?.id}: ${v.firstBroken?.reason}`] };
    }
    default:
      throw new AppError('bad_request', `unknown command "${command}"\n\n${USAGE}`);
  }
}

/** `--a b --c --a d` → {a: ['b','d'], c: true} */
export function parseArgs(argv: string[]): { command: string; args: Args } {
  const [command = 'help', ...rest] = argv;
  const args: Args = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(rest[i]);
    if (!m) throw new AppError('bad_request', `unexpected argument "${rest[i]}"`);
    let v: string | true = m[2] !== undefined ? m[2] : true;
    if (m[2] === undefined && i + 1 < rest.length && !rest[i + 1].startsWith('--')) v = rest[++i];
    const prev = args[m[1]];
    args[m[1]] = prev === undefined ? v : ([] as (string | true)[]).concat(prev as string, v as string) as string[];
  }
  return { command, args };
}

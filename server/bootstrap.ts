import 'server-only';
import { count } from 'drizzle-orm';
import { getDbHandle, type Db } from './db';
import { users } from './db/schema';
import { issueSetupToken } from './auth/setup';
import { env } from './env';
import { logger } from './logger';
import { secretKey } from './secrets';
import { findUserByEmail, notSystemUser } from './auth/users';
import { passwordProblem, randomToken } from './auth/crypto';
import { ensureAuditSigning, writeAuditAlone } from './audit/audit';
import { startAdminEndpoint } from './admin/endpoint';
import { setBootstrapState } from './bootstrap-state';
import { startRuntime, stopRuntime } from './runtime/start';
import { isAppError } from './errors';

// Runs once per server start (instrumentation.ts): open + migrate the database (taking the data-directory
// lock), make sure an ops admin can sign in, start the loopback admin endpoint, seed the demo when asked.
export async function bootstrap(): Promise<void> {
  setBootstrapState({ phase: 'starting' });
  const e = env();
  let handle;
  try {
    handle = await getDbHandle();
  } catch (err) {
    const msg = isAppError(err) ? err.message : (err as Error).message;
    console.error(`\nHarbormaster cannot start: ${msg}\n`);
    setBootstrapState({ phase: 'failed', error: msg });
    process.exit(1);
  }
  const db = handle.db;
  secretKey();
  // The audit chain's signing key (outside the database); its first use is itself an audit event.
  const signing = await ensureAuditSigning(db);
  logger.info({ fingerprint: signing.fingerprint, source: signing.source }, 'audit chain signing key');
  installShutdown(async () => {
    await stopRuntime().catch(() => undefined);
    await handle.close();
  });
  // Effects after commit, status from informers, live notices (server/runtime/start.ts).
  startRuntime(db);
  await ensureAdmin(db);
  if (handle.dataDir || !e.DATABASE_URL) await startAdminEndpoint(db, e.dataDir);
  if (e.HARBORMASTER_DEMO) {
    setBootstrapState({ phase: 'seeding' });
    try {
      const { seedDemo } = await import('./demo/seed');
      await seedDemo(db);
    } catch (err) {
      logger.error({ err }, 'demo seeding failed');
      setBootstrapState({ phase: 'failed', error: `demo seeding failed: ${(err as Error).message}` });
      return;
    }
  }
  setBootstrapState({ phase: 'ready' });
  logger.info({ database: handle.kind, dataDir: handle.dataDir }, 'harbormaster ready');
}

/** For instrumentation: a console that cannot start says why and stops, instead of serving failing pages. */
export async function bootstrapOrExit(): Promise<void> {
  try {
    await bootstrap();
  } catch (e) {
    console.error(`\nHarbormaster cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

async function ensureAdmin(db: Db) {
  const e = env();
  if (!e.HARBORMASTER_LOCAL_ACCOUNTS) {
    // No local accounts: ops admins come from Entra ID (the app role mapped to ops_admin), at their first sign-in.
    const [{ n }] = await db.select({ n: count() }).from(users).where(notSystemUser());
    if (Number(n) === 0) console.log('\nLocal accounts are switched off: the first person with the Entra app role mapped to ops_admin (HARBORMASTER_ENTRA_ROLE_MAP) who signs in with Microsoft is an ops admin.\n');
    return;
  }
  if (e.HARBORMASTER_ADMIN_EMAIL) {
    const existing = await findUserByEmail(db, e.HARBORMASTER_ADMIN_EMAIL);
    if (!existing) {
      const problem = passwordProblem(e.HARBORMASTER_ADMIN_PASSWORD);
      if (problem) {
        console.error(`HARBORMASTER_ADMIN_PASSWORD: ${problem}; the ops admin ${e.HARBORMASTER_ADMIN_EMAIL} was not created.`);
      } else {
        const { runAction, systemCaller } = await import('./actions/run');
        await runAction(
          'users.create',
          { email: e.HARBORMASTER_ADMIN_EMAIL, password: e.HARBORMASTER_ADMIN_PASSWORD, globalRole: 'ops_admin', displayName: 'Ops admin' },
          await systemCaller(db, 'bootstrap'),
        );
        console.log(`Created ops admin ${e.HARBORMASTER_ADMIN_EMAIL} (from HARBORMASTER_ADMIN_EMAIL).`);
      }
    }
    return;
  }
  const [{ n }] = await db.select({ n: count() }).from(users).where(notSystemUser());
  if (Number(n) > 0 || e.HARBORMASTER_DEMO) return;
  // First run without an admin: a one-time setup link (24 h), printed once per start until used.
  const token = randomToken(24);
  await issueSetupToken(db, token);
  await writeAuditAlone(db, { requestId: 'bootstrap', actor: null, action: 'setup.linkIssued', outcome: 'success', message: 'one-time setup link printed to the server log' });
  const base = e.HARBORMASTER_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`;
  console.log(`\nNo users yet. Create the first ops admin here (one-time link, valid 24 hours):\n  ${base}/setup?token=${token}\n`);
}

function installShutdown(close: () => Promise<void>) {
  const g = globalThis as unknown as { __hmShutdown?: boolean };
  if (g.__hmShutdown) return;
  g.__hmShutdown = true;
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    close()
      .catch(() => undefined)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

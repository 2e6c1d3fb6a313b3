import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { appState, workspaces } from '../db/schema';
import { findUserByEmail } from '../auth/users';
import { runAction, systemCaller } from '../actions/run';
import { env } from '../env';
import { logger } from '../logger';
import { seedDemoClusters } from '../services/clusters-demo';
import { seedDemoCompute } from '../services/compute-demo';
import { seedDemoJobs } from '../services/jobs-demo';
import { seedDemoEndpoints } from '../services/endpoints-demo';

// `npm run demo` data (DESIGN §9), created through the actions as the system account (the audit log names it).
// Idempotent: a second run finds everything and changes nothing. Passwords are generated, printed once when
// the account is created, and never stored in clear.
export const DEMO_WORKSPACES = [
  { name: 'vision', displayName: 'Vision', description: 'Image classification and detection models' },
  { name: 'forecasting', displayName: 'Forecasting', description: 'Demand and energy forecasting' },
];

export const DEMO_USERS = [
  { email: 'ops@harbormaster.local', displayName: 'Olivia Ops', globalRole: 'ops_admin' as const, workspaces: [] as string[] },
  { email: 'dana@harbormaster.local', displayName: 'Dana (data scientist, vision)', globalRole: null, workspaces: ['vision'] },
  { email: 'farid@harbormaster.local', displayName: 'Farid (data scientist, forecasting)', globalRole: null, workspaces: ['forecasting'] },
  { email: 'audrey@harbormaster.local', displayName: 'Audrey Auditor', globalRole: 'auditor' as const, workspaces: [] as string[] },
];

/** Workspaces and accounts, then clusters (registered, extension installed), then instance types and compute targets. */
export async function seedDemo(db: Db): Promise<void> {
  const printed: string[] = [];
  const e = env();
  const caller = await systemCaller(db, 'demo-seed');
  for (const w of DEMO_WORKSPACES) {
    const [exists] = await db.select().from(workspaces).where(eq(workspaces.name, w.name));
    if (!exists) await runAction('workspaces.create', w, caller);
  }
  const usersToSeed = DEMO_USERS.filter((u) => !(u.globalRole === 'ops_admin' && e.HARBORMASTER_ADMIN_EMAIL));
  for (const u of usersToSeed) {
    if (await findUserByEmail(db, u.email)) continue;
    // No password given: the action generates one and answers it this once.
    const r = await runAction<{ initialPassword: string | null }>('users.create', { email: u.email, displayName: u.displayName, globalRole: u.globalRole, workspaces: u.workspaces }, caller);
    printed.push(`  ${(u.globalRole ?? 'data_scientist').padEnd(15)} ${u.email.padEnd(28)} ${r.initialPassword}`);
  }
  await db.insert(appState).values({ key: 'demo.seeded', value: { at: new Date().toISOString() } }).onConflictDoNothing();
  await seedDemoClusters(db, undefined, caller);
  await seedDemoCompute(db, caller);
  await seedDemoJobs(db);
  await seedDemoEndpoints(db);
  if (printed.length) {
    console.log(`\nDemo accounts (passwords are shown this once; reset with: npm run admin -- reset-password --email <email>):\n${printed.join('\n')}\n`);
  } else {
    logger.info('demo data already present; accounts unchanged (reset a password with npm run admin -- reset-password --email <email>)');
    console.log('\nDemo data already present: accounts kept (passwords were printed on the first run; reset with npm run admin -- reset-password --email <email>).\n');
  }
}

import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { appState, memberships, workspaces } from '../db/schema';
import { createLocalUser, findUserByEmail } from '../auth/users';
import { randomPassword } from '../auth/crypto';
import { writeAudit } from '../audit/audit';
import { env } from '../env';
import { logger } from '../logger';

// `npm run demo` data (DESIGN §9). Idempotent: a second run finds everything and changes nothing.
// Passwords are generated, printed once when the account is created, and never stored in clear.
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

type Extra = (db: Db) => Promise<void>;
const g = globalThis as unknown as { __hmDemoExtras?: Extra[] };
/** Later features (clusters, instance types, jobs) add their demo seeding here. */
export function addDemoSeeding(fn: Extra) {
  (g.__hmDemoExtras ??= []).push(fn);
}

export async function seedDemo(db: Db): Promise<void> {
  const printed: string[] = [];
  const e = env();
  await db.transaction(async (tx) => {
    for (const w of DEMO_WORKSPACES) {
      const [exists] = await tx.select().from(workspaces).where(eq(workspaces.name, w.name));
      if (!exists) {
        await tx.insert(workspaces).values(w);
        await writeAudit(tx, { requestId: 'demo-seed', actor: null, action: 'workspaces.create', targetType: 'workspace', targetName: w.name, workspace: w.name, outcome: 'success', message: 'demo seed', after: w });
      }
    }
    const usersToSeed = DEMO_USERS.map((u) => (u.globalRole === 'ops_admin' && e.HARBORMASTER_ADMIN_EMAIL ? null : u)).filter((u) => u !== null);
    for (const u of usersToSeed) {
      if (await findUserByEmail(tx, u.email)) continue;
      const password = randomPassword();
      const row = await createLocalUser(tx, { email: u.email, displayName: u.displayName, password, globalRole: u.globalRole });
      for (const wn of u.workspaces) {
        const [w] = await tx.select().from(workspaces).where(eq(workspaces.name, wn));
        await tx.insert(memberships).values({ workspaceId: w.id, userId: row.id });
      }
      await writeAudit(tx, { requestId: 'demo-seed', actor: null, action: 'users.create', targetType: 'user', targetName: u.email, outcome: 'success', message: 'demo seed', after: { email: u.email, globalRole: u.globalRole, workspaces: u.workspaces } });
      printed.push(`  ${(u.globalRole ?? 'data_scientist').padEnd(15)} ${u.email.padEnd(28)} ${password}`);
    }
    await tx
      .insert(appState)
      .values({ key: 'demo.seeded', value: { at: new Date().toISOString() } })
      .onConflictDoUpdate({ target: appState.key, set: { value: { at: new Date().toISOString() }, updatedAt: new Date() } });
  });
  for (const extra of g.__hmDemoExtras ?? []) await extra(db);
  if (printed.length) {
    console.log(`\nDemo accounts (passwords are shown this once; reset with: npm run admin -- reset-password --email <email>):\n${printed.join('\n')}\n`);
  } else {
    logger.info('demo data already present; accounts unchanged (reset a password with npm run admin -- reset-password --email <email>)');
    console.log('\nDemo data already present: accounts kept (passwords were printed on the first run; reset with npm run admin -- reset-password --email <email>).\n');
  }
}

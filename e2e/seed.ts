// Seeds an e2e data directory before the console starts (the console then opens it itself).
// Run with: tsx --conditions=react-server e2e/seed.ts <dataDir>
import { openDatabase } from '../server/db/client';
import { createLocalUser } from '../server/auth/users';
import { memberships, workspaces } from '../server/db/schema';
import { E2E_USERS, E2E_WORKSPACES } from './users';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: e2e/seed.ts <dataDir>');
const h = await openDatabase({ dataDir, purpose: 'e2e seed' });
const ids: Record<string, string> = {};
for (const name of E2E_WORKSPACES) {
  const [w] = await h.db.insert(workspaces).values({ name, displayName: name[0].toUpperCase() + name.slice(1) }).returning();
  ids[name] = w.id;
}
for (const u of Object.values(E2E_USERS)) {
  const row = await createLocalUser(h.db, { email: u.email, password: u.password, globalRole: u.role });
  for (const w of u.workspaces) await h.db.insert(memberships).values({ workspaceId: ids[w], userId: row.id });
}
await h.close();
console.log(`seeded ${dataDir}`);

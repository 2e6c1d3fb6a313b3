// Seeds a database for a console the process-level specs start themselves (runtime-*.spec.ts): the e2e cast
// (e2e/users.ts) and their workspaces, plus one personal access token per role, printed as JSON on the last
// line of stdout. Either the embedded database of a data directory or a PostgreSQL server (migrated here).
// Run with: tsx --conditions=react-server e2e/seed-process.ts (--data-dir DIR | --url postgres://…)
import { openDatabase } from '../server/db/client';
import { createLocalUser } from '../server/auth/users';
import { issueToken } from '../server/auth/tokens';
import { memberships, workspaces } from '../server/db/schema';
import { E2E_USERS, E2E_WORKSPACES, type E2ERole } from './users';

const [flag, value] = process.argv.slice(2);
if (!value || (flag !== '--data-dir' && flag !== '--url')) throw new Error('usage: e2e/seed-process.ts (--data-dir DIR | --url postgres://…)');
const h = await openDatabase(flag === '--url' ? { url: value } : { dataDir: value, purpose: 'e2e seed' });
try {
  const ids: Record<string, string> = {};
  for (const name of E2E_WORKSPACES) {
    const [w] = await h.db.insert(workspaces).values({ name, displayName: name[0].toUpperCase() + name.slice(1) }).returning();
    ids[name] = w.id;
  }
  const tokens: Partial<Record<E2ERole, string>> = {};
  for (const [role, u] of Object.entries(E2E_USERS) as [E2ERole, (typeof E2E_USERS)[E2ERole]][]) {
    const row = await createLocalUser(h.db, { email: u.email, password: u.password, globalRole: u.role });
    for (const w of u.workspaces) await h.db.insert(memberships).values({ workspaceId: ids[w], userId: row.id });
    tokens[role] = (await issueToken(h.db, row.id, 'e2e-process', new Date(Date.now() + 86_400_000))).token;
  }
  console.log(JSON.stringify({ tokens }));
} finally {
  await h.close();
}

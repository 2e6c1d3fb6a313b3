import 'server-only';
import type { Principal } from '@/lib/rbac/permissions';
import type { CommandEntry, UnreachableCluster } from '@/components/shell/nav-model';
import { getDb } from './db';
import { listWorkspaces } from './services/workspaces';

/** Data the shell shows on every page: command-palette entries and unreachable clusters. */
export async function extraShellData(p: Principal): Promise<{ commandEntries: CommandEntry[]; unreachableClusters: UnreachableCluster[] }> {
  const db = await getDb();
  const ws = await listWorkspaces(db, p);
  const commandEntries: CommandEntry[] = ws.map((w) => ({
    label: w.displayName || w.name,
    href: p.globalRole === 'ops_admin' ? `/ops/workspaces/${w.name}` : `/w/${w.name}`,
    group: 'Workspaces',
    keywords: [w.name],
  }));
  return { commandEntries, unreachableClusters: [] };
}

import 'server-only';
import type { Principal } from '@/lib/rbac/permissions';
import type { CommandEntry, UnreachableCluster } from '@/components/shell/nav-model';
import { getDb } from './db';
import { listWorkspaces } from './services/workspaces';
import { can } from '@/lib/rbac/permissions';
import { shellClusterInfo } from './services/clusters-view';

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
  let unreachableClusters: UnreachableCluster[] = [];
  if (can(p, 'clusters.read')) {
    // A broken cluster must never break the shell: any failure here just hides the strip.
    const info = await shellClusterInfo(db).catch(() => ({ all: [], unreachable: [] }));
    for (const c of info.all) {
      commandEntries.push({ label: c.displayName || c.name, href: `/ops/clusters/${c.name}`, group: 'Clusters', keywords: [c.name, c.location, c.region].filter(Boolean), hint: [c.location, c.region].filter(Boolean).join(' · ') });
    }
    unreachableClusters = info.unreachable.map((u) => ({ name: u.name, reason: u.reason, href: `/ops/clusters/${u.name}` }));
  }
  return { commandEntries, unreachableClusters };
}

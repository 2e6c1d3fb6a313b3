import { notFound } from 'next/navigation';
import { PartialBanner } from '@/components/ui/partial-banner';
import { ComputeTargetsPanel } from '@/components/compute/compute-targets-panel';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { listClusterComputeTargetViews } from '@/server/services/compute-targets-view';
import { clusterChoices } from '@/server/services/compute-pages';
import { markAzureClusters } from '@/server/services/azure-pages';
import { listWorkspaces } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export default async function ClusterComputeTargets({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const r = await listClusterComputeTargetViews(db, row);
  const canManage = can(principal, 'compute.manage');
  const workspaces = canManage ? (await listWorkspaces(db, principal)).map((w) => w.name) : [];
  const clusters = canManage ? await markAzureClusters(db, await clusterChoices(db, [row])) : [];
  return (
    <div className="grid gap-4">
      <p className="text-sm text-muted-foreground">
        Workspaces using this cluster, each in its own namespace, with quota used vs limit. Namespaces in use: {r.items.length ? [...new Set(r.items.map((t) => t.namespace))].map((n) => <span key={n} className="mr-1.5 font-mono">{n}</span>) : 'none'}.
      </p>
      <PartialBanner errors={r.errors} total={1} />
      <ComputeTargetsPanel targets={r.items} canManage={canManage} workspaces={workspaces} clusters={clusters} perspective="cluster" />
    </div>
  );
}

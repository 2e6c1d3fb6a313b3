import { notFound } from 'next/navigation';
import { PartialBanner } from '@/components/ui/partial-banner';
import { InstanceTypesPanel } from '@/components/instance-types/instance-types-table';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { listClusterInstanceTypes } from '@/server/services/instance-types';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export default async function ClusterInstanceTypes({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const r = await listClusterInstanceTypes(db, row);
  const canManage = can(principal, 'instancetypes.manage');
  return (
    <div className="grid gap-4">
      <PartialBanner errors={r.errors} total={1} />
      {r.live && !r.crdInstalled ? (
        <p role="status" className="rounded-md border border-info/40 bg-info-soft px-3 py-2 text-sm text-info-text">
          The InstanceType CRD is not installed: install the ML extension to add instance types. Workloads get the implicit default until then.
        </p>
      ) : null}
      <InstanceTypesPanel items={r.items.map((i) => ({ ...i, cluster: row.name }))} clusters={r.crdInstalled ? [row.name] : []} canManage={canManage} />
    </div>
  );
}

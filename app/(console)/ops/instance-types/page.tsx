import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { PartialBanner } from '@/components/ui/partial-banner';
import { InstanceTypesPanel } from '@/components/instance-types/instance-types-table';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { allInstanceTypes } from '@/server/services/compute-pages';
import { can } from '@/lib/rbac/permissions';

export const metadata: Metadata = { title: 'Instance types' };
export const dynamic = 'force-dynamic';

export default async function InstanceTypesPage() {
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const r = await allInstanceTypes(db);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Instance types"
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Instance types' }]}
        description="Named sizes (CPU, memory, GPU, node selector) on every cluster, with how many fit now and on an empty cluster. Same custom resource as Azure ML: kubectl edits show up here live."
      />
      <PartialBanner errors={r.errors} total={r.clusters.length} />
      {r.withoutCrd.length ? (
        <p role="status" className="rounded-md border border-info/40 bg-info-soft px-3 py-2 text-sm text-info-text">
          No InstanceType CRD on {r.withoutCrd.join(', ')}: install the ML extension there to add instance types (only the implicit default is listed).
        </p>
      ) : null}
      <InstanceTypesPanel items={r.items} clusters={r.clusters} canManage={can(principal, 'instancetypes.manage')} showCluster />
    </div>
  );
}

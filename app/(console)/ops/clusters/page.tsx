import type { Metadata } from 'next';
import { Server } from 'lucide-react';
import { PageHeader } from '@/components/ui/page-header';
import { PartialBanner } from '@/components/ui/partial-banner';
import { EmptyState } from '@/components/ui/empty-state';
import { ClustersTable } from '@/components/clusters/clusters-table';
import { RegisterClusterDialog } from '@/components/clusters/register-cluster-dialog';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listClusterSummaries } from '@/server/services/clusters-view';
import { can } from '@/lib/rbac/permissions';

export const metadata: Metadata = { title: 'Clusters' };
export const dynamic = 'force-dynamic';

export default async function ClustersPage() {
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const { items, errors } = await listClusterSummaries(db);
  const canManage = can(principal, 'clusters.manage');
  return (
    <div className="space-y-6">
      <PageHeader
        title="Clusters"
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Clusters' }]}
        description="Kubernetes clusters Harbormaster runs ML work on: health, capacity and the ML extension."
        primaryAction={canManage ? <RegisterClusterDialog /> : undefined}
      />
      <PartialBanner errors={errors} total={items.length} />
      <ClustersTable
        clusters={items}
        empty={
          <EmptyState
            icon={Server}
            title="No clusters yet"
            description={canManage ? 'Register a cluster with its kubeconfig: Harbormaster checks it, then you install the ML extension.' : 'An ops admin registers clusters here.'}
            action={canManage ? <RegisterClusterDialog /> : undefined}
          />
        }
      />
    </div>
  );
}

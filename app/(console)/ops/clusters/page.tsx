import type { Metadata } from 'next';
import { Server } from 'lucide-react';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui/page-header';
import { EmptyState } from '@/components/ui/empty-state';
import { LiveClusters } from '@/components/clusters/live-clusters';
import { RegisterClusterDialog } from '@/components/clusters/register-cluster-dialog';
import { liveQueries } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listClusterSummaries } from '@/server/services/clusters-view';
import { can } from '@/lib/rbac/permissions';

export const metadata: Metadata = { title: 'Clusters' };
export const dynamic = 'force-dynamic';

export default async function ClustersPage() {
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  // Rendered here, then handed to react-query in the browser, where the clusters stream keeps it current.
  const queryClient = new QueryClient();
  await queryClient.fetchQuery({ queryKey: liveQueries.clusters().queryKey, queryFn: () => listClusterSummaries(db) });
  const canManage = can(principal, 'clusters.manage');
  return (
    <div className="space-y-6">
      <PageHeader
        title="Clusters"
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Clusters' }]}
        description="Kubernetes clusters Harbormaster runs ML work on: health, capacity and the ML extension."
        primaryAction={canManage ? <RegisterClusterDialog /> : undefined}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <LiveClusters
          empty={
            <EmptyState
              icon={Server}
              title="No clusters yet"
              description={canManage ? 'Register a cluster with its kubeconfig: Harbormaster checks it, then you install the ML extension.' : 'An ops admin registers clusters here.'}
              action={canManage ? <RegisterClusterDialog /> : undefined}
            />
          }
        />
      </HydrationBoundary>
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { Plus } from 'lucide-react';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LiveEndpointsTable } from '@/components/endpoints/live-endpoints-table';
import { endpointQueries } from '@/components/endpoints/endpoint-queries';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listEndpoints } from '@/server/services/endpoints';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Endpoints' };

export default async function EndpointsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('endpoints.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // Rendered here, then handed to react-query in the browser, where the endpoints stream keeps it current.
  const queryClient = new QueryClient();
  await queryClient.fetchQuery({ queryKey: endpointQueries.endpoints(workspace).queryKey, queryFn: async () => ({ items: await listEndpoints(db, workspace) }), retry: false });
  const canManage = can(principal, 'endpoints.manage', workspace);
  const create = (
    <Button asChild>
      <Link href={`/w/${workspace}/endpoints/new`}>
        <Plus aria-hidden /> Create endpoint
      </Link>
    </Button>
  );
  return (
    <div className="space-y-6">
      <PageHeader
        title="Endpoints"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Endpoints' }]}
        description="Online endpoints serve models over HTTPS with a key. Each endpoint has deployments (blue, green …) and splits its traffic between them, so a new version takes a share of requests before it takes them all."
        primaryAction={canManage ? create : undefined}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <LiveEndpointsTable
          workspace={workspace}
          empty={
            <EmptyState
              title="No endpoints yet"
              description={
                <>
                  Create an endpoint on one of this workspace’s compute targets, with the form or an Azure ML endpoint YAML file (
                  <code className="font-mono text-xs">az ml online-endpoint create --file endpoint.yml</code> works too), then add a deployment to it.
                </>
              }
              action={canManage ? create : undefined}
              className="border-0"
            />
          }
        />
      </HydrationBoundary>
    </div>
  );
}

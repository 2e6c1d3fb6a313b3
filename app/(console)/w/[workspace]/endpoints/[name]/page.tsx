import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { EndpointView } from '@/components/endpoints/endpoint-view';
import { endpointQueries } from '@/components/endpoints/endpoint-queries';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { getEndpoint, getEndpointRecord, listDeployments } from '@/server/services/endpoints';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Endpoint ${decodeURIComponent((await params).name)}` };
}

export default async function EndpointPage({ params }: { params: Promise<{ workspace: string; name: string }> }) {
  const { workspace, name: raw } = await params;
  const name = decodeURIComponent(raw);
  const { principal } = await requirePermission('endpoints.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // Rendered here, then handed to react-query in the browser, where the endpoint's streams keep it current.
  const queryClient = new QueryClient();
  let source: { format: 'yaml' | 'json'; text: string } | null = null;
  try {
    await queryClient.fetchQuery({ queryKey: endpointQueries.endpoint(workspace, name).queryKey, queryFn: () => getEndpoint(db, workspace, name), retry: false });
    const rec = await getEndpointRecord(db, workspace, name);
    source = rec.row.source ? { format: rec.row.sourceFormat === 'json' ? 'json' : 'yaml', text: rec.row.source } : null;
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  await queryClient.prefetchQuery({ queryKey: endpointQueries.deployments(workspace, name).queryKey, queryFn: async () => ({ items: await listDeployments(db, workspace, name) }), retry: false });
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <EndpointView
        workspace={workspace}
        workspaceLabel={w.displayName || w.name}
        name={name}
        canManage={can(principal, 'endpoints.manage', workspace)}
        canKeys={can(principal, 'endpoints.keys', workspace)}
        source={source}
      />
    </HydrationBoundary>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { DeploymentView } from '@/components/endpoints/deployment-view';
import { endpointQueries } from '@/components/endpoints/endpoint-queries';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { deploymentDetail } from '@/server/services/endpoint-status';
import { getDeploymentRow, getEndpointRecord } from '@/server/services/endpoints';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string; deployment: string }> }): Promise<Metadata> {
  const p = await params;
  return { title: `Deployment ${decodeURIComponent(p.name)}/${decodeURIComponent(p.deployment)}` };
}

export default async function DeploymentPage({ params }: { params: Promise<{ workspace: string; name: string; deployment: string }> }) {
  const { workspace, name: rawName, deployment: rawDeployment } = await params;
  const [name, deployment] = [decodeURIComponent(rawName), decodeURIComponent(rawDeployment)];
  const { principal } = await requirePermission('endpoints.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // Rendered here, then handed to react-query in the browser, where the deployment's stream keeps it current.
  const queryClient = new QueryClient();
  let source: { format: 'yaml' | 'json'; text: string } | null = null;
  try {
    await queryClient.fetchQuery({ queryKey: endpointQueries.deployment(workspace, name, deployment).queryKey, queryFn: () => deploymentDetail(db, workspace, name, deployment), retry: false });
    const row = await getDeploymentRow(db, (await getEndpointRecord(db, workspace, name)).row, deployment);
    source = row.source ? { format: row.sourceFormat === 'json' ? 'json' : 'yaml', text: row.source } : null;
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DeploymentView workspace={workspace} workspaceLabel={w.displayName || w.name} endpoint={name} name={deployment} canManage={can(principal, 'endpoints.manage', workspace)} source={source} />
    </HydrationBoundary>
  );
}

import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { EndpointEditor } from '@/components/endpoints/endpoint-editor';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listComputeTargets } from '@/server/services/compute-targets';
import { getWorkspace } from '@/server/services/workspaces';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Create endpoint' };

export default async function NewEndpointPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('endpoints.manage', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  const targets = (await listComputeTargets(db, workspace)).map((t) => ({ name: t.row.name, cluster: t.cluster.name, namespace: t.row.namespace }));
  return (
    <div className="space-y-6">
      <PageHeader
        title="Create endpoint"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Endpoints', href: `/w/${workspace}/endpoints` }, { label: 'New' }]}
        description="An Azure ML online endpoint on one of this workspace’s compute targets, as a form or as YAML. It gets a scoring URI and two keys; deployments added to it serve the requests."
      />
      <EndpointEditor workspace={workspace} targets={targets} />
    </div>
  );
}

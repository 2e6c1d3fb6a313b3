import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/page-header';
import { DeploymentEditor } from '@/components/endpoints/deployment-editor';
import { deploymentTemplate, nextDeploymentName } from '@/components/endpoints/endpoint-documents';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { targetInstanceTypes } from '@/server/services/compute-targets-view';
import { getEndpoint, getEndpointRecord } from '@/server/services/endpoints';
import { getWorkspace } from '@/server/services/workspaces';
import { instanceTypeOption } from '@/lib/jobs/instance-type-options';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Add deployment' };

export default async function NewDeploymentPage({ params }: { params: Promise<{ workspace: string; name: string }> }) {
  const { workspace, name: raw } = await params;
  const name = decodeURIComponent(raw);
  const { principal } = await requirePermission('endpoints.manage', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  let endpoint, rec;
  try {
    [endpoint, rec] = await Promise.all([getEndpoint(db, workspace, name), getEndpointRecord(db, workspace, name)]);
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  // The target's instance types for the picker; a cluster that cannot be read leaves only the default.
  const types = await targetInstanceTypes(db, rec.target, { waitMs: 2000 }).then((v) => v.items.map(instanceTypeOption), () => []);
  const ws = `/w/${workspace}`;
  const next = nextDeploymentName(endpoint.deployments.map((d) => d.name));
  return (
    <div className="space-y-6">
      <PageHeader
        title={
          <>
            Add deployment to <span className="font-mono">{name}</span>
          </>
        }
        breadcrumb={[{ label: w.displayName || w.name, href: ws }, { label: 'Endpoints', href: `${ws}/endpoints` }, { label: name, href: `${ws}/endpoints/${encodeURIComponent(name)}` }, { label: 'Add deployment' }]}
        description={`A model server on ${endpoint.computeTarget} (${endpoint.cluster}). It starts with no traffic: once it is Healthy, give it a share on the endpoint's Traffic tab. Validate shows the Kubernetes objects it becomes, checked by the cluster's API server.`}
      />
      <DeploymentEditor
        workspace={workspace}
        endpoint={name}
        initialYaml={deploymentTemplate(name, next)}
        instanceTypes={types.map((t) => ({ name: t.name, summary: t.summary }))}
        defaultInstanceType={rec.target.row.defaultInstanceType}
      />
    </div>
  );
}

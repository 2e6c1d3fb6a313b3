import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/page-header';
import { DeploymentEditor } from '@/components/endpoints/deployment-editor';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { targetInstanceTypes } from '@/server/services/compute-targets-view';
import { getDeploymentRow, getEndpointRecord } from '@/server/services/endpoints';
import { getWorkspace } from '@/server/services/workspaces';
import { instanceTypeOption } from '@/lib/jobs/instance-type-options';
import { toYaml } from '@/lib/jobs/yaml-positions';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ deployment: string }> }): Promise<Metadata> {
  return { title: `Edit deployment ${decodeURIComponent((await params).deployment)}` };
}

export default async function EditDeploymentPage({ params }: { params: Promise<{ workspace: string; name: string; deployment: string }> }) {
  const { workspace, name: rawName, deployment: rawDeployment } = await params;
  const [name, deployment] = [decodeURIComponent(rawName), decodeURIComponent(rawDeployment)];
  const { principal } = await requirePermission('endpoints.manage', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  let rec, row;
  try {
    rec = await getEndpointRecord(db, workspace, name);
    row = await getDeploymentRow(db, rec.row, deployment);
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  const types = await targetInstanceTypes(db, rec.target, { waitMs: 2000 }).then((v) => v.items.map(instanceTypeOption), () => []);
  // Start from the file as it was last sent (a JSON one as YAML).
  let yaml = row.source;
  if (row.sourceFormat === 'json') {
    try {
      yaml = toYaml(JSON.parse(row.source));
    } catch {
      /* kept as sent */
    }
  }
  const ws = `/w/${workspace}`;
  const ep = `${ws}/endpoints/${encodeURIComponent(name)}`;
  return (
    <div className="space-y-6">
      <PageHeader
        title={
          <>
            Edit deployment <span className="font-mono">{deployment}</span>
          </>
        }
        breadcrumb={[
          { label: w.displayName || w.name, href: ws },
          { label: 'Endpoints', href: `${ws}/endpoints` },
          { label: name, href: ep },
          { label: deployment, href: `${ep}/deployments/${encodeURIComponent(deployment)}` },
          { label: 'Edit' },
        ]}
        description="The deployment's file as last sent. Saving rolls the change out: new replicas start and become Ready before the old ones stop; a changed instance type is rolled out too. Its share of traffic does not change."
      />
      <DeploymentEditor
        workspace={workspace}
        endpoint={name}
        name={deployment}
        initialYaml={yaml}
        instanceTypes={types.map((t) => ({ name: t.name, summary: t.summary }))}
        defaultInstanceType={rec.target.row.defaultInstanceType}
      />
    </div>
  );
}

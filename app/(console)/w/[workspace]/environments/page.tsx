import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { EmptyState } from '@/components/ui/empty-state';
import { EnvironmentsTable } from '@/components/environments/environments-table';
import { CreateEnvironmentDialog } from '@/components/environments/create-environment-dialog';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listEnvironments } from '@/server/services/environments';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Environments' };

export default async function EnvironmentsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('jobs.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  const items = await listEnvironments(db, workspace);
  const canManage = can(principal, 'environments.manage', workspace);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Environments"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Environments' }]}
        description="Names for container images, as Azure ML's azureml:<name>:<version> references. Curated Azure ML environments (azureml:AzureML-<name>@latest) resolve to Microsoft's images without being registered here."
        primaryAction={canManage ? <CreateEnvironmentDialog workspace={workspace} /> : undefined}
      />
      <EnvironmentsTable
        workspace={workspace}
        items={items}
        canManage={canManage}
        empty={<EmptyState title="No environments yet" description="Register an image under a name and version; job files then refer to it as azureml:<name>:<version>." action={canManage ? <CreateEnvironmentDialog workspace={workspace} /> : undefined} />}
      />
    </div>
  );
}

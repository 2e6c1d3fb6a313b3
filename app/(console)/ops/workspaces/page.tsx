import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { WorkspacesTable } from '@/components/workspaces/workspaces-table';
import { CreateWorkspaceDialog } from '@/components/workspaces/create-workspace-dialog';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listWorkspaces } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const metadata: Metadata = { title: 'Workspaces' };
export const dynamic = 'force-dynamic';

export default async function WorkspacesPage() {
  const { principal } = await requirePermission('users.read');
  const db = await getDb();
  const items = await listWorkspaces(db, principal, { includeArchived: true });
  const canManage = can(principal, 'workspaces.manage');
  return (
    <div className="space-y-6">
      <PageHeader
        title="Workspaces"
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Workspaces' }]}
        description="Team boundaries: each workspace has its members (data scientists) and, once clusters are attached, its compute targets and quotas."
        primaryAction={canManage ? <CreateWorkspaceDialog /> : undefined}
      />
      <WorkspacesTable workspaces={items} canManage={canManage} />
    </div>
  );
}

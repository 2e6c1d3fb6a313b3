import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { ConnectionsTable } from '@/components/azure/connections-table';
import { NewConnectionDialog } from '@/components/azure/new-connection-dialog';
import { requirePermission } from '@/server/auth/current';
import { entraConfig } from '@/server/auth/entra';
import { getDb } from '@/server/db';
import { azureConnectionViews } from '@/server/services/azure-pages';
import { can } from '@/lib/rbac/permissions';

export const metadata: Metadata = { title: 'Azure' };
export const dynamic = 'force-dynamic';

export default async function AzurePage() {
  const { principal } = await requirePermission('azure.read');
  const connections = await azureConnectionViews(await getDb());
  const canManage = can(principal, 'azure.manage');
  const create = canManage ? <NewConnectionDialog entraSignIn={entraConfig() !== null} /> : undefined;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Azure"
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Azure' }]}
        description="Connections to Azure Resource Manager: discover AKS and Arc clusters to register, and Azure ML workspaces to link. Open a connection to browse its subscriptions."
        primaryAction={create}
      />
      <ConnectionsTable connections={connections} canManage={canManage} emptyAction={create} />
    </div>
  );
}

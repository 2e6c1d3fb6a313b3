import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PageHeader } from '@/components/ui/page-header';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { MembersPanel } from '@/components/workspaces/members-panel';
import { WorkspaceSettings } from '@/components/workspaces/workspace-settings';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { workspaceByName, workspaceDto, workspaceMembers } from '@/server/services/workspaces';
import { activeUserEmails } from '@/server/services/users';
import { isAppError } from '@/server/errors';
import { can } from '@/lib/rbac/permissions';
import { PartialBanner } from '@/components/ui/partial-banner';
import { ComputeTargetsPanel } from '@/components/compute/compute-targets-panel';
import { listComputeTargetViews } from '@/server/services/compute-targets-view';
import { clusterChoices } from '@/server/services/compute-pages';
import { WorkspaceAzureLinkCard } from '@/components/azure/workspace-azure-link';
import { azureConnectionChoices, markAzureClusters, workspaceAzureLinkView } from '@/server/services/azure-pages';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ workspace: string }> }): Promise<Metadata> {
  return { title: `Workspace ${(await params).workspace}` };
}

export default async function WorkspaceDetail({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('users.read');
  const db = await getDb();
  const w = await workspaceByName(db, workspace).catch((e) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const members = await workspaceMembers(db, w.id);
  const canManage = can(principal, 'members.manage');
  const candidates = canManage
    ? (await activeUserEmails(db)).filter((e) => !members.some((m) => m.email === e))
    : [];
  const dto = workspaceDto(w);
  // Compute targets of the workspace across clusters (ops admins attach, edit and detach; auditors read).
  const compute = await listComputeTargetViews(db, w.name);
  const canCompute = can(principal, 'compute.manage') && dto.status === 'active';
  const computeClusters = canCompute ? await markAzureClusters(db, await clusterChoices(db)) : [];
  // The Azure ML link (ops admins link and unlink; auditors read).
  const canAzure = can(principal, 'azure.read');
  const canLinkAzure = can(principal, 'azure.manage') && dto.status === 'active';
  const azureLink = canAzure ? await workspaceAzureLinkView(db, w) : null;
  const azureConnections = canLinkAzure ? await azureConnectionChoices(db) : [];
  return (
    <div className="space-y-6">
      <PageHeader
        title={dto.displayName || dto.name}
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Workspaces', href: '/ops/workspaces' }, { label: dto.name }]}
        description={dto.description || undefined}
        status={dto.status === 'archived' ? <Badge tone="neutral">Archived</Badge> : <Badge tone="success">Active</Badge>}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <MembersPanel workspace={dto.name} members={members} candidates={candidates} canManage={canManage} />
        </div>
        <Card>
          <CardHeader>
            <CardTitle>Settings</CardTitle>
            <CardDescription>
              Name (URL key): <span className="font-mono">{dto.name}</span>
            </CardDescription>
          </CardHeader>
          <CardContent>
            <WorkspaceSettings workspace={dto} canManage={can(principal, 'workspaces.manage')} />
          </CardContent>
        </Card>
      </div>
      {canAzure && <WorkspaceAzureLinkCard workspace={dto.name} link={azureLink} connections={azureConnections} canManage={canLinkAzure} />}
      <section aria-labelledby="compute-heading" className="space-y-3">
        <h2 id="compute-heading" className="text-base font-semibold">Compute targets</h2>
        <PartialBanner errors={compute.errors} total={new Set(compute.items.map((t) => t.cluster)).size} />
        <ComputeTargetsPanel targets={compute.items} canManage={canCompute} workspaces={[dto.name]} clusters={computeClusters} perspective="workspace" />
      </section>
    </div>
  );
}

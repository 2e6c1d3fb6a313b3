import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { MonoText } from '@/components/ui/mono-text';
import { AzureDiscovery } from '@/components/azure/azure-discovery';
import { DeleteConnectionButton, TestConnectionButton } from '@/components/azure/connection-actions';
import { UsedBy } from '@/components/azure/connections-table';
import { EditConnectionDialog } from '@/components/azure/edit-connection-dialog';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { azureConnectionView, linkedMlWorkspaces, registeredAzureClusters } from '@/server/services/azure-pages';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ connection: string }> }): Promise<Metadata> {
  return { title: `Azure connection ${(await params).connection}` };
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="min-w-0 text-sm">{children}</dd>
    </div>
  );
}

export default async function AzureConnectionPage({ params, searchParams }: { params: Promise<{ connection: string }>; searchParams: Promise<{ subscription?: string }> }) {
  const { connection } = await params;
  const { subscription } = await searchParams;
  const { principal } = await requirePermission('azure.read');
  const db = await getDb();
  const c = await azureConnectionView(db, connection).catch((e) => {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  });
  const [registered, linked] = await Promise.all([registeredAzureClusters(db), linkedMlWorkspaces(db)]);
  const canManage = can(principal, 'azure.manage');
  const none = <span className="text-muted-foreground">—</span>;
  return (
    <div className="space-y-6">
      <PageHeader
        title={c.name}
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Azure', href: '/ops/azure' }, { label: c.name }]}
        status={<Badge tone="outline">{c.kindLabel}</Badge>}
        description="Browse what this identity sees in Azure: register AKS and Arc clusters, and see which Azure ML workspaces are linked."
        primaryAction={
          canManage ? (
            <div className="flex gap-2">
              <EditConnectionDialog name={c.name} kind={c.kind} stored={c} size="md" />
              <TestConnectionButton name={c.name} size="md" />
              <DeleteConnectionButton name={c.name} usedBy={c.usedBy} afterDelete="/ops/azure" size="md" />
            </div>
          ) : undefined
        }
      />
      <Card>
        <CardHeader>
          <CardTitle>Connection</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="Tenant"><MonoText value={c.tenantId} /></Fact>
            <Fact label="Client id">{c.clientId ? <MonoText value={c.clientId} /> : none}</Fact>
            <Fact label="Secret">{c.hasSecret ? 'stored encrypted (never shown)' : c.kind === 'user' ? 'the signed-in user’s Microsoft sign-in' : c.kind === 'managed_identity' ? 'tokens from Azure' : none}</Fact>
            <Fact label="ARM endpoint"><MonoText value={c.armEndpoint} /></Fact>
            <Fact label="Authority">{c.kind === 'user' ? 'the console’s Microsoft sign-in' : <MonoText value={c.authorityHost} />}</Fact>
            <Fact label="Private CA">{c.privateCa ? 'yes' : 'no (system CAs)'}</Fact>
            <Fact label="Used by">
              <UsedBy usedBy={c.usedBy} empty="nothing yet" />
            </Fact>
          </dl>
        </CardContent>
      </Card>
      <section aria-labelledby="discovery-heading" className="space-y-3">
        <h2 id="discovery-heading" className="text-base font-semibold">Discovery</h2>
        <AzureDiscovery connection={c.name} initialSubscription={subscription} registered={registered} linked={linked} canRegister={can(principal, 'clusters.manage') && canManage} />
      </section>
    </div>
  );
}

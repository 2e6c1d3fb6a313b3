import { notFound } from 'next/navigation';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { ExtensionPanel } from '@/components/clusters/extension-panel';
import { liveQueries } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow, lastProbe } from '@/server/services/clusters';
import { getExtensionView } from '@/server/services/extension';
import { can } from '@/lib/rbac/permissions';
import { AzureExtensionPanel } from '@/components/azure/azure-extension-panel';
import { ExtensionProviderChoice } from '@/components/azure/extension-provider-choice';
import { getAzureExtensionView } from '@/server/azure/extension';

export const dynamic = 'force-dynamic';

export default async function ClusterExtension({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  // Rendered here, then handed to react-query in the browser, where the extension's stream keeps it current.
  const queryClient = new QueryClient();
  await queryClient.fetchQuery({ queryKey: liveQueries.extension(row.name).queryKey, queryFn: () => getExtensionView(db, row) });
  const network = lastProbe(row)?.network ?? null;
  const canManage = can(principal, 'clusters.manage');
  const harbormaster = (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ExtensionPanel cluster={row.name} canManage={canManage} network={network} />
    </HydrationBoundary>
  );
  // A cluster registered from Azure may take Azure ML's own extension through ARM instead: the choice is explicit.
  if (!row.azureResourceId) return harbormaster;
  const azure = await getAzureExtensionView(db, row);
  return (
    <ExtensionProviderChoice
      inUse={row.extensionProvider ?? null}
      harbormaster={harbormaster}
      azureml={<AzureExtensionPanel cluster={row.name} initial={azure} canManage={canManage} network={network} />}
    />
  );
}

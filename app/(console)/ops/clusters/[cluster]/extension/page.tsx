import { notFound } from 'next/navigation';
import { ExtensionPanel } from '@/components/clusters/extension-panel';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow, lastProbe } from '@/server/services/clusters';
import { getExtensionView } from '@/server/services/extension';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export default async function ClusterExtension({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const ext = await getExtensionView(db, row);
  const network = lastProbe(row)?.network ?? null;
  return <ExtensionPanel cluster={row.name} extension={ext} canManage={can(principal, 'clusters.manage')} network={network} />;
}

import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { SharingExportButtons, SharingMapView } from '@/components/audit/sharing-map';
import { sharingFiltersFromParams } from '@/components/audit/sharing-model';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listClusterRows } from '@/server/services/clusters';
import { listWorkspaces } from '@/server/services/workspaces';
import { sharingMap } from '@/server/services/sharing';

export const metadata: Metadata = { title: 'Sharing map' };
export const dynamic = 'force-dynamic';

export default async function SharingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { principal } = await requirePermission('access.read');
  const sp = await searchParams;
  const one = (k: string) => {
    const v = sp[k];
    return typeof v === 'string' ? v : null;
  };
  const filters = sharingFiltersFromParams({ get: one });
  const db = await getDb();
  const [map, clusterRows, workspaces] = await Promise.all([
    sharingMap(db, { location: filters.location || undefined, cluster: filters.cluster || undefined, workspace: filters.workspace || undefined }),
    listClusterRows(db),
    listWorkspaces(db, principal),
  ]);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Sharing map"
        breadcrumb={[{ label: 'Audit' }, { label: 'Sharing map' }]}
        description="Which workspaces run on which clusters, through which compute targets, with what limits, and who set them up — and what needs a look."
        primaryAction={<SharingExportButtons filters={filters} />}
      />
      <SharingMapView
        map={map}
        filters={filters}
        clusterOptions={clusterRows.map((c) => ({ name: c.name, location: c.location })).sort((a, b) => a.name.localeCompare(b.name))}
        workspaceOptions={workspaces.map((w) => w.name)}
      />
    </div>
  );
}

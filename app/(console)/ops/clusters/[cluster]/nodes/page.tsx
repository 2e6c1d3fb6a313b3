import { notFound } from 'next/navigation';
import { Card, CardContent } from '@/components/ui/card';
import { PartialBanner } from '@/components/ui/partial-banner';
import { PoolCapacity } from '@/components/clusters/pool-capacity';
import { NodesTable } from '@/components/clusters/nodes-table';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { clusterNodes } from '@/server/services/clusters-view';

export const dynamic = 'force-dynamic';

export default async function ClusterNodes({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const n = await clusterNodes(row);
  return (
    <div className="grid gap-6">
      <PartialBanner errors={n.errors} total={1} />
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {n.pools.map((p) => (
          <Card key={p.name} aria-label={`Pool ${p.name}`}>
            <CardContent className="pt-4">
              <PoolCapacity pool={p} />
            </CardContent>
          </Card>
        ))}
      </div>
      {n.items.length ? <NodesTable nodes={n.items} /> : null}
    </div>
  );
}

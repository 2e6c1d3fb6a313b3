import { notFound } from 'next/navigation';
import { RelativeTime } from '@/components/ui/relative-time';
import { HealthChecks, ChecksSummary } from '@/components/clusters/health-checks';
import { RefreshButton } from '@/components/clusters/refresh-button';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { clusterHealth } from '@/server/services/health';

export const dynamic = 'force-dynamic';

export default async function ClusterHealth({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const report = await clusterHealth(db, row, { ping: true });
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <ChecksSummary checks={report.checks} />
        <span className="text-muted-foreground">
          Checked <RelativeTime value={report.checkedAt} /> · also at <span className="font-mono">GET /api/v1/clusters/{row.name}/health</span>
        </span>
        <RefreshButton />
      </div>
      <HealthChecks checks={report.checks} />
    </div>
  );
}

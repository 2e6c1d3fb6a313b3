import type { Metadata } from 'next';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { StatusBadge } from '@/components/ui/status-badge';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { peopleAndWorkspaceCounts } from '@/server/services/users';
import { verifyConsoleAuditChain } from '@/server/audit/audit';
import { listClusterSummaries } from '@/server/services/clusters-view';
import { ClustersByLocation } from '@/components/clusters/clusters-by-location';
import { PartialBanner } from '@/components/ui/partial-banner';

export const metadata: Metadata = { title: 'Ops overview' };
export const dynamic = 'force-dynamic';

export default async function OpsOverview() {
  await requirePermission('clusters.read');
  const db = await getDb();
  const [counts, chain, clusterList] = await Promise.all([
    peopleAndWorkspaceCounts(db),
    verifyConsoleAuditChain(db),
    listClusterSummaries(db),
  ]);
  return (
    <div className="space-y-6">
      <PageHeader title="Overview" breadcrumb={[{ label: 'Ops' }]} description="The state of Harbormaster: clusters, people, workspaces and the audit trail." />
      <PartialBanner errors={clusterList.errors} total={clusterList.items.length} />
      <ClustersByLocation clusters={clusterList.items} />
      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>Workspaces</CardTitle>
            <CardDescription>Active team boundaries</CardDescription>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{counts.activeWorkspaces}</p>
            <Link className="text-sm text-accent-text underline underline-offset-4" href="/ops/workspaces">
              Manage workspaces
            </Link>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Users</CardTitle>
            <CardDescription>Active accounts{counts.disabledUsers ? `, ${counts.disabledUsers} disabled` : ''}</CardDescription>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{counts.activeUsers}</p>
            <Link className="text-sm text-accent-text underline underline-offset-4" href="/ops/users">
              Manage users
            </Link>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Audit trail</CardTitle>
            <CardDescription>Hash chain verified on every visit</CardDescription>
          </CardHeader>
          <CardContent className="space-y-1">
            <StatusBadge kind="check" status={chain.ok ? 'ok' : 'error'} detail={chain.ok ? `${chain.checked} events intact` : `broken at event ${chain.firstBroken?.id}`} />
            <div>
              <Link className="text-sm text-accent-text underline underline-offset-4" href="/audit">
                Open the audit log
              </Link>
            </div>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

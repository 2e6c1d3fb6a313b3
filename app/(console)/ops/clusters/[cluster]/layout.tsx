import { notFound } from 'next/navigation';
import { PlugZap } from 'lucide-react';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { TabNav } from '@/components/ui/tab-nav';
import { ClusterActions } from '@/components/clusters/cluster-actions';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { findClusterRow } from '@/server/services/clusters';
import { clusterHealth } from '@/server/services/health';
import { clusterSummary } from '@/server/services/clusters-view';
import { can } from '@/lib/rbac/permissions';
import { KIND_LABELS, LOCATION_LABELS } from '@/lib/clusters/schemas';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ cluster: string }> }) {
  return { title: `Cluster ${(await params).cluster}` };
}

export default async function ClusterLayout({ children, params }: { children: React.ReactNode; params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const { principal } = await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const health = await clusterHealth(db, row, { waitMs: 2000 });
  const summary = await clusterSummary(db, row, { health });
  const base = `/ops/clusters/${row.name}`;
  const failing = health.checks.find((c) => (c.code === 'api_unreachable' || c.code === 'auth_failed') && c.status === 'error');
  return (
    <div className="space-y-5">
      <PageHeader
        title={row.displayName || row.name}
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Clusters', href: '/ops/clusters' }, { label: row.name }]}
        status={<StatusBadge kind="cluster" status={summary.status} detail={summary.status === 'Unreachable' ? summary.statusReason : undefined} />}
        description={
          <span>
            <span className="font-mono">{row.name}</span> · {KIND_LABELS[row.kind]} · {LOCATION_LABELS[row.location]}
            {row.region ? ` · ${row.region}` : ''}
            {summary.version ? <> · Kubernetes <span className="font-mono">{summary.version}</span></> : null}
          </span>
        }
        primaryAction={can(principal, 'clusters.manage') ? <ClusterActions cluster={{ name: row.name, displayName: row.displayName, description: row.description, kind: row.kind, location: row.location, region: row.region }} fromAzure={row.connectionMode === 'azure'} /> : undefined}
      />
      {failing ? (
        <div role="alert" className="flex items-start gap-2 rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger-text">
          <PlugZap aria-hidden className="mt-0.5 size-4 shrink-0" />
          <div className="grid gap-1">
            <span className="font-medium">{failing.code === 'auth_failed' ? 'The cluster refuses Harbormaster\'s credentials' : 'Harbormaster cannot reach this cluster'}: {failing.detail}</span>
            <span className="text-foreground">{failing.fix} Pages below show the last known state.</span>
          </div>
        </div>
      ) : null}
      <TabNav
        label="Cluster sections"
        items={[
          { href: base, label: 'Overview' },
          { href: `${base}/nodes`, label: 'Node pools', count: summary.pools.length || undefined },
          { href: `${base}/extension`, label: 'Extension & settings' },
          { href: `${base}/network`, label: 'Network & TLS' },
          { href: `${base}/instance-types`, label: 'Instance types' },
          { href: `${base}/computes`, label: 'Compute targets' },
          { href: `${base}/health`, label: 'Health checks', count: summary.checks.errors + summary.checks.warnings || undefined },
          { href: `${base}/events`, label: 'Events' },
          { href: `${base}/yaml`, label: 'YAML' },
        ]}
      />
      {children}
    </div>
  );
}

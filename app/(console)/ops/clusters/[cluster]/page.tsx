import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { RelativeTime } from '@/components/ui/relative-time';
import { MonoText } from '@/components/ui/mono-text';
import { Badge } from '@/components/ui/badge';
import { PoolCapacity } from '@/components/clusters/pool-capacity';
import { ExtensionBadge } from '@/components/clusters/clusters-table';
import { ChecksSummary } from '@/components/clusters/health-checks';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { clusterAttachments, findClusterRow } from '@/server/services/clusters';
import { clusterDetail } from '@/server/services/clusters-view';
import { describePermission } from '@/server/kube/probe';
import { tokenConnectionName } from '@/server/azure/aks-token';

export const dynamic = 'force-dynamic';

const AUTH: Record<string, string> = { clientCertificate: 'client certificate', token: 'bearer token', basic: 'username/password', serviceAccount: 'in-cluster service account', entraToken: 'Entra token' };

export default async function ClusterOverview({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  await requirePermission('clusters.read');
  const db = await getDb();
  const row = await findClusterRow(db, cluster);
  if (!row) notFound();
  const d = await clusterDetail(db, row, { ping: false });
  const attachments = await clusterAttachments(db, row.id);
  const tokenConnection = await tokenConnectionName(db, row);
  const missing = (d.lastCheck?.permissions ?? []).filter((p) => !p.allowed);
  const problems = d.health.checks.filter((c) => c.status !== 'ok' && !c.skipped);
  const base = `/ops/clusters/${row.name}`;
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="grid content-start gap-6 lg:col-span-2">
        <Card>
          <CardHeader>
            <CardTitle>Capacity by pool</CardTitle>
            <CardDescription>
              Requested vs allocatable{d.live ? ', live' : d.lastCheckedAt ? <>, as of the last check <RelativeTime value={d.lastCheckedAt} /></> : ''}.{' '}
              <Link className="text-accent-text underline underline-offset-4" href={`${base}/nodes`}>Nodes</Link>
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-5 sm:grid-cols-2">
            {d.pools.length ? d.pools.map((p) => <PoolCapacity key={p.name} pool={p} />) : <p className="text-sm text-muted-foreground">No node information yet.</p>}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Health</CardTitle>
            <CardDescription>
              <ChecksSummary checks={d.health.checks} /> <Link className="ml-2 text-accent-text underline underline-offset-4" href={`${base}/health`}>All checks</Link>
            </CardDescription>
          </CardHeader>
          {problems.length ? (
            <CardContent>
              <ul className="grid gap-2 text-sm">
                {problems.slice(0, 5).map((c) => (
                  <li key={c.code}>
                    <span className="font-medium">{c.title}</span> <code className="font-mono text-xs text-muted-foreground">{c.code}</code>
                    <p className="text-muted-foreground">{c.detail}</p>
                  </li>
                ))}
              </ul>
            </CardContent>
          ) : null}
        </Card>
      </div>
      <div className="grid content-start gap-6">
        <Card>
          <CardHeader>
            <CardTitle>Connection</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid gap-2 text-sm">
              <dt className="text-muted-foreground">API server</dt>
              <dd>{d.connection.server ? <MonoText value={d.connection.server} /> : '—'}</dd>
              {d.connection.context ? (
                <>
                  <dt className="text-muted-foreground">Context</dt>
                  <dd className="font-mono">{d.connection.context}</dd>
                </>
              ) : null}
              <dt className="text-muted-foreground">Authenticates with</dt>
              <dd>
                {AUTH[d.connection.authMethod ?? ''] ?? d.connection.authMethod ?? '—'}
                {tokenConnection ? <> (connection <Link className="text-accent-text underline underline-offset-4" href={`/ops/azure/${tokenConnection}`}>{tokenConnection}</Link>)</> : null}
                {d.lastCheck?.identity ? <> as <span className="font-mono">{d.lastCheck.identity.username}</span></> : null}</dd>
              <dt className="text-muted-foreground">Last checked</dt>
              <dd>{d.lastCheckedAt ? <RelativeTime value={d.lastCheckedAt} /> : 'never'}</dd>
              <dt className="text-muted-foreground">Registered</dt>
              <dd><RelativeTime value={d.createdAt} /></dd>
            </dl>
            {missing.length ? (
              <div className="mt-4 grid gap-1">
                <p className="text-sm font-medium text-warning-text">Missing permissions</p>
                <ul className="grid gap-0.5 text-xs">
                  {missing.map((p) => (
                    <li key={describePermission(p)}>
                      <span className="font-mono">{describePermission(p)}</span> <span className="text-muted-foreground">— {p.purpose}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>ML extension</CardTitle>
            <CardDescription>
              <ExtensionBadge extension={d.extension} /> <Link className="ml-2 text-accent-text underline underline-offset-4" href={`${base}/extension`}>Settings</Link>
            </CardDescription>
          </CardHeader>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Compute targets</CardTitle>
            <CardDescription>Workspaces that run work on this cluster, one namespace each.</CardDescription>
          </CardHeader>
          <CardContent>
            {attachments.length ? (
              <ul className="grid gap-1 text-sm">
                {attachments.map((a) => (
                  <li key={`${a.workspace}/${a.name}`}>
                    <Badge tone="neutral" className="font-mono">{a.workspace}</Badge> <span className="font-mono">{a.name}</span>
                    {a.namespace ? <span className="text-muted-foreground"> · namespace {a.namespace}</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-muted-foreground">None attached yet.</p>
            )}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}

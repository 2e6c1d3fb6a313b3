import * as React from 'react';
import Link from 'next/link';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { StatusBadge } from '@/components/ui/status-badge';
import { CLUSTER_LOCATIONS, LOCATION_LABELS, type ClusterLocation } from '@/lib/clusters/schemas';
import { ClusterTotals } from './pool-capacity';
import { ExtensionBadge, type ClusterRowDto } from './clusters-table';

type ClusterCard = ClusterRowDto & { problems: Array<{ code: string; status: 'warning' | 'error'; title: string; detail: string }> };

/** The ops overview's cluster section: per location, each cluster's health, capacity vs requested and warnings. */
export function ClustersByLocation({ clusters }: { clusters: ClusterCard[] }) {
  if (!clusters.length) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Clusters</CardTitle>
          <CardDescription>
            No cluster is registered. <Link className="text-accent-text underline underline-offset-4" href="/ops/clusters">Register one</Link> to run ML work.
          </CardDescription>
        </CardHeader>
      </Card>
    );
  }
  return (
    <section aria-labelledby="clusters-heading" className="grid gap-4">
      <div className="flex items-baseline justify-between">
        <h2 id="clusters-heading" className="text-lg font-semibold">Clusters</h2>
        <Link className="text-sm text-accent-text underline underline-offset-4" href="/ops/clusters">All clusters</Link>
      </div>
      {CLUSTER_LOCATIONS.filter((l) => clusters.some((c) => c.location === l)).map((loc) => (
        <div key={loc} className="grid gap-2">
          <h3 className="text-sm font-medium text-muted-foreground">{LOCATION_LABELS[loc as ClusterLocation]}</h3>
          <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {clusters.filter((c) => c.location === loc).map((c) => (
              <Card key={c.name}>
                <CardHeader>
                  <CardTitle className="flex flex-wrap items-center justify-between gap-2">
                    <Link href={`/ops/clusters/${c.name}`} className="hover:underline">{c.displayName || c.name}</Link>
                    <StatusBadge kind="cluster" status={c.status} detail={c.status === 'Unreachable' ? c.statusReason : undefined} />
                  </CardTitle>
                  <CardDescription>
                    <span className="font-mono">{c.name}</span>
                    {c.region ? ` · ${c.region}` : ''}
                    {c.version ? ` · ${c.version}` : ''}
                  </CardDescription>
                </CardHeader>
                <CardContent className="grid gap-3">
                  {c.pools.length ? <ClusterTotals totals={c.totals} /> : <p className="text-sm text-muted-foreground">Capacity unknown.</p>}
                  <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                    <ExtensionBadge extension={c.extension} />
                    {c.nodes ? <span>{c.nodes.ready} of {c.nodes.total} nodes Ready</span> : null}
                  </div>
                  {c.problems.length ? (
                    <ul className="grid gap-1 text-xs">
                      {c.problems.slice(0, 3).map((p) => (
                        <li key={p.code} className="flex items-start gap-1.5">
                          <StatusBadge kind="check" status={p.status} />
                          <span title={p.detail}>{p.title}</span>
                        </li>
                      ))}
                      {c.problems.length > 3 ? (
                        <li>
                          <Link className="text-accent-text underline underline-offset-4" href={`/ops/clusters/${c.name}/health`}>{c.problems.length - 3} more</Link>
                        </li>
                      ) : null}
                    </ul>
                  ) : null}
                </CardContent>
              </Card>
            ))}
          </div>
        </div>
      ))}
    </section>
  );
}

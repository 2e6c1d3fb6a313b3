import * as React from 'react';
import Link from 'next/link';
import { PlugZap } from 'lucide-react';
import type { UnreachableCluster } from './nav-model';

/** The strip across the top when any cluster is unreachable; renders nothing otherwise. */
export function ClusterStatusStrip({ clusters }: { clusters: UnreachableCluster[] }) {
  if (clusters.length === 0) return null;
  const one = clusters.length === 1;
  return (
    <div role="status" className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-danger/40 bg-danger-soft px-4 py-1.5 text-sm text-danger-text">
      <PlugZap aria-hidden className="size-4 shrink-0" />
      <span className="font-medium">
        {one ? '1 cluster is unreachable; its' : `${clusters.length} clusters are unreachable; their`} data may be stale:
      </span>
      <ul className="flex flex-wrap gap-x-3">
        {clusters.map((c) => (
          <li key={c.name}>
            {c.href ? (
              <Link href={c.href} className="font-mono underline underline-offset-2">{c.name}</Link>
            ) : (
              <span className="font-mono">{c.name}</span>
            )}
            {c.reason && <span className="text-foreground"> ({c.reason})</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

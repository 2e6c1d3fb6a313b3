import * as React from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import type { OnlineEndpointDto } from '@/lib/endpoints/spec';

// An endpoint's deployments in a list cell: each one's name, state pill and ready/desired replicas. No
// 'use client': server pages (the workspace home) render it too.

export function DeploymentPills({ deployments }: { deployments: OnlineEndpointDto['deployments'] }) {
  if (deployments.length === 0) return <span className="text-muted-foreground">none yet</span>;
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1">
      {deployments.map((d) => (
        <li key={d.name} className="inline-flex items-center gap-1.5">
          <span className="font-mono text-xs">{d.name}</span>
          <StatusBadge kind="deployment" status={d.state} />
          <span className="text-xs text-muted-foreground tabular-nums" title={`${d.readyReplicas} of ${d.desiredReplicas} replicas ready`}>
            {d.readyReplicas}/{d.desiredReplicas}
          </span>
        </li>
      ))}
    </ul>
  );
}

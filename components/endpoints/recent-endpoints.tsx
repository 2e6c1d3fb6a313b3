import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { StatusBadge } from '@/components/ui/status-badge';
import type { OnlineEndpointDto } from '@/lib/endpoints/spec';
import { DeploymentPills } from './deployment-pills';
import { trafficOf } from './traffic';
import { TrafficBar } from './traffic-bar';

// The workspace home's endpoints card: the most recently changed few, each with its state, deployments and
// traffic split, linking to its page. Server-rendered (the Endpoints page is the live one).

export function RecentEndpoints({ workspace, endpoints, canCreate, limit = 5 }: { workspace: string; endpoints: OnlineEndpointDto[]; canCreate: boolean; limit?: number }) {
  const ws = `/w/${encodeURIComponent(workspace)}`;
  if (endpoints.length === 0) {
    return (
      <EmptyState
        title="No endpoints yet"
        description="Online endpoints serve this workspace's models over HTTPS, with blue/green deployments and a traffic split."
        action={
          canCreate ? (
            <Link className="text-sm font-medium text-accent-text underline underline-offset-4" href={`${ws}/endpoints/new`}>
              Create endpoint
            </Link>
          ) : undefined
        }
      />
    );
  }
  const recent = [...endpoints].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, limit);
  return (
    <ul className="divide-y divide-border">
      {recent.map((e) => (
        <li key={e.name} className="flex flex-wrap items-center gap-x-6 gap-y-2 py-3 first:pt-0 last:pb-0">
          <div className="grid min-w-0 flex-[1_1_14rem] gap-1">
            <span className="flex items-center gap-2">
              <Link href={`${ws}/endpoints/${encodeURIComponent(e.name)}`} className="truncate font-mono font-medium underline-offset-4 hover:underline">
                {e.name}
              </Link>
              <StatusBadge kind="endpoint" status={e.provisioningState} />
            </span>
            <span className="text-xs text-muted-foreground">
              <span className="font-mono">{e.computeTarget}</span> · updated <RelativeTime value={e.updatedAt} />
            </span>
          </div>
          <div className="min-w-0 flex-[1_1_14rem]">
            <DeploymentPills deployments={e.deployments} />
          </div>
          <TrafficBar className="w-48 shrink-0" traffic={trafficOf(e.traffic, e.deployments.map((d) => d.name))} />
        </li>
      ))}
    </ul>
  );
}

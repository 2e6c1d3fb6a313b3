'use client';

import * as React from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { CircleCheck, CircleX, Pencil } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { DropdownMenuItem } from '@/components/ui/dropdown-menu';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { fetchJson, type FetchError } from '@/components/live/fetch-json';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import { useWatch } from '@/components/live/use-watch';
import { JobEvents } from '@/components/jobs/job-events';
import { LogViewer } from '@/components/jobs/job-logs';
import { PendingExplanation } from '@/components/jobs/pending-explanation';
import { toYaml } from '@/lib/jobs/yaml-positions';
import type { DeploymentReplicaDto, OnlineDeploymentDetailDto } from '@/server/services/endpoint-status';
import { DeleteDeploymentDialog } from './delete-actions';
import { DeploymentModel } from './deployments-table';
import { endpointQueries } from './endpoint-queries';
import { ReadOnlyDocument } from './read-only-document';
import { useUrlTab } from './use-url-tab';

// One deployment of an endpoint: state with its reasons first (replicas waiting to be scheduled lead with the
// job page's "why pending" in sentences), the facts (replicas, instance type, model, image, traffic), then
// tabs — Replicas, Logs (per replica, following), Events, Spec, Submitted file — the open one in the URL.
// Hydrated from the server render and kept current by the deployment's stream. Edit and Delete for those who
// may manage endpoints (the server refuses deleting one that still takes traffic; the dialog shows why).

const TABS = ['replicas', 'logs', 'events', 'spec', 'source'] as const;
type Tab = (typeof TABS)[number];
const selectClass = 'h-9 rounded-md border border-input bg-surface px-2 text-sm';

export interface DeploymentViewProps {
  workspace: string;
  workspaceLabel: string;
  endpoint: string;
  name: string;
  canManage: boolean;
  source: { format: 'yaml' | 'json'; text: string } | null;
}

export function DeploymentView({ workspace, workspaceLabel, endpoint, name, canManage, source }: DeploymentViewProps) {
  const query = endpointQueries.deployment(workspace, endpoint, name);
  const detail = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<OnlineDeploymentDetailDto>(query.url) });
  const watch = useWatch<OnlineDeploymentDetailDto>({ query, kind: 'resource' });
  const [deleting, setDeleting] = React.useState(false);
  const [shownTab, setTab] = useUrlTab(TABS, 'replicas');

  const ws = `/w/${encodeURIComponent(workspace)}`;
  const ep = `${ws}/endpoints/${encodeURIComponent(endpoint)}`;
  const breadcrumb = [{ label: workspaceLabel, href: ws }, { label: 'Endpoints', href: `${ws}/endpoints` }, { label: endpoint, href: ep }, { label: name }];
  const d = detail.data;
  if (!d) {
    const e = detail.error as FetchError | null;
    return (
      <div className="space-y-6">
        <PageHeader title={<span className="font-mono">{name}</span>} breadcrumb={breadcrumb} />
        {e ? (
          <ErrorState problem={{ title: 'The deployment could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void detail.refetch()} />
        ) : (
          <SkeletonBlock lines={6} label="Loading the deployment" />
        )}
      </div>
    );
  }

  const reasons = d.pending ? d.reasons.filter((r) => r.code !== 'PodUnschedulable') : d.reasons;
  return (
    <div className="space-y-6">
      <PageHeader
        title={<span className="font-mono">{d.name}</span>}
        status={<StatusBadge kind="deployment" status={d.state} />}
        breadcrumb={breadcrumb}
        description={
          <span>
            Deployment of <Link href={ep} className="font-mono text-accent-text underline-offset-4 hover:underline">{endpoint}</Link> on <span className="font-mono">{d.computeTarget}</span> ({d.cluster}, namespace{' '}
            <span className="font-mono">{d.namespace}</span>)
            {d.spec.description ? <span className="block text-foreground">{d.spec.description}</span> : null}
          </span>
        }
        primaryAction={
          canManage ? (
            <Button asChild variant="secondary">
              <Link href={`${ep}/deployments/${encodeURIComponent(d.name)}/edit`}>
                <Pencil aria-hidden /> Edit
              </Link>
            </Button>
          ) : undefined
        }
        secondaryActions={
          canManage ? (
            <DropdownMenuItem onSelect={() => setDeleting(true)} className="text-danger-text">
              Delete deployment…
            </DropdownMenuItem>
          ) : undefined
        }
      />
      {canManage && <DeleteDeploymentDialog workspace={workspace} endpoint={endpoint} name={d.name} traffic={d.trafficPercent} cluster={d.cluster} open={deleting} onOpenChange={setDeleting} />}
      <LivePausedBanner watch={watch} />
      {d.clusterState !== 'live' && (
        <p role="status" className="rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
          {d.clusterState === 'gone' ? `Cluster ${d.cluster} is no longer registered: replicas, events and logs cannot be read.` : `Cluster ${d.cluster} cannot be read right now: replicas and events come back with it. The state is the last one seen.`}
        </p>
      )}
      {d.pending && <PendingExplanation pending={d.pending} status="Pending" />}
      {reasons.length > 0 && (
        <ul aria-label="Reasons" className="grid gap-2">
          {reasons.map((r, i) => (
            <li key={i} className="flex items-start gap-2 rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger-text">
              <CircleX aria-hidden className="mt-0.5 size-4 shrink-0" />
              <span>
                <span className="font-mono font-medium">{r.code}</span>: <span className="text-foreground">{r.message}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <dl className="grid gap-x-8 gap-y-3 rounded-lg border border-border bg-surface px-5 py-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="Replicas ready">
          <span className="tabular-nums">
            {d.readyReplicas} of {d.desiredReplicas}
          </span>
          {d.spec.scaleSettings.type === 'target_utilization' && (
            <span className="block text-xs text-muted-foreground">
              autoscales {d.spec.scaleSettings.minInstances}–{d.spec.scaleSettings.maxInstances} at {d.spec.scaleSettings.targetUtilizationPercentage} % CPU
            </span>
          )}
        </Fact>
        <Fact label="Traffic">
          <span className="tabular-nums">{d.trafficPercent} %</span>
        </Fact>
        <Fact label="Instance type">
          <span className="font-mono">{d.instanceType}</span>
        </Fact>
        <Fact label="Model">
          <DeploymentModel workspace={workspace} model={d.model} />
        </Fact>
        <Fact label="Image" wide>
          <span className="block truncate font-mono text-xs" title={d.image}>
            {d.image}
          </span>
        </Fact>
        <Fact label="Kubernetes name">
          <span className="font-mono text-xs">{d.objectName}</span>
        </Fact>
        <Fact label="Updated">
          <RelativeTime value={d.updatedAt} />
        </Fact>
      </dl>
      <Tabs value={shownTab} onValueChange={setTab}>
        <div className="flex flex-wrap items-end gap-2">
          <TabsList aria-label="Deployment" className="max-w-full min-w-0 flex-[1_0_auto]">
            <TabsTrigger value="replicas">Replicas{d.replicas.length ? <span className="text-xs text-muted-foreground tabular-nums">{d.replicas.length}</span> : null}</TabsTrigger>
            <TabsTrigger value="logs">Logs</TabsTrigger>
            <TabsTrigger value="events">Events{d.events.length ? <span className="text-xs text-muted-foreground tabular-nums">{d.events.length}</span> : null}</TabsTrigger>
            <TabsTrigger value="spec">Spec</TabsTrigger>
            {source && <TabsTrigger value="source">Submitted file</TabsTrigger>}
          </TabsList>
          <WatchIndicator watch={watch} className="pb-2" />
        </div>
        <TabsContent value="replicas">
          <ReplicasTable replicas={d.replicas} clusterState={d.clusterState} />
        </TabsContent>
        <TabsContent value="logs">
          <ReplicaLogs workspace={workspace} endpoint={endpoint} deployment={d} />
        </TabsContent>
        <TabsContent value="events">
          <JobEvents events={d.events} clusterState={d.clusterState} live waiting="Kubernetes has not reported anything about this deployment’s objects or pods recently; events appear here as they happen (Kubernetes keeps them for about an hour)." />
        </TabsContent>
        <TabsContent value="spec">
          <ReadOnlyDocument label="Normalized spec" description="The deployment as Harbormaster understood it (defaults filled in): what its Kubernetes objects are made from." text={toYaml(d.spec)} />
        </TabsContent>
        {source && (
          <TabsContent value="source">
            <ReadOnlyDocument label="Deployment file as submitted" description={`As it was last sent (${source.format === 'yaml' ? 'YAML' : 'JSON'}); Edit opens it.`} text={source.text} />
          </TabsContent>
        )}
      </Tabs>
    </div>
  );
}

function Fact({ label, children, wide }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'grid min-w-0 gap-1 sm:col-span-2' : 'grid min-w-0 gap-1'}>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}

function ReplicasTable({ replicas, clusterState }: { replicas: DeploymentReplicaDto[]; clusterState: OnlineDeploymentDetailDto['clusterState'] }) {
  const columns = React.useMemo<ColumnDef<DeploymentReplicaDto>[]>(
    () => [
      { accessorKey: 'pod', header: 'Pod', cell: ({ row }) => <span className="font-mono text-xs">{row.original.pod}</span> },
      {
        accessorKey: 'phase',
        header: 'Phase',
        cell: ({ row }) => (
          <span className="grid gap-0.5">
            <span>{row.original.phase}</span>
            {row.original.problem && (
              <span className="max-w-80 truncate text-xs text-danger-text" title={row.original.problem.message}>
                {row.original.problem.reason}: {row.original.problem.message}
              </span>
            )}
          </span>
        ),
      },
      {
        accessorKey: 'ready',
        header: 'Ready',
        cell: ({ row }) =>
          row.original.ready ? (
            <span className="inline-flex items-center gap-1 text-success-text">
              <CircleCheck aria-hidden className="size-4" /> Ready
            </span>
          ) : (
            <span className="inline-flex items-center gap-1 text-muted-foreground">
              <CircleX aria-hidden className="size-4" /> Not ready
            </span>
          ),
      },
      { accessorKey: 'restarts', header: 'Restarts', meta: { align: 'right' }, cell: ({ row }) => <span className="tabular-nums">{row.original.restarts}</span> },
      { accessorKey: 'node', header: 'Node', cell: ({ row }) => (row.original.node ? <span className="font-mono text-xs">{row.original.node}</span> : <span className="text-muted-foreground">not scheduled</span>) },
      { accessorKey: 'startedAt', header: 'Started', cell: ({ row }) => (row.original.startedAt ? <RelativeTime value={row.original.startedAt} /> : <span className="text-muted-foreground">—</span>) },
    ],
    [],
  );
  return (
    <DataTable
      label="Replicas"
      columns={columns}
      data={replicas}
      getRowId={(r) => r.pod}
      defaultSorting={[{ id: 'ready', desc: false }]}
      clientPageSize={25}
      empty={
        <EmptyState
          title="No replicas"
          description={clusterState === 'live' ? 'Kubernetes has not created the deployment’s pods yet; they appear here as it does.' : 'The cluster cannot be read: its pods are not known right now.'}
          className="border-0"
        />
      }
    />
  );
}

/** A replica's log (container inference-server), following while it runs; the newest started replica by default. */
function ReplicaLogs({ workspace, endpoint, deployment }: { workspace: string; endpoint: string; deployment: OnlineDeploymentDetailDto }) {
  const replicas = deployment.replicas;
  const newest = [...replicas].reverse().find((r) => r.startedAt) ?? replicas.at(-1);
  const [picked, setPicked] = React.useState<string | null>(null);
  const replica = replicas.find((r) => r.pod === picked) ?? newest;
  const started = !!replica?.startedAt;
  const url = `${endpointQueries.deployment(workspace, endpoint, deployment.name).url}/logs?tailLines=5000${replica ? `&replica=${encodeURIComponent(replica.pod)}` : ''}`;
  return (
    <LogViewer
      url={url}
      streamKey={`${replica?.pod ?? ''}:${started}`}
      follow={started && replica?.phase === 'Running'}
      live
      started={started}
      pod={replica?.pod}
      label={`Log of replica ${replica?.pod ?? ''}`}
      selectors={
        <label className="grid gap-1 text-xs text-muted-foreground">
          Replica
          <select className={selectClass} value={replica?.pod ?? ''} onChange={(e) => setPicked(e.currentTarget.value)} disabled={!replicas.length}>
            {!replicas.length && <option value="">No replicas yet</option>}
            {replicas.map((r) => (
              <option key={r.pod} value={r.pod}>
                {r.pod} ({r.ready ? 'ready' : r.phase.toLowerCase()})
              </option>
            ))}
          </select>
        </label>
      }
    />
  );
}

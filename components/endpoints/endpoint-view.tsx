'use client';

import * as React from 'react';
import Link from 'next/link';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { DropdownMenuItem } from '@/components/ui/dropdown-menu';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { MonoText } from '@/components/ui/mono-text';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { fetchJson, type FetchError } from '@/components/live/fetch-json';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import { useWatch } from '@/components/live/use-watch';
import { combineWatches } from '@/components/jobs/sweep-data';
import type { OnlineDeploymentDto, OnlineEndpointDto } from '@/lib/endpoints/spec';
import { toYaml } from '@/lib/jobs/yaml-positions';
import { DeleteEndpointDialog } from './delete-actions';
import { DeploymentsTable } from './deployments-table';
import { endpointDocument } from './endpoint-documents';
import { endpointQueries } from './endpoint-queries';
import { KeysPanel } from './keys-panel';
import { ReadOnlyDocument } from './read-only-document';
import { useUrlTab } from './use-url-tab';
import { TestPanel } from './test-panel';
import { trafficOf } from './traffic';
import { TrafficBar } from './traffic-bar';
import { TrafficPanel } from './traffic-panel';

// One online endpoint: state, scoring URI and where it runs first; then tabs (the open one in the URL,
// ?tab=traffic): Deployments, Traffic, Keys and Test (only for those with endpoints.keys — auditors do not get
// them), YAML. The endpoint and its deployments are hydrated from the server render and kept current by
// their streams, so a deployment goes Provisioning → Healthy and a traffic change shows without reloading.

const TABS = ['deployments', 'traffic', 'keys', 'test', 'yaml'] as const;
type Tab = (typeof TABS)[number];

export interface EndpointViewProps {
  workspace: string;
  workspaceLabel: string;
  name: string;
  canManage: boolean;
  canKeys: boolean;
  /** The endpoint file as last submitted (YAML or JSON), for the YAML tab. */
  source: { format: 'yaml' | 'json'; text: string } | null;
}

export function EndpointView({ workspace, workspaceLabel, name, canManage, canKeys, source }: EndpointViewProps) {
  const queryClient = useQueryClient();
  const epQuery = endpointQueries.endpoint(workspace, name);
  const depQuery = endpointQueries.deployments(workspace, name);
  const endpoint = useQuery({ queryKey: epQuery.queryKey, queryFn: () => fetchJson<OnlineEndpointDto>(epQuery.url) });
  const deployments = useQuery({ queryKey: depQuery.queryKey, queryFn: () => fetchJson<{ items: OnlineDeploymentDto[] }>(depQuery.url) });
  const [highlighted, flash] = useRowHighlights();
  const epWatch = useWatch<OnlineEndpointDto>({ query: epQuery, kind: 'resource' });
  const depWatch = useWatch<OnlineDeploymentDto>({ query: depQuery, kind: 'list', uid: (d) => d.name, onEvent: (ev, { changed }) => changed && ev.type !== 'DELETED' && flash(ev.object.name) });
  const watch = combineWatches(epWatch, depWatch);
  const [deleting, setDeleting] = React.useState(false);

  const available = (t: Tab) => (t === 'keys' || t === 'test' ? canKeys : true);
  const [shownTab, setTab] = useUrlTab(TABS, 'deployments', available);

  const ws = `/w/${encodeURIComponent(workspace)}`;
  const breadcrumb = [{ label: workspaceLabel, href: ws }, { label: 'Endpoints', href: `${ws}/endpoints` }, { label: name }];
  const e = endpoint.data;
  if (!e) {
    if (endpoint.error) {
      const err = endpoint.error as FetchError;
      return (
        <div className="space-y-6">
          <PageHeader title={<span className="font-mono">{name}</span>} breadcrumb={breadcrumb} />
          <ErrorState problem={{ title: 'The endpoint could not be loaded', detail: err.message, status: err.status, requestId: err.requestId }} onRetry={() => void endpoint.refetch()} />
        </div>
      );
    }
    return (
      <div className="space-y-6">
        <PageHeader title={<span className="font-mono">{name}</span>} breadcrumb={breadcrumb} />
        <SkeletonBlock lines={6} label="Loading the endpoint" />
      </div>
    );
  }

  const items = deployments.data?.items ?? [];
  const names = e.deployments.map((d) => d.name);
  const addHref = `${ws}/endpoints/${encodeURIComponent(name)}/deployments/new`;
  const add = (
    <Button asChild>
      <Link href={addHref}>
        <Plus aria-hidden /> Add deployment
      </Link>
    </Button>
  );
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: epQuery.queryKey });
    void queryClient.invalidateQueries({ queryKey: depQuery.queryKey });
  };

  return (
    <div className="space-y-6">
      <PageHeader
        title={<span className="font-mono">{e.name}</span>}
        status={<StatusBadge kind="endpoint" status={e.provisioningState} />}
        breadcrumb={breadcrumb}
        description={e.description || undefined}
        primaryAction={canManage ? add : undefined}
        secondaryActions={
          canManage ? (
            <DropdownMenuItem onSelect={() => setDeleting(true)} className="text-danger-text">
              Delete endpoint…
            </DropdownMenuItem>
          ) : undefined
        }
      />
      {canManage && <DeleteEndpointDialog workspace={workspace} name={e.name} deployments={names} cluster={e.cluster} open={deleting} onOpenChange={setDeleting} />}
      <LivePausedBanner watch={watch} />
      {e.provisioningState === 'Failed' && e.provisioningMessage && (
        <p role="alert" className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger-text">
          {e.provisioningMessage}
        </p>
      )}
      <dl className="grid gap-x-8 gap-y-3 rounded-lg border border-border bg-surface px-5 py-4 text-sm md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
        <div className="grid min-w-0 gap-1">
          <dt className="text-xs text-muted-foreground">Scoring URI</dt>
          <dd className="min-w-0">{e.scoringUri ? <MonoText value={e.scoringUri} truncate copyLabel="Copy the scoring URI" /> : <span className="text-muted-foreground">not served yet</span>}</dd>
        </div>
        <div className="grid gap-1">
          <dt className="text-xs text-muted-foreground">Compute target</dt>
          <dd>
            <span className="font-mono">{e.computeTarget}</span> <span className="text-muted-foreground">on {e.cluster}</span>
          </dd>
        </div>
        <div className="grid gap-1">
          <dt className="text-xs text-muted-foreground">Auth</dt>
          <dd>Key</dd>
        </div>
        <div className="grid min-w-0 gap-1 md:col-span-3">
          <dt className="text-xs text-muted-foreground">Traffic</dt>
          <dd className="max-w-xl">
            <TrafficBar traffic={trafficOf(e.traffic, names)} />
          </dd>
        </div>
        {e.provisioningMessage && e.provisioningState !== 'Failed' && <p className="text-xs text-muted-foreground md:col-span-3">{e.provisioningMessage}</p>}
      </dl>
      <Tabs value={shownTab} onValueChange={setTab}>
        <div className="flex flex-wrap items-end gap-2">
          <TabsList aria-label="Endpoint" className="max-w-full min-w-0 flex-[1_0_auto]">
            <TabsTrigger value="deployments">
              Deployments{names.length ? <span className="text-xs text-muted-foreground tabular-nums">{names.length}</span> : null}
            </TabsTrigger>
            <TabsTrigger value="traffic">Traffic</TabsTrigger>
            {canKeys && <TabsTrigger value="keys">Keys</TabsTrigger>}
            {canKeys && <TabsTrigger value="test">Test</TabsTrigger>}
            <TabsTrigger value="yaml">YAML</TabsTrigger>
          </TabsList>
          <WatchIndicator watch={watch} className="pb-2" />
        </div>
        <TabsContent value="deployments">
          {!deployments.data && deployments.error ? (
            <ErrorState
              problem={{ title: 'The deployments could not be loaded', detail: (deployments.error as FetchError).message, status: (deployments.error as FetchError).status, requestId: (deployments.error as FetchError).requestId }}
              onRetry={() => void deployments.refetch()}
            />
          ) : (
            <DeploymentsTable
              workspace={workspace}
              endpoint={name}
              deployments={items}
              loading={deployments.isLoading}
              highlighted={highlighted}
              empty={
                <EmptyState
                  title="No deployments yet"
                  description="A deployment runs a model server (a container image, with a model and scoring code) on the endpoint’s compute target. Add one — blue — then a second — green — and split the traffic between them."
                  action={canManage ? add : undefined}
                  className="border-0"
                />
              }
            />
          )}
        </TabsContent>
        <TabsContent value="traffic">
          <TrafficPanel workspace={workspace} endpoint={e} canManage={canManage} onSaved={refresh} />
        </TabsContent>
        {canKeys && (
          <TabsContent value="keys">
            <KeysPanel workspace={workspace} endpoint={e.name} />
          </TabsContent>
        )}
        {canKeys && (
          <TabsContent value="test">
            <TestPanel workspace={workspace} endpoint={e.name} deployments={names} />
          </TabsContent>
        )}
        <TabsContent value="yaml" className="grid gap-6">
          <ReadOnlyDocument label="Endpoint as recorded" description="Read-only: the endpoint as Harbormaster records it now (Azure ML field names), traffic included. Never its keys." text={toYaml(endpointDocument(e))} />
          {source && <ReadOnlyDocument label="Endpoint file as submitted" description={`As it was last sent (${source.format === 'yaml' ? 'YAML' : 'JSON'}); traffic changes made later are in the record above.`} text={source.text} />}
        </TabsContent>
      </Tabs>
    </div>
  );
}

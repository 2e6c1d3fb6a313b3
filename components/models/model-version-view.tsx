'use client';

import * as React from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { Archive, Info } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { MonoText } from '@/components/ui/mono-text';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { StatusBadge } from '@/components/ui/status-badge';
import { fetchJson, type FetchError } from '@/components/live/fetch-json';
import { liveQueries } from '@/components/live/query-keys';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { ModelVersionDto } from '@/server/services/models';
import { LazyLineageGraph } from './lazy-lineage-graph';
import { lineageGraph, lineageRows, type LineageNodeData } from './lineage';
import { describeLocation } from './model-location';
import { useModelWatch } from './model-live';
import { VersionArchiveAction } from './version-actions';

// One model version: key facts first (type, path, where its files are in words, who registered it), then its
// lineage as a graph — the job that made it (or the place it was registered from) → this version → the
// deployments that serve it — with the same links as a table, the job's facts as they were recorded
// (compute target, cluster, image, inputs), and its tags and properties.

export interface ModelVersionViewProps {
  workspace: string;
  workspaceLabel: string;
  name: string;
  version: string;
  canManage: boolean;
}

/** Label-over-value pairs in a responsive grid (a <dl>). */
function FactList({ items, className }: { items: Array<{ label: string; value: React.ReactNode; wide?: boolean } | false | null | undefined>; className?: string }) {
  return (
    <dl className={className ?? 'grid gap-4 sm:grid-cols-2 lg:grid-cols-4'}>
      {items.filter(Boolean).map((f) => {
        const it = f as { label: string; value: React.ReactNode; wide?: boolean };
        return (
          <div key={it.label} className={it.wide ? 'min-w-0 sm:col-span-2' : 'min-w-0'}>
            <dt className="text-xs text-muted-foreground">{it.label}</dt>
            <dd className="text-sm break-words">{it.value}</dd>
          </div>
        );
      })}
    </dl>
  );
}

export function ModelVersionView({ workspace, workspaceLabel, name, version, canManage }: ModelVersionViewProps) {
  const query = liveQueries.modelVersion(workspace, name, version);
  const got = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<ModelVersionDto>(query.url) });
  const watch = useModelWatch(workspace, name);
  const ws = `/w/${encodeURIComponent(workspace)}`;
  const breadcrumb = [{ label: workspaceLabel, href: ws }, { label: 'Models', href: `${ws}/models` }, { label: name, href: `${ws}/models/${encodeURIComponent(name)}` }, { label: `Version ${version}` }];
  const v = got.data;
  if (!v) {
    const e = got.error as FetchError | null;
    return (
      <div className="space-y-6">
        <PageHeader title={`${name}:${version}`} breadcrumb={breadcrumb} />
        {e ? <ErrorState problem={{ title: 'The version could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void got.refetch()} /> : null}
      </div>
    );
  }
  const where = describeLocation(v.location);
  const job = v.lineage.job;
  return (
    <div className="space-y-6">
      <PageHeader
        title={
          <span className="font-mono">
            {v.name}:{v.version}
          </span>
        }
        status={
          v.archived ? (
            <Badge tone="neutral" data-testid="version-archived">
              <Archive aria-hidden /> Archived
            </Badge>
          ) : undefined
        }
        breadcrumb={breadcrumb}
        description={
          <span>
            {v.type} · registered <RelativeTime value={v.createdAt} />
            {v.createdBy ? ` by ${v.createdBy}` : ''}
            {v.archivedAt ? (
              <>
                {' '}· archived <RelativeTime value={v.archivedAt} />
              </>
            ) : null}
          </span>
        }
        primaryAction={canManage ? <VersionArchiveAction workspace={workspace} name={v.name} version={v.version} archived={v.archived} size="md" /> : undefined}
      />
      <LivePausedBanner watch={watch} />

      <Card>
        <CardContent className="pt-4">
          <FactList
            items={[
              { label: 'Reference', value: <MonoText value={`azureml:${v.name}:${v.version}`} copyLabel="Copy the model reference" />, wide: true },
              { label: 'Type', value: <code className="font-mono text-[0.8125rem]">{v.type}</code> },
              v.stage ? { label: 'Stage', value: v.stage } : null,
              { label: 'Registered', value: <><RelativeTime value={v.createdAt} />{v.createdBy ? ` by ${v.createdBy}` : ''}</> },
              { label: 'Path', value: <MonoText value={v.path} truncate copyLabel="Copy the path" className="max-w-full" />, wide: true },
              {
                label: `Location — ${where.kind}`,
                wide: true,
                value: (
                  <span data-testid="model-location">
                    {where.sentence}
                    {where.note ? <span className="block text-xs text-muted-foreground">{where.note}</span> : null}
                  </span>
                ),
              },
              v.description ? { label: 'Description', value: v.description, wide: true } : null,
            ]}
          />
        </CardContent>
      </Card>

      <Lineage version={v} workspace={workspace} watchIndicator={<WatchIndicator watch={watch} />} />

      <div className="grid gap-4 lg:grid-cols-2">
        {job ? <JobFacts job={job} workspacePath={ws} /> : null}
        <KeyValues title="Tags" values={v.tags} empty="No tags." />
        <KeyValues title="Properties" values={v.properties} empty="No properties." />
      </div>
    </div>
  );
}

function Lineage({ version, workspace, watchIndicator }: { version: ModelVersionDto; workspace: string; watchIndicator: React.ReactNode }) {
  const graph = React.useMemo(() => lineageGraph(version, workspace), [version, workspace]);
  const rows = lineageRows(graph);
  const deployed = version.lineage.deployments.length > 0;
  return (
    <Card aria-labelledby="lineage-title">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-2">
        <div className="grid min-w-0 flex-1 gap-1">
          <CardTitle id="lineage-title">Lineage</CardTitle>
          <CardDescription>
            {version.lineage.job ? 'The job that produced this version' : 'Where this version was registered from'} and the deployments that serve it.{' '}
            {deployed ? '' : <span data-testid="not-deployed">Not deployed yet: online endpoints that use it will appear here.</span>}
          </CardDescription>
        </div>
        {watchIndicator}
      </CardHeader>
      <CardContent className="grid gap-3">
        <LazyLineageGraph graph={graph} label={`Lineage of ${version.name}:${version.version}`} />
        <details className="text-sm">
          <summary className="cursor-pointer text-muted-foreground hover:text-foreground">The lineage as a table</summary>
          <table aria-label="Lineage" className="mt-2 w-full text-left text-sm">
            <thead className="text-xs text-muted-foreground">
              <tr>
                <th className="py-1 pr-4 font-medium">From</th>
                <th className="py-1 pr-4 font-medium">How</th>
                <th className="py-1 font-medium">To</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-border">
                  <td className="py-1.5 pr-4"><NodeCell node={r.from} /></td>
                  <td className="py-1.5 pr-4 text-muted-foreground">{r.how}</td>
                  <td className="py-1.5"><NodeCell node={r.to} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </CardContent>
    </Card>
  );
}

function NodeCell({ node }: { node: LineageNodeData }) {
  const title = node.href ? (
    <Link href={node.href} className="font-mono underline-offset-4 hover:underline">
      {node.title}
    </Link>
  ) : (
    <span className={node.kind === 'no-deployments' ? 'text-muted-foreground' : 'font-mono'}>{node.title}</span>
  );
  return (
    <span>
      {title}
      {node.gone ? <span className="text-xs text-muted-foreground"> (job record deleted)</span> : null}
    </span>
  );
}

function JobFacts({ job, workspacePath }: { job: NonNullable<ModelVersionDto['lineage']['job']>; workspacePath: string }) {
  const inputs = Object.entries(job.inputs);
  return (
    <Card aria-labelledby="job-facts-title" className="lg:col-span-2">
      <CardHeader className="flex-row flex-wrap items-center gap-2">
        <CardTitle id="job-facts-title">
          Made by job{' '}
          {job.exists ? (
            <Link href={`${workspacePath}/jobs/${encodeURIComponent(job.name)}`} className="font-mono underline-offset-4 hover:underline">
              {job.name}
            </Link>
          ) : (
            <span className="font-mono">{job.name}</span>
          )}
        </CardTitle>
        {job.exists ? <StatusBadge kind="job" status={job.status} /> : <Badge tone="neutral">record deleted</Badge>}
      </CardHeader>
      <CardContent className="grid gap-4">
        {!job.exists && (
          <p className="flex items-start gap-2 text-sm text-muted-foreground">
            <Info aria-hidden className="mt-0.5 size-4 shrink-0" />
            The job’s record was deleted; these are its facts as recorded when this version was registered.
          </p>
        )}
        <FactList
          items={[
            { label: 'Compute target', value: <code className="font-mono text-[0.8125rem]">{job.computeTarget}</code> },
            { label: 'Cluster and namespace', value: <code className="font-mono text-[0.8125rem]">{job.cluster}/{job.namespace}</code> },
            { label: 'Output', value: <code className="font-mono text-[0.8125rem]">{job.output}</code> },
            { label: 'Image', value: job.image ? <MonoText value={job.image} truncate copyLabel="Copy the image" className="max-w-full" /> : <span className="text-muted-foreground">—</span> },
          ]}
        />
        <div>
          <h3 className="mb-1 text-xs text-muted-foreground">Inputs</h3>
          <KeyValueList entries={inputs} empty="The job had no inputs." monoValues />
        </div>
      </CardContent>
    </Card>
  );
}

/** Names (monospace) beside their values; `empty` when there are none. */
function KeyValueList({ entries, empty, monoValues }: { entries: Array<[string, string]>; empty: string; monoValues?: boolean }) {
  if (entries.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      {entries.map(([k, val]) => (
        <React.Fragment key={k}>
          <dt className="font-mono text-muted-foreground">{k}</dt>
          <dd className={monoValues ? 'min-w-0 font-mono break-all' : 'min-w-0 break-words'}>{val}</dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

function KeyValues({ title, values, empty }: { title: string; values: Record<string, string>; empty: string }) {
  return (
    <Card aria-label={title}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <KeyValueList entries={Object.entries(values)} empty={empty} />
      </CardContent>
    </Card>
  );
}

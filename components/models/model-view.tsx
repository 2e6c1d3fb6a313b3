'use client';

import * as React from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { Archive, Plus } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { fetchJson, type FetchError } from '@/components/live/fetch-json';
import { liveQueries } from '@/components/live/query-keys';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { ModelVersionDto } from '@/server/services/models';
import { describeLocation } from './model-location';
import { useModelWatch } from './model-live';
import { VersionArchiveAction } from './version-actions';

// One model: its versions, newest first — type, when and by whom, the job that produced it (or where its files
// came from), archived or not — each linking to its page; Archive / Restore per version for those who may
// manage models. Kept current by the models stream.

type VersionPage = { items: ModelVersionDto[]; next?: string };

export interface ModelViewProps {
  workspace: string;
  workspaceLabel: string;
  name: string;
  canManage: boolean;
}

export function ModelView({ workspace, workspaceLabel, name, canManage }: ModelViewProps) {
  const query = liveQueries.modelVersions(workspace, name);
  const versions = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<VersionPage>(query.url) });
  const watch = useModelWatch(workspace, name);
  const ws = `/w/${encodeURIComponent(workspace)}`;
  const items = React.useMemo(() => versions.data?.items ?? [], [versions.data]);

  const columns = React.useMemo<ColumnDef<ModelVersionDto>[]>(
    () => [
      { accessorKey: 'version', header: 'Version', cell: ({ row }) => <span className="font-mono font-medium tabular-nums">{row.original.version}</span> },
      { accessorKey: 'type', header: 'Type', cell: ({ row }) => <span className="font-mono text-xs">{row.original.type}</span> },
      { accessorKey: 'createdAt', header: 'Registered', cell: ({ row }) => <RelativeTime value={row.original.createdAt} /> },
      { accessorKey: 'createdBy', header: 'By', cell: ({ row }) => <span className="block max-w-56 truncate">{row.original.createdBy ?? <span className="text-muted-foreground">—</span>}</span> },
      {
        id: 'source',
        accessorFn: (v) => v.lineage.job?.name ?? describeLocation(v.location).kind,
        header: 'From',
        cell: ({ row }) => <VersionSource version={row.original} workspacePath={ws} />,
      },
      {
        accessorKey: 'archived',
        header: 'State',
        cell: ({ row }) =>
          row.original.archived ? (
            <Badge tone="neutral">
              <Archive aria-hidden /> Archived
            </Badge>
          ) : (
            <span className="text-muted-foreground">Active</span>
          ),
      },
      ...(canManage
        ? [
            {
              id: 'actions',
              header: () => <span className="sr-only">Actions</span>,
              enableSorting: false,
              meta: { align: 'right' as const },
              cell: ({ row }: { row: { original: ModelVersionDto } }) => <VersionArchiveAction workspace={workspace} name={name} version={row.original.version} archived={row.original.archived} />,
            },
          ]
        : []),
    ],
    [canManage, workspace, name, ws],
  );

  const latest = items.find((v) => !v.archived);
  const newVersion = (
    <Button asChild>
      <Link href={`${ws}/models/new?name=${encodeURIComponent(name)}`}>
        <Plus aria-hidden /> New version
      </Link>
    </Button>
  );
  return (
    <div className="space-y-6">
      <PageHeader
        title={<span className="font-mono">{name}</span>}
        breadcrumb={[{ label: workspaceLabel, href: ws }, { label: 'Models', href: `${ws}/models` }, { label: name }]}
        description={
          versions.data ? (
            <span className="tabular-nums">
              {items.length} version{items.length === 1 ? '' : 's'}
              {latest ? (
                <>
                  {' '}· latest <span className="font-mono">{latest.version}</span>, referred to as <span className="font-mono">azureml:{name}@latest</span>
                </>
              ) : items.length ? ' · every version is archived' : ''}
            </span>
          ) : undefined
        }
        primaryAction={canManage ? newVersion : undefined}
      />
      <LivePausedBanner watch={watch} />
      {!versions.data && versions.error ? (
        <ErrorState
          problem={{ title: 'The versions could not be loaded', detail: (versions.error as FetchError).message, status: (versions.error as FetchError).status, requestId: (versions.error as FetchError).requestId }}
          onRetry={() => void versions.refetch()}
        />
      ) : (
        <DataTable
          label="Versions"
          columns={columns}
          data={items}
          getRowId={(v) => v.uid}
          rowHref={(v) => `${ws}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(v.version)}`}
          loading={versions.isLoading}
          toolbar={<WatchIndicator watch={watch} />}
          footer={versions.data?.next ? <p className="px-3 py-2 text-xs text-muted-foreground">The newest 200 versions are shown.</p> : undefined}
          empty={<EmptyState title="No versions" description="This model has no versions." action={canManage ? newVersion : undefined} className="border-0" />}
        />
      )}
    </div>
  );
}

/** Where a version came from, in a table cell: the job (a link, or "record deleted"), else the kind of place. */
function VersionSource({ version, workspacePath }: { version: ModelVersionDto; workspacePath: string }) {
  const job = version.lineage.job;
  if (!job) return <span className="text-muted-foreground">{describeLocation(version.location).kind}</span>;
  if (!job.exists) {
    return (
      <span title="The job's record was deleted">
        <span className="font-mono">{job.name}</span> <span className="text-xs text-muted-foreground">(record deleted)</span>
      </span>
    );
  }
  return (
    <Link href={`${workspacePath}/jobs/${encodeURIComponent(job.name)}`} className="font-mono underline-offset-4 hover:underline">
      {job.name}
    </Link>
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import type { ColumnDef } from '@tanstack/react-table';
import { Boxes, Server } from 'lucide-react';
import { DataTable } from '@/components/ui/data-table';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PartialBanner } from '@/components/ui/partial-banner';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { FormField } from '@/components/ui/form-field';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { RegisterFromAzureDialog } from './register-from-azure-dialog';
import { armProblem, useAzureClusters, useMlWorkspaces, useSubscriptions, type AzureClusterItem, type MlWorkspaceItem } from './use-azure-lists';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

export interface DiscoveryProps {
  connection: string;
  initialSubscription?: string;
  /** ARM id (lower-case) → Harbormaster cluster name. */
  registered: Record<string, string>;
  /** ARM id (lower-case) → Harbormaster workspace linked to it. */
  linked: Record<string, string>;
  canRegister: boolean;
}

/** A connection's discovery: pick a subscription, then its AKS/Arc clusters (register) and Azure ML workspaces. */
export function AzureDiscovery({ connection, initialSubscription, registered, linked, canRegister }: DiscoveryProps) {
  const router = useRouter();
  const pathname = usePathname();
  const subs = useSubscriptions(connection);
  const [picked, setPicked] = React.useState(initialSubscription);
  // Without a choice (or with one the identity no longer sees), the first subscription.
  const subscription = subs.data?.some((s) => s.subscriptionId === picked) ? picked : subs.data?.[0]?.subscriptionId;

  if (subs.isPending) return <SkeletonBlock label="Loading subscriptions" lines={4} />;
  if (subs.isError) return <ErrorState problem={armProblem(subs.error, 'The subscriptions could not be listed')} onRetry={() => void subs.refetch()} />;
  if (!subs.data.length)
    return <EmptyState title="No subscriptions" description="This identity sees no subscription: assign it a role (e.g. Reader) on the subscriptions Harbormaster should browse." />;
  return (
    <div className="space-y-4">
      <FormField label="Subscription" className="max-w-md">
        {(c) => (
          <select
            {...c}
            value={subscription}
            className={selectClass}
            onChange={(e) => {
              setPicked(e.target.value);
              router.replace(`${pathname}?subscription=${encodeURIComponent(e.target.value)}`, { scroll: false });
            }}
          >
            {subs.data.map((s) => (
              <option key={s.subscriptionId} value={s.subscriptionId}>
                {s.displayName || s.subscriptionId} ({s.subscriptionId}){s.state && s.state !== 'Enabled' ? ` · ${s.state}` : ''}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <Tabs defaultValue="clusters">
        <TabsList aria-label="What to discover">
          <TabsTrigger value="clusters">Kubernetes clusters</TabsTrigger>
          <TabsTrigger value="workspaces">Azure ML workspaces</TabsTrigger>
        </TabsList>
        <TabsContent value="clusters" className="pt-4">
          <ClustersPanel connection={connection} subscription={subscription!} registered={registered} canRegister={canRegister} />
        </TabsContent>
        <TabsContent value="workspaces" className="pt-4">
          <WorkspacesPanel connection={connection} subscription={subscription!} linked={linked} />
        </TabsContent>
      </Tabs>
    </div>
  );
}

function ClustersPanel({ connection, subscription, registered, canRegister }: { connection: string; subscription: string; registered: Record<string, string>; canRegister: boolean }) {
  const q = useAzureClusters(connection, subscription);
  const columns = React.useMemo<ColumnDef<AzureClusterItem>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Name',
        cell: ({ row }) => (
          <div className="grid gap-0.5 whitespace-nowrap">
            <span className="flex items-center gap-2">
              <span className="font-mono font-medium">{row.original.name}</span>
              <Badge tone="outline">{row.original.kind === 'aks' ? 'AKS' : 'Azure Arc'}</Badge>
            </span>
            <span className="text-xs text-muted-foreground">
              Kubernetes <span className="font-mono tabular-nums">{row.original.kubernetesVersion ?? 'unknown'}</span>
            </span>
          </div>
        ),
      },
      {
        accessorKey: 'resourceGroup',
        header: 'Resource group · location',
        cell: ({ row }) => (
          <span className="font-mono text-xs whitespace-nowrap">
            {row.original.resourceGroup} <span className="text-muted-foreground">· {row.original.location}</span>
          </span>
        ),
      },
      {
        id: 'state',
        header: 'State · sign-in',
        cell: ({ row }) => {
          const s = row.original.connectivityStatus ?? row.original.provisioningState;
          return (
            <div className="flex flex-wrap items-center gap-1">
              {s ? <Badge tone={/^(Succeeded|Connected)$/i.test(s) ? 'success' : /fail|offline|expired/i.test(s) ? 'danger' : 'warning'}>{s}</Badge> : null}
              {row.original.entraEnabled ? <Badge tone="info">Entra ID</Badge> : <span className="text-xs text-muted-foreground">local accounts</span>}
            </div>
          );
        },
      },
      {
        id: 'harbormaster',
        header: 'In Harbormaster',
        enableSorting: false,
        meta: { align: 'right' },
        cell: ({ row }) => {
          const name = registered[row.original.id.toLowerCase()];
          if (name)
            return (
              <Link href={`/ops/clusters/${name}`} className="text-sm text-accent-text underline-offset-4 hover:underline">
                Registered as <span className="font-mono">{name}</span>
              </Link>
            );
          return canRegister ? <RegisterFromAzureDialog connection={connection} cluster={row.original} /> : <span className="text-xs text-muted-foreground">not registered</span>;
        },
      },
    ],
    [connection, registered, canRegister],
  );
  if (q.isPending) return <SkeletonBlock label="Loading clusters" lines={4} />;
  if (q.isError) return <ErrorState problem={armProblem(q.error, 'The clusters could not be listed')} onRetry={() => void q.refetch()} />;
  const errors = q.data.errors.map((e) => ({ source: e.kind === 'aks' ? 'AKS' : 'Azure Arc', message: e.message }));
  return (
    <div className="space-y-3">
      <PartialBanner errors={errors} total={2} noun="cluster providers" />
      <DataTable
        label="AKS and Arc clusters"
        columns={columns}
        data={q.data.items}
        getRowId={(c) => c.id}
        empty={<EmptyState icon={Server} title="No AKS or Arc clusters" description="None in this subscription that this identity can read." />}
      />
    </div>
  );
}

function WorkspacesPanel({ connection, subscription, linked }: { connection: string; subscription: string; linked: Record<string, string> }) {
  const q = useMlWorkspaces(connection, subscription);
  const columns = React.useMemo<ColumnDef<MlWorkspaceItem>[]>(
    () => [
      {
        accessorKey: 'name',
        header: 'Name',
        cell: ({ row }) => (
          <div>
            <div className="font-mono font-medium">{row.original.name}</div>
            {row.original.friendlyName && row.original.friendlyName !== row.original.name ? <div className="text-xs text-muted-foreground">{row.original.friendlyName}</div> : null}
          </div>
        ),
      },
      { accessorKey: 'resourceGroup', header: 'Resource group', cell: ({ getValue }) => <span className="font-mono text-xs">{String(getValue())}</span> },
      { accessorKey: 'location', header: 'Location', cell: ({ getValue }) => <span className="font-mono text-xs">{String(getValue())}</span> },
      {
        id: 'linked',
        header: 'Linked to',
        enableSorting: false,
        cell: ({ row }) => {
          const ws = linked[row.original.id.toLowerCase()];
          return ws ? (
            <Link href={`/ops/workspaces/${ws}`} className="text-sm text-accent-text underline-offset-4 hover:underline">
              workspace <span className="font-mono">{ws}</span>
            </Link>
          ) : (
            <span className="text-xs text-muted-foreground">not linked — link from a workspace’s page</span>
          );
        },
      },
    ],
    [linked],
  );
  if (q.isPending) return <SkeletonBlock label="Loading Azure ML workspaces" lines={4} />;
  if (q.isError) return <ErrorState problem={armProblem(q.error, 'The Azure ML workspaces could not be listed')} onRetry={() => void q.refetch()} />;
  return (
    <DataTable
      label="Azure ML workspaces"
      columns={columns}
      data={q.data}
      getRowId={(w) => w.id}
      empty={<EmptyState icon={Boxes} title="No Azure ML workspaces" description="None in this subscription that this identity can read." />}
    />
  );
}

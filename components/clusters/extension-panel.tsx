'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonBlock } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { useAction } from '@/components/forms/use-action';
import { liveQueries } from '@/components/live/query-keys';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import { useWatch } from '@/components/live/use-watch';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { ExtensionDto } from '@/server/services/extension';
import { InstallProgress } from './install-progress';
import { ExtensionForm } from './extension-form';
import { SettingsView } from './settings-view';

/**
 * The extension as the server rendered it (hydrated into react-query), kept current by its stream: install
 * steps move on screen as the installer records them. When an install ends, a toast says how, and the page
 * re-renders on the server (the header's health and the tabs' counts follow).
 */
function useExtension(cluster: string) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const query = liveQueries.extension(cluster);
  const ext = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<ExtensionDto>(query.url) });
  const watch = useWatch<ExtensionDto>({ query, kind: 'resource' });
  const status = ext.data?.status;
  const previous = React.useRef(status);
  React.useEffect(() => {
    const before = previous.current;
    previous.current = status;
    if (before !== 'installing' || !status || status === 'installing') return;
    if (status === 'installed') toast.success(`Extension installed on ${cluster}`);
    else if (status === 'failed') toast.error(ext.data?.message ?? 'The install failed');
    router.refresh();
  }, [status, cluster, router, ext.data?.message]);
  const setExt = React.useCallback((next: ExtensionDto) => queryClient.setQueryData(query.queryKey, next), [queryClient, query.queryKey]);
  return { ext, watch, setExt };
}

export interface ExtensionPanelProps {
  cluster: string;
  canManage: boolean;
  network: { serviceCidrs: string[]; podCidrs: string[] } | null;
}

export function ExtensionPanel({ cluster, canManage, network }: ExtensionPanelProps) {
  const { ext: query, watch, setExt } = useExtension(cluster);
  const uninstall = useAction<{ message: string; extension: ExtensionDto }>('clusters.extension.uninstall');
  const [confirm, setConfirm] = React.useState<null | 'keep' | 'purge'>(null);
  const ext = query.data;

  if (!ext) {
    if (query.error) {
      const e = query.error as FetchError;
      return <ErrorState problem={{ title: 'The extension could not be read', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void query.refetch()} />;
    }
    return <SkeletonBlock lines={6} label="Loading the extension" />;
  }

  if (ext.flavor === 'azureml') {
    return (
      <Card>
        <CardHeader>
          <CardTitle className="flex flex-wrap items-center gap-2">
            Azure ML extension <StatusBadge kind="extension" status="installed" detail="Microsoft.AzureML.Kubernetes" />
            <WatchIndicator watch={watch} className="ml-auto font-normal" />
          </CardTitle>
          <CardDescription>{ext.azureMl?.detail}. Harbormaster uses it as it is and never installs over it; manage it with az k8s-extension.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3 text-sm">
          {ext.azureMl?.components.length ? (
            <p>
              Components: <span className="font-mono">{ext.azureMl.components.join(', ')}</span>
            </p>
          ) : null}
          <div>
            <h3 className="mb-1 font-medium">Instance types</h3>
            <ul className="grid gap-1">
              {ext.azureMl?.instanceTypes.map((it) => (
                <li key={it.name} className="font-mono text-xs">
                  {it.name}
                  {it.implicit ? ' (implicit default)' : ''}: {JSON.stringify(it.resources)}
                  {Object.keys(it.nodeSelector).length ? ` on ${Object.entries(it.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}
                </li>
              ))}
            </ul>
          </div>
        </CardContent>
      </Card>
    );
  }

  const installed = ext.status === 'installed' || ext.status === 'failed';
  return (
    <div className="grid gap-6 lg:grid-cols-5">
      <LivePausedBanner watch={watch} className="lg:col-span-5" />
      <div className="grid content-start gap-6 lg:col-span-2">
        <Card>
          <CardHeader>
            <CardTitle className="flex flex-wrap items-center gap-2">
              Harbormaster ML extension <StatusBadge kind="extension" status={ext.status} detail={ext.version ? `v${ext.version}` : undefined} />
              <WatchIndicator watch={watch} className="ml-auto font-normal" />
            </CardTitle>
            <CardDescription>
              {ext.status === 'notInstalled'
                ? `Not installed. Installing applies namespace azureml, the InstanceType CRD, RBAC, the inference router and network policies with server-side apply (version ${ext.availableVersion}).`
                : ext.startedAt
                  ? <>Last {ext.operation ?? 'operation'} by {ext.requestedBy ?? 'system'}, started <RelativeTime value={ext.startedAt} />{ext.finishedAt ? <>, finished <RelativeTime value={ext.finishedAt} /></> : null}.</>
                  : null}
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            {ext.message ? (
              <p role={ext.status === 'failed' ? 'alert' : undefined} className={ext.status === 'failed' ? 'rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm text-danger-text' : 'text-sm text-muted-foreground'}>
                {ext.message}
              </p>
            ) : null}
            {ext.steps.length ? <InstallProgress steps={ext.steps} /> : null}
            {ext.warnings.length ? (
              <ul className="grid gap-1 text-sm text-warning-text">
                {ext.warnings.map((w) => <li key={w}>⚠ {w}</li>)}
              </ul>
            ) : null}
            {canManage && installed ? (
              <div className="flex flex-wrap gap-2 border-t border-border pt-4">
                <Button variant="secondary" onClick={() => setConfirm('keep')}>Uninstall…</Button>
                <Button variant="danger" onClick={() => setConfirm('purge')}>Uninstall and purge…</Button>
              </div>
            ) : null}
          </CardContent>
        </Card>
      </div>
      <div className="lg:col-span-3">
        {canManage ? (
          <ExtensionForm cluster={cluster} extension={ext} network={network} disabled={ext.status === 'installing'} onStarted={(next) => setExt(next)} />
        ) : ext.settings ? (
          // Read-only readers get the settings where ops admins get the form, not under the status card.
          <SettingsView settings={ext.settings} egress={ext.egress} />
        ) : (
          <p className="text-sm text-muted-foreground">No settings recorded: the extension was never installed from Harbormaster.</p>
        )}
      </div>
      <ConfirmDialog
        open={confirm !== null}
        onOpenChange={(o) => !o && setConfirm(null)}
        action={confirm === 'purge' ? 'Uninstall and purge the extension from' : 'Uninstall the extension from'}
        objectName={cluster}
        requireTypedName
        tone="danger"
        confirmLabel={confirm === 'purge' ? 'Uninstall and purge' : 'Uninstall'}
        consequence={
          confirm === 'purge'
            ? 'Deletes the inference router, the device plugin, network policies, RBAC, the namespace azureml with everything in it, and the InstanceType CRD — which deletes every instance type on this cluster. Online endpoints stop answering.'
            : 'Deletes the inference router, the device plugin, network policies and the router\'s secrets. Keeps the InstanceType CRD and your instance types, the workload ClusterRole and the namespace azureml. Online endpoints stop answering.'
        }
        onConfirm={async () => {
          const r = await uninstall.run({ name: cluster, purge: confirm === 'purge' });
          if (!r.ok) throw new Error(r.error.detail);
          setExt(r.data.extension);
          toast.success(r.data.message);
        }}
      />
    </div>
  );
}

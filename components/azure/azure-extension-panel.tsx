'use client';

import * as React from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorState } from '@/components/ui/error-state';
import { RelativeTime } from '@/components/ui/relative-time';
import { StatusBadge } from '@/components/ui/status-badge';
import { useAction } from '@/components/forms/use-action';
import { fetchJson } from '@/components/live/fetch-json';
import { ExtensionForm } from '@/components/clusters/extension-form';
import { SettingsView } from '@/components/clusters/settings-view';
import type { AzureExtensionDto } from '@/server/azure/extension';
import { armProblem } from './use-azure-lists';

/** Harbormaster's view of ARM's operation → the one extension status vocabulary (the provisioning state is the detail). */
function statusOf(x: AzureExtensionDto): 'notInstalled' | 'installing' | 'installed' | 'failed' | 'Removing' {
  // The vocabulary has no removal word: a running removal says so (neutral) rather than "Installing".
  if (x.state === 'pending' || x.state === 'running') return x.operation === 'remove' ? 'Removing' : 'installing';
  if (x.state === 'failed' || /^failed$/i.test(x.provisioningState ?? '')) return 'failed';
  return x.installed ? 'installed' : 'notInstalled';
}

const OPERATION_WORDS = { install: 'Install', update: 'Update', remove: 'Removal' } as const;

/**
 * Azure ML's `Microsoft.AzureML.Kubernetes` extension on a cluster registered from Azure: ARM's provisioning state and
 * statuses (polled while an operation runs), and install / update / remove with the same settings form as
 * Harbormaster's own extension.
 */
export function AzureExtensionPanel({ cluster, initial, canManage, network }: { cluster: string; initial: AzureExtensionDto; canManage: boolean; network: { serviceCidrs: string[]; podCidrs: string[] } | null }) {
  const queryClient = useQueryClient();
  const key = React.useMemo(() => ['cluster-azure-extension', cluster], [cluster]);
  const q = useQuery({
    queryKey: key,
    queryFn: () => fetchJson<AzureExtensionDto>(`/api/v1/clusters/${encodeURIComponent(cluster)}/azure-extension`),
    initialData: initial,
    // ARM's long-running operation moves on in the background: follow it while it runs.
    refetchInterval: (query) => (query.state.data && (query.state.data.state === 'pending' || query.state.data.state === 'running') ? 3000 : false),
  });
  const remove = useAction<{ extension: AzureExtensionDto }>('clusters.azureExtension.remove');
  const x = q.data;
  const status = statusOf(x);
  const busy = x.state === 'pending' || x.state === 'running';
  const set = (next: AzureExtensionDto) => queryClient.setQueryData(key, next);

  return (
    <div className="grid gap-6 lg:grid-cols-5">
      <div className="grid min-w-0 content-start gap-6 lg:col-span-2">
        <Card>
          <CardHeader>
            <CardTitle className="flex flex-wrap items-center gap-2">
              Azure ML extension <StatusBadge kind="extension" status={status} detail={x.provisioningState && x.provisioningState.toLowerCase() !== status.toLowerCase() ? x.provisioningState : undefined} />
            </CardTitle>
            <CardDescription>
              <span className="font-mono">{x.extensionType}</span> named <span className="font-mono">{x.extensionName}</span>, through Azure Resource Manager
              {x.version ? <> · version <span className="font-mono">{x.version}</span></> : null}.
              {x.operation && x.startedAt ? (
                <>
                  {' '}
                  {OPERATION_WORDS[x.operation]} by {x.requestedBy ?? 'system'} started <RelativeTime value={x.startedAt} />
                  {x.finishedAt ? <>, finished <RelativeTime value={x.finishedAt} /></> : null}.
                </>
              ) : null}
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 text-sm">
            {q.isError ? <ErrorState problem={armProblem(q.error, 'The extension’s state could not be refreshed')} onRetry={() => void q.refetch()} /> : null}
            {x.lastError ? (
              <p role="alert" className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-danger-text [overflow-wrap:anywhere]">
                {x.lastError}
              </p>
            ) : null}
            <div aria-live="polite" className="grid gap-1">
              <div className="text-xs text-muted-foreground">Harbormaster’s operation</div>
              <div>
                {x.state === 'none' ? 'none yet' : x.state === 'pending' ? 'pending — recorded, about to be sent to ARM' : x.state === 'running' ? 'running — ARM’s operation is under way' : x.state}
                {busy ? '; this card follows it.' : ''}
              </div>
            </div>
            <div className="grid gap-1">
              <div className="text-xs text-muted-foreground">Statuses reported by the extension</div>
              {x.statuses.length ? (
                <ul className="grid gap-1.5">
                  {x.statuses.map((s, i) => (
                    <li key={`${s.code ?? ''}-${i}`} className="rounded-md border border-border px-2 py-1.5">
                      <span className="font-medium">{s.displayStatus ?? s.code ?? 'status'}</span>
                      {s.level ? <span className={s.level.toLowerCase() === 'error' ? ' text-danger-text' : s.level.toLowerCase() === 'warning' ? ' text-warning-text' : ' text-muted-foreground'}> · {s.level}</span> : null}
                      {s.time ? <span className="text-muted-foreground"> · <RelativeTime value={s.time} /></span> : null}
                      {s.message ? <div className="text-muted-foreground [overflow-wrap:anywhere]">{s.message}</div> : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-muted-foreground">none</span>
              )}
            </div>
            {x.protectedSettings.length ? (
              <div className="grid gap-1">
                <div className="text-xs text-muted-foreground">Protected settings (values never shown)</div>
                <div className="font-mono text-xs">{x.protectedSettings.join(', ')}</div>
                {x.tls ? (
                  <div className="text-xs text-muted-foreground">
                    Certificate {x.tls.subject}, valid until <RelativeTime value={x.tls.notAfter} />
                  </div>
                ) : null}
              </div>
            ) : null}
            {canManage && x.installed ? (
              <div className="border-t border-border pt-4">
                <ConfirmDialog
                  action="Remove Azure ML’s extension from"
                  objectName={cluster}
                  requireTypedName
                  confirmLabel="Remove"
                  consequence="Azure Resource Manager deletes the Microsoft.AzureML.Kubernetes extension and its components from the cluster. Compute attached through Azure ML on this cluster stops running jobs; online endpoints stop answering."
                  trigger={
                    <Button variant="danger" disabled={busy}>
                      Remove…
                    </Button>
                  }
                  onConfirm={async () => {
                    const r = await remove.run({ name: cluster });
                    if (!r.ok) throw new Error(r.error.detail);
                    set(r.data.extension);
                    toast.success(`Removal of Azure ML’s extension from ${cluster} started`);
                  }}
                />
              </div>
            ) : null}
          </CardContent>
        </Card>
      </div>
      <div className="min-w-0 lg:col-span-3">
        {canManage ? (
          <ExtensionForm provider="azureml" cluster={cluster} extension={x} network={network} disabled={busy} onStarted={set} />
        ) : x.settings ? (
          <SettingsView settings={x.settings} />
        ) : (
          <p className="text-sm text-muted-foreground">No settings recorded: Azure ML’s extension was never installed from Harbormaster.</p>
        )}
      </div>
    </div>
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import { Link2, Unlink } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { ErrorState } from '@/components/ui/error-state';
import { FormField } from '@/components/ui/form-field';
import { MonoText } from '@/components/ui/mono-text';
import { RelativeTime } from '@/components/ui/relative-time';
import { Skeleton } from '@/components/ui/skeleton';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import type { WorkspaceAzureLinkDto as WorkspaceAzureLinkView } from '@/server/azure/connections';
import { armProblem, useMlWorkspaces, useSubscriptions } from './use-azure-lists';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm disabled:opacity-50';

/** The Ops workspace page's card: the workspace's Azure ML workspace, with Link… and Unlink for ops admins. */
export function WorkspaceAzureLinkCard({
  workspace, link, connections, canManage,
}: { workspace: string; link: WorkspaceAzureLinkView | null; connections: Array<{ name: string; kindLabel: string }>; canManage: boolean }) {
  const unlink = useAction('workspaces.unlinkAzure');
  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-2">
        <div className="grid gap-1">
          <CardTitle>Azure ML workspace</CardTitle>
          <CardDescription>Jobs on compute attached through Azure ML run in the linked Azure ML workspace.</CardDescription>
        </div>
        {canManage && (
          <div className="flex gap-2">
            <LinkAzureDialog workspace={workspace} connections={connections} current={link} />
            {link && (
              <ConfirmDialog
                action="Unlink Azure ML workspace"
                objectName={`${workspace} → ${link.workspaceName}`}
                consequence="Harbormaster forgets the link; nothing changes in Azure."
                confirmLabel="Unlink"
                trigger={
                  <Button variant="secondary" size="sm">
                    <Unlink aria-hidden /> Unlink
                  </Button>
                }
                onConfirm={async () => {
                  const r = await unlink.run({ workspace });
                  if (!r.ok) throw new Error(r.error.detail);
                  toast.success(`Workspace ${workspace} unlinked from ${link.workspaceName}`);
                }}
              />
            )}
          </div>
        )}
      </CardHeader>
      <CardContent>
        {link ? (
          <dl className="grid gap-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="Azure ML workspace"><span className="font-mono">{link.workspaceName}</span></Fact>
            <Fact label="Resource group"><span className="font-mono">{link.resourceGroup}</span></Fact>
            <Fact label="Location"><span className="font-mono">{link.location || '—'}</span></Fact>
            <Fact label="Subscription"><MonoText value={link.subscriptionId} /></Fact>
            <Fact label="Connection">
              <Link href={`/ops/azure/${link.connection}`} className="font-mono text-accent-text underline-offset-4 hover:underline">{link.connection}</Link>
            </Fact>
            <Fact label="Linked">
              <RelativeTime value={link.linkedAt} />
              {link.linkedBy ? ` by ${link.linkedBy}` : ''}
            </Fact>
          </dl>
        ) : (
          <p className="text-sm text-muted-foreground">
            Not linked.{' '}
            {canManage
              ? connections.length
                ? 'Link it to an Azure ML workspace to attach compute and run jobs through Azure ML.'
                : <>Add an Azure connection on <Link href="/ops/azure" className="text-accent-text underline underline-offset-4">Ops → Azure</Link> first.</>
              : 'An ops admin links it to an Azure ML workspace.'}
          </p>
        )}
      </CardContent>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid min-w-0 gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

/** Pick connection → subscription → Azure ML workspace from ARM lists; the server checks the choice through ARM. */
function LinkAzureDialog({ workspace, connections, current }: { workspace: string; connections: Array<{ name: string; kindLabel: string }>; current: WorkspaceAzureLinkView | null }) {
  const [open, setOpen] = React.useState(false);
  const [connection, setConnection] = React.useState(current?.connection ?? connections[0]?.name ?? '');
  const [subscription, setSubscription] = React.useState(current?.subscriptionId ?? '');
  const [target, setTarget] = React.useState(current?.armId.toLowerCase() ?? '');
  const action = useAction('workspaces.linkAzure');
  const subs = useSubscriptions(open ? connection || undefined : undefined);
  const sub = subs.data?.some((s) => s.subscriptionId === subscription) ? subscription : subs.data?.[0]?.subscriptionId;
  const mlws = useMlWorkspaces(open ? connection || undefined : undefined, sub);
  const chosen = mlws.data?.find((w) => w.id.toLowerCase() === target) ?? mlws.data?.[0];

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (!chosen || !sub) return;
    const r = await action.run({ workspace, connection, subscriptionId: sub, resourceGroup: chosen.resourceGroup, workspaceName: chosen.name });
    if (r.ok) {
      toast.success(`Workspace ${workspace} linked to Azure ML workspace ${chosen.name}`);
      setOpen(false);
    }
  }

  if (!connections.length) return null;
  return (
    <Dialog open={open} onOpenChange={(o) => (setOpen(o), o || action.reset())}>
      <DialogTrigger asChild>
        <Button size="sm" variant={current ? 'secondary' : 'primary'}>
          <Link2 aria-hidden /> {current ? 'Change link…' : 'Link…'}
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Link {workspace} to an Azure ML workspace</DialogTitle>
          <DialogDescription>Lists come from Azure Resource Manager through the connection; Harbormaster checks the workspace there before saving.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-4" noValidate>
          <FormField label="Connection" error={action.fieldErrors.connection}>
            {(c) => (
              <select {...c} className={selectClass} value={connection} onChange={(e) => (setConnection(e.target.value), setSubscription(''), setTarget(''))}>
                {connections.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name} — {x.kindLabel}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField label="Subscription" error={action.fieldErrors.subscriptionId}>
            {(c) =>
              subs.isPending ? (
                <Skeleton className="h-9" aria-label="Loading subscriptions" />
              ) : (
                <select {...c} className={selectClass} value={sub ?? ''} disabled={!subs.data?.length} onChange={(e) => (setSubscription(e.target.value), setTarget(''))}>
                  {!subs.data?.length && <option value="">{subs.isError ? 'could not be listed' : 'no subscriptions visible'}</option>}
                  {subs.data?.map((s) => (
                    <option key={s.subscriptionId} value={s.subscriptionId}>
                      {s.displayName || s.subscriptionId} ({s.subscriptionId})
                    </option>
                  ))}
                </select>
              )
            }
          </FormField>
          {subs.isError && <ErrorState problem={armProblem(subs.error, 'The subscriptions could not be listed')} onRetry={() => void subs.refetch()} />}
          <FormField label="Azure ML workspace" error={action.fieldErrors.workspaceName ?? action.fieldErrors.resourceGroup}>
            {(c) =>
              sub && mlws.isPending ? (
                <Skeleton className="h-9" aria-label="Loading Azure ML workspaces" />
              ) : (
                <select {...c} className={selectClass} value={chosen?.id.toLowerCase() ?? ''} disabled={!mlws.data?.length} onChange={(e) => setTarget(e.target.value)}>
                  {!mlws.data?.length && <option value="">{!sub ? 'choose a subscription first' : mlws.isError ? 'could not be listed' : 'no Azure ML workspaces in this subscription'}</option>}
                  {mlws.data?.map((w) => (
                    <option key={w.id} value={w.id.toLowerCase()}>
                      {w.name} · {w.resourceGroup} · {w.location}
                    </option>
                  ))}
                </select>
              )
            }
          </FormField>
          {mlws.isError && <ErrorState problem={armProblem(mlws.error, 'The Azure ML workspaces could not be listed')} onRetry={() => void mlws.refetch()} />}
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending} disabled={!chosen}>
              Link
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

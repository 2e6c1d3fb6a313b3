'use client';

import * as React from 'react';
import Link from 'next/link';
import { Boxes, Link2 } from 'lucide-react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Checkbox } from '@/components/ui/checkbox';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DropdownMenuItem } from '@/components/ui/dropdown-menu';
import { EmptyState } from '@/components/ui/empty-state';
import { MoreActionsMenu } from '@/components/ui/more-actions-menu';
import { StatusBadge } from '@/components/ui/status-badge';
import { useAction } from '@/components/forms/use-action';
import type { ComputeTargetView } from '@/components/instance-types/types';
import { ComputeTargetDialog, type ClusterChoice } from './compute-target-dialog';
import { QuotaGauges } from './quota-gauges';

export interface ComputeTargetsPanelProps {
  targets: ComputeTargetView[];
  canManage: boolean;
  /** Workspaces and clusters the attach dialog offers (one each: fixed). */
  workspaces: string[];
  clusters: ClusterChoice[];
  /** What the cards lead with: the workspace (cluster page) or the cluster (workspace page). */
  perspective: 'cluster' | 'workspace';
}

const LOCATION: Record<string, string> = { cloud: 'Cloud', 'on-prem': 'On-premises', edge: 'Edge' };

/** Compute targets as cards: where, namespace, health, quota used vs limit; ops admins attach, edit, detach. */
export function ComputeTargetsPanel({ targets, canManage, workspaces, clusters, perspective }: ComputeTargetsPanelProps) {
  const [attaching, setAttaching] = React.useState(false);
  const [editing, setEditing] = React.useState<ComputeTargetView | null>(null);
  const [detaching, setDetaching] = React.useState<ComputeTargetView | null>(null);
  const [force, setForce] = React.useState(false);
  const [deleteNs, setDeleteNs] = React.useState(false);
  const detach = useAction<{ message: string; deleted: string[] }>('compute.detach');
  const canAttach = canManage && workspaces.length > 0 && clusters.length > 0;

  return (
    <div className="grid gap-4">
      {canAttach ? (
        <div className="flex justify-end">
          <Button onClick={() => setAttaching(true)}>
            <Link2 aria-hidden className="size-4" /> Attach compute
          </Button>
        </div>
      ) : null}
      {targets.length === 0 ? (
        <EmptyState
          icon={Boxes}
          title="No compute targets"
          description={perspective === 'cluster' ? 'No workspace uses this cluster yet. Attach it to a workspace to give its data scientists a namespace, instance types and a quota.' : 'This workspace has no compute yet: attach a cluster to it.'}
          action={canAttach ? <Button onClick={() => setAttaching(true)}>Attach compute</Button> : undefined}
        />
      ) : (
        <div className="grid gap-4 xl:grid-cols-2">
          {targets.map((t) => (
            <Card key={`${t.workspace}/${t.name}`} aria-label={`Compute target ${t.workspace}/${t.name}`}>
              <CardHeader className="flex flex-row items-start justify-between gap-3">
                <div className="grid gap-1">
                  <CardTitle className="flex flex-wrap items-center gap-2">
                    <span className="font-mono">{t.name}</span>
                    <StatusBadge kind="cluster" status={t.health.status as 'Healthy'} detail={t.health.reason ?? undefined} />
                  </CardTitle>
                  <CardDescription>
                    {perspective === 'cluster' ? (
                      <>Workspace <Link className="font-mono underline-offset-2 hover:underline" href={`/ops/workspaces/${t.workspace}`}>{t.workspace}</Link></>
                    ) : (
                      <>Cluster <Link className="font-mono underline-offset-2 hover:underline" href={`/ops/clusters/${t.cluster}`}>{t.cluster}</Link> · {LOCATION[t.location] ?? t.location}{t.region ? ` · ${t.region}` : ''}</>
                    )}
                    {' · '}namespace <span className="font-mono">{t.namespace}</span>
                    {t.namespaceCreated ? <Badge tone="outline" className="ml-1">created by Harbormaster</Badge> : null}
                  </CardDescription>
                </div>
                {canManage ? (
                  <MoreActionsMenu label={`Actions for ${t.workspace}/${t.name}`}>
                    <DropdownMenuItem onSelect={() => setEditing(t)}>Edit…</DropdownMenuItem>
                    <DropdownMenuItem destructive onSelect={() => { setForce(false); setDeleteNs(false); setDetaching(t); }}>Detach…</DropdownMenuItem>
                  </MoreActionsMenu>
                ) : null}
              </CardHeader>
              <CardContent className="grid gap-3">
                <QuotaGauges target={t} />
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                  <dt className="text-muted-foreground">Instance types</dt>
                  <dd className="font-mono text-xs">{t.allowedInstanceTypes ? t.allowedInstanceTypes.join(', ') : 'all of the cluster’s'} (default {t.defaultInstanceType})</dd>
                  <dt className="text-muted-foreground">Runs as</dt>
                  <dd className="font-mono text-xs">ServiceAccount {t.serviceAccount}</dd>
                  {t.description ? (<><dt className="text-muted-foreground">About</dt><dd>{t.description}</dd></>) : null}
                </dl>
              </CardContent>
            </Card>
          ))}
        </div>
      )}
      {canManage ? (
        <>
          <ComputeTargetDialog workspaces={workspaces} clusters={clusters} open={attaching} onOpenChange={setAttaching} />
          <ComputeTargetDialog workspaces={workspaces} clusters={clusters} editing={editing ?? undefined} open={!!editing} onOpenChange={(o) => !o && setEditing(null)} />
          <ConfirmDialog
            open={!!detaching}
            onOpenChange={(o) => !o && setDetaching(null)}
            action="Detach compute target"
            objectName={detaching?.name ?? ''}
            requireTypedName
            consequence={
              <div className="grid gap-2">
                <p>
                  Workspace <span className="font-mono">{detaching?.workspace}</span> loses this compute on <span className="font-mono">{detaching?.cluster}</span>. Its quota, ServiceAccount and
                  RoleBinding are deleted; the namespace <span className="font-mono">{detaching?.namespace}</span> is deleted only if Harbormaster created it and it is empty. Refused while its jobs or deployments run.
                </p>
                <label className="flex items-center gap-2 text-foreground"><Checkbox checked={force} onChange={(e) => setForce(e.target.checked)} /> Detach even if workloads run (they are deleted)</label>
                <label className="flex items-center gap-2 text-foreground"><Checkbox checked={deleteNs} onChange={(e) => setDeleteNs(e.target.checked)} /> Also delete the namespace and everything in it</label>
              </div>
            }
            confirmLabel="Detach"
            onConfirm={async () => {
              if (!detaching) return;
              const r = await detach.run({ workspace: detaching.workspace, name: detaching.name, ...(force ? { force: true } : {}), ...(deleteNs ? { deleteNamespace: true } : {}) });
              if (!r.ok) throw new Error(r.error.detail);
              toast.success(r.data.message);
            }}
          />
        </>
      ) : null}
    </div>
  );
}

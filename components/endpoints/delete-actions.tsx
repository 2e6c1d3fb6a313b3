'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useAction } from '@/components/forms/use-action';

// Deleting an endpoint (type the name: it takes its deployments and their Kubernetes objects with it) and a
// deployment (refused by the server while it takes traffic — its message is shown in the dialog).

export function DeleteEndpointDialog({ workspace, name, deployments, cluster, open, onOpenChange }: { workspace: string; name: string; deployments: string[]; cluster: string; open: boolean; onOpenChange: (o: boolean) => void }) {
  const router = useRouter();
  const del = useAction('endpoints.delete');
  async function confirm() {
    const r = await del.run({ workspace, name });
    if (!r.ok) throw new Error(r.error.detail);
    toast.success(`Endpoint ${name} deleted`);
    router.push(`/w/${encodeURIComponent(workspace)}/endpoints`);
  }
  const n = deployments.length;
  return (
    <ConfirmDialog
      action="Delete endpoint"
      objectName={name}
      requireTypedName
      open={open}
      onOpenChange={onOpenChange}
      consequence={
        <>
          Its scoring URI stops answering at once and its keys stop working.{' '}
          {n ? (
            <>
              This deletes its {n} deployment{n === 1 ? '' : 's'} ({deployments.map((d, i) => <React.Fragment key={d}>{i > 0 && ', '}<span className="font-mono">{d}</span></React.Fragment>)}) and their Kubernetes objects (Deployment, Service, autoscaler) on {cluster}.
            </>
          ) : (
            'It has no deployments.'
          )}{' '}
          This cannot be undone.
        </>
      }
      onConfirm={confirm}
    />
  );
}

export function DeleteDeploymentDialog({ workspace, endpoint, name, traffic, cluster, open, onOpenChange }: { workspace: string; endpoint: string; name: string; traffic: number; cluster: string; open: boolean; onOpenChange: (o: boolean) => void }) {
  const router = useRouter();
  const del = useAction('deployments.delete');
  async function confirm() {
    const r = await del.run({ workspace, endpoint, name });
    if (!r.ok) throw new Error(r.error.detail);
    toast.success(`Deployment ${endpoint}/${name} deleted`);
    router.push(`/w/${encodeURIComponent(workspace)}/endpoints/${encodeURIComponent(endpoint)}`);
  }
  return (
    <ConfirmDialog
      action="Delete deployment"
      objectName={name}
      requireTypedName
      open={open}
      onOpenChange={onOpenChange}
      consequence={
        <>
          Its replicas stop and its Kubernetes objects (Deployment, Service, autoscaler) are deleted from {cluster}.{' '}
          {traffic > 0 ? (
            <span className="font-medium text-warning-text">
              It takes {traffic} % of <span className="font-mono">{endpoint}</span>’s traffic: the server refuses until that traffic goes to another deployment (the Traffic tab).
            </span>
          ) : (
            <>It takes none of <span className="font-mono">{endpoint}</span>’s traffic.</>
          )}
        </>
      }
      onConfirm={confirm}
    />
  );
}

'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { attachComputeInput, defaultNamespaceFor, updateComputeInput } from '@/lib/compute/schemas';
import { attachAzureComputeInput } from '@/lib/compute/azure-schemas';
import type { ComputeTargetView } from '@/components/instance-types/types';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

export interface ClusterChoice {
  name: string;
  /** Instance types the cluster offers (defaultinstancetype included). */
  instanceTypes: string[];
  /** Registered from Azure (AKS or Arc): it can also be attached through Azure ML. */
  azure?: boolean;
}

export interface ComputeTargetDialogProps {
  /** Workspaces to attach to (one: fixed). */
  workspaces: string[];
  clusters: ClusterChoice[];
  /** Edit this target instead of attaching a new one. */
  editing?: ComputeTargetView;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

interface Values {
  /** Harbormaster's own namespace-based target, or Azure ML Kubernetes compute attached through ARM. */
  via: 'kubernetes' | 'azureml';
  workspace: string;
  cluster: string;
  name: string;
  namespace: string;
  createNamespace: boolean;
  defaultInstanceType: string;
  allowAll: boolean;
  allowed: string[];
  cpu: string;
  memory: string;
  gpu: string;
  pods: string;
  description: string;
  confirmSharedNamespace: boolean;
}

function initial(props: ComputeTargetDialogProps): Values {
  const t = props.editing;
  const cluster = t?.cluster ?? props.clusters[0]?.name ?? '';
  return {
    via: 'kubernetes',
    workspace: t?.workspace ?? props.workspaces[0] ?? '',
    cluster,
    name: t?.name ?? '',
    namespace: t?.namespace ?? '',
    createNamespace: true,
    defaultInstanceType: t?.defaultInstanceType ?? 'defaultinstancetype',
    allowAll: !t?.allowedInstanceTypes,
    allowed: t?.allowedInstanceTypes ?? [],
    cpu: t?.quota?.cpu ?? '',
    memory: t?.quota?.memory ?? '',
    gpu: t?.quota?.gpu ?? '',
    pods: t?.quota?.pods ?? '',
    description: t?.description ?? '',
    confirmSharedNamespace: false,
  };
}

/** Attach a cluster to a workspace (or edit a target): namespace, instance types, quota. Ops admins only. */
export function ComputeTargetDialog(props: ComputeTargetDialogProps) {
  const { workspaces, clusters, editing, open, onOpenChange } = props;
  const router = useRouter();
  const [v, setV] = React.useState<Values>(() => initial(props));
  const [clientErrors, setClientErrors] = React.useState<Record<string, string>>({});
  const attach = useAction<{ compute: { name: string; namespace: string }; warnings: string[] }>('compute.attach');
  const update = useAction('compute.update');
  const attachAzure = useAction<{ compute: { name: string; namespace: string }; warnings?: string[] }>('compute.attachAzure');
  const azure = !editing && v.via === 'azureml';
  const action = editing ? update : azure ? attachAzure : attach;

  React.useEffect(() => {
    if (open) {
      setV(initial(props));
      setClientErrors({});
      attach.reset();
      update.reset();
      attachAzure.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, editing]);

  const chosen = clusters.find((c) => c.name === v.cluster);
  const types = chosen?.instanceTypes ?? [];
  const anyAzure = clusters.some((c) => c.azure);
  const set = (patch: Partial<Values>) => setV((x) => ({ ...x, ...patch }));
  const err = (k: string) => action.fieldErrors[k] ?? clientErrors[k];
  const sharedAsked = !!action.fieldErrors.confirmSharedNamespace;

  function input() {
    const quota = { cpu: v.cpu, memory: v.memory, gpu: v.gpu, pods: v.pods };
    const allowedInstanceTypes = v.allowAll ? null : v.allowed;
    if (editing) return { workspace: editing.workspace, name: editing.name, defaultInstanceType: v.defaultInstanceType, allowedInstanceTypes, quota, description: v.description };
    if (azure) {
      return {
        workspace: v.workspace,
        name: v.name,
        cluster: v.cluster,
        ...(v.namespace.trim() ? { namespace: v.namespace.trim() } : {}),
        defaultInstanceType: v.defaultInstanceType,
        ...(v.allowAll ? {} : { instanceTypes: v.allowed }),
        ...(v.description.trim() ? { description: v.description } : {}),
      };
    }
    return {
      workspace: v.workspace,
      name: v.name,
      cluster: v.cluster,
      ...(v.namespace.trim() ? { namespace: v.namespace.trim() } : {}),
      createNamespace: v.createNamespace,
      defaultInstanceType: v.defaultInstanceType,
      allowedInstanceTypes,
      quota,
      description: v.description,
      ...(v.confirmSharedNamespace ? { confirmSharedNamespace: true } : {}),
    };
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const i = input();
    const check = (editing ? updateComputeInput : azure ? attachAzureComputeInput : attachComputeInput).safeParse(i);
    if (!check.success) return setClientErrors(issuesToFields(check.error.issues));
    setClientErrors({});
    const r = await action.run(i);
    // An ARM attach that failed after the target was recorded: the list shows it (with Azure's state) behind the dialog.
    if (!r.ok) return azure ? router.refresh() : undefined;
    if (editing) toast.success(`Saved ${editing.workspace}/${editing.name}`);
    else {
      const d = r.data as { compute: { name: string; namespace: string }; warnings: string[] };
      toast.success(`Attached ${v.cluster} to ${v.workspace}${azure ? ' through Azure ML' : ''} as ${d.compute.name} (namespace ${d.compute.namespace})`);
      for (const w of d.warnings ?? []) toast.warning(w);
    }
    onOpenChange(false);
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{editing ? <>Edit compute target <span className="font-mono">{editing.name}</span></> : 'Attach a cluster to a workspace'}</DialogTitle>
          <DialogDescription>
            {editing
              ? `On ${editing.cluster}, namespace ${editing.namespace}. The namespace and cluster cannot change: detach and attach again for that.`
              : azure
                ? 'Azure ML attaches the cluster to the workspace’s linked Azure ML workspace as Kubernetes compute, through Azure Resource Manager; jobs on it run through Azure ML. The cluster needs Azure ML’s extension.'
                : 'The target gets its own namespace (created when missing), a workload ServiceAccount, a NetworkPolicy that keeps other compute namespaces out, and an optional quota.'}
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {!editing && anyAzure ? (
            <fieldset className="grid gap-1.5">
              <legend className="text-sm font-medium">Attach</legend>
              <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                <label className="flex items-center gap-1.5">
                  <input type="radio" name="via" checked={v.via === 'kubernetes'} onChange={() => set({ via: 'kubernetes' })} /> Directly (Harbormaster runs the jobs)
                </label>
                <label className={`flex items-center gap-1.5 ${chosen?.azure ? '' : 'text-muted-foreground'}`}>
                  <input type="radio" name="via" checked={v.via === 'azureml'} disabled={!chosen?.azure} onChange={() => set({ via: 'azureml', createNamespace: false })} /> Through Azure ML
                </label>
              </div>
              {!chosen?.azure ? <p className="text-xs text-muted-foreground">Through Azure ML: only for clusters registered from Azure.</p> : null}
            </fieldset>
          ) : null}
          {!editing ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <FormField label="Workspace" required error={err('workspace')}>
                {(c) => (
                  <select {...c} className={selectClass} value={v.workspace} disabled={workspaces.length < 2} onChange={(e) => set({ workspace: e.target.value })}>
                    {workspaces.map((w) => <option key={w} value={w}>{w}</option>)}
                  </select>
                )}
              </FormField>
              <FormField label="Cluster" required error={err('cluster')}>
                {(c) => (
                  <select
                    {...c}
                    className={selectClass}
                    value={v.cluster}
                    disabled={clusters.length < 2}
                    onChange={(e) => set({ cluster: e.target.value, defaultInstanceType: 'defaultinstancetype', allowed: [], ...(clusters.find((k) => k.name === e.target.value)?.azure ? {} : { via: 'kubernetes' }) })}
                  >
                    {clusters.map((k) => <option key={k.name} value={k.name}>{k.name}</option>)}
                  </select>
                )}
              </FormField>
              <FormField label="Compute name" required description="2–16 letters, digits or '-', starting with a letter (as in Azure ML)" error={err('name')}>
                <Input value={v.name} onChange={(e) => set({ name: e.target.value })} className="font-mono" autoComplete="off" />
              </FormField>
              <FormField
                label="Namespace"
                description={azure ? 'Empty: default (as Azure ML). It must exist on the cluster.' : `Empty: ${v.workspace && v.name ? defaultNamespaceFor(v.workspace, v.name) : '<workspace>-<name>'}`}
                error={err('namespace')}
              >
                <Input value={v.namespace} onChange={(e) => set({ namespace: e.target.value, confirmSharedNamespace: false })} className="font-mono" autoComplete="off" />
              </FormField>
              {!azure ? (
                <label className="flex items-center gap-2 text-sm sm:col-span-2">
                  <Checkbox checked={v.createNamespace} onChange={(e) => set({ createNamespace: e.target.checked })} /> Create the namespace if it does not exist
                </label>
              ) : null}
            </div>
          ) : null}
          {sharedAsked ? (
            <div role="alert" className="grid gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
              <span>{action.fieldErrors.confirmSharedNamespace}</span>
              <label className="flex items-center gap-2 font-medium">
                <Checkbox checked={v.confirmSharedNamespace} onChange={(e) => set({ confirmSharedNamespace: e.target.checked })} /> Share the namespace anyway
              </label>
            </div>
          ) : null}
          <div className="grid gap-3 sm:grid-cols-2">
            <FormField label="Default instance type" error={err('defaultInstanceType')}>
              {(c) => (
                <select {...c} className={selectClass} value={v.defaultInstanceType} onChange={(e) => set({ defaultInstanceType: e.target.value })}>
                  {(types.includes(v.defaultInstanceType) ? types : [v.defaultInstanceType, ...types]).map((t) => <option key={t} value={t}>{t}</option>)}
                </select>
              )}
            </FormField>
            <fieldset className="grid gap-1.5">
              <legend className="text-sm font-medium">Allowed instance types</legend>
              <label className="flex items-center gap-2 text-sm">
                <Checkbox checked={v.allowAll} onChange={(e) => set({ allowAll: e.target.checked })} /> {azure ? 'All of the cluster’s (sent to Azure ML when attaching)' : <>All of the cluster&apos;s, now and later</>}
              </label>
              {!v.allowAll ? (
                <div className="flex flex-wrap gap-x-3 gap-y-1">
                  {types.map((t) => (
                    <label key={t} className="flex items-center gap-1.5 text-sm">
                      <Checkbox checked={v.allowed.includes(t)} onChange={(e) => set({ allowed: e.target.checked ? [...v.allowed, t] : v.allowed.filter((x) => x !== t) })} />
                      <span className="font-mono">{t}</span>
                    </label>
                  ))}
                </div>
              ) : null}
              {(() => {
                const field = azure ? 'instanceTypes' : 'allowedInstanceTypes';
                const m = err(field) ?? Object.entries(action.fieldErrors).find(([k]) => k.startsWith(`${field}[`) || k.startsWith(`${field}.`))?.[1];
                return m ? <p className="text-sm text-danger-text">{m}</p> : null;
              })()}
            </fieldset>
          </div>
          {!azure ? (
            <fieldset className="grid gap-2">
              <legend className="text-sm font-medium">Quota (empty: no limit)</legend>
              <div className="grid gap-3 sm:grid-cols-4">
                <FormField label="CPU (cores)" error={err('quota.cpu')}>
                  <Input value={v.cpu} placeholder="32" onChange={(e) => set({ cpu: e.target.value })} className="font-mono" />
                </FormField>
                <FormField label="Memory" error={err('quota.memory')}>
                  <Input value={v.memory} placeholder="128Gi" onChange={(e) => set({ memory: e.target.value })} className="font-mono" />
                </FormField>
                <FormField label="GPUs" error={err('quota.gpu')}>
                  <Input value={v.gpu} placeholder="4" inputMode="numeric" onChange={(e) => set({ gpu: e.target.value })} className="font-mono" />
                </FormField>
                <FormField label="Pods" error={err('quota.pods')}>
                  <Input value={v.pods} placeholder="50" inputMode="numeric" onChange={(e) => set({ pods: e.target.value })} className="font-mono" />
                </FormField>
              </div>
            </fieldset>
          ) : null}
          <FormField label="Description" error={err('description')}>
            <Textarea rows={2} value={v.description} onChange={(e) => set({ description: e.target.value })} />
          </FormField>
          <FormError message={sharedAsked ? null : action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>{editing ? 'Save' : azure ? 'Attach through Azure ML' : 'Attach'}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

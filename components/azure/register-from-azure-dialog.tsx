'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { registerFromAzureInput } from '@/lib/azure/cluster-schemas';
import { CLUSTER_LOCATIONS, LOCATION_LABELS } from '@/lib/clusters/schemas';
import type { AzureClusterItem } from './use-azure-lists';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

/** An ARM name as a Harbormaster cluster name (a DNS-1123 label): lower-case, '-' for anything else, at most 63. */
export function clusterNameFromArm(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'cluster';
}

/** Register an AKS or Arc cluster found through ARM: Harbormaster fetches its credentials from ARM and checks them. */
export function RegisterFromAzureDialog({ connection, cluster }: { connection: string; cluster: AzureClusterItem }) {
  const router = useRouter();
  const [open, setOpen] = React.useState(false);
  const [unreachableOffered, setUnreachableOffered] = React.useState(false);
  const action = useAction<{ cluster: { name: string }; warnings?: string[] }>('clusters.registerFromAzure');

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const str = (k: string) => String(f.get(k) ?? '').trim();
    const input = {
      connection,
      resourceId: cluster.id,
      name: str('name'),
      location: str('location'),
      region: str('region') || undefined,
      displayName: str('displayName') || undefined,
      description: str('description') || undefined,
      allowUnreachable: f.get('allowUnreachable') === 'on' || undefined,
    };
    const check = registerFromAzureInput.safeParse(input);
    if (!check.success) return action.setFieldErrors(issuesToFields(check.error.issues));
    const r = await action.run(input);
    if (r.ok) {
      const name = r.data.cluster?.name ?? str('name');
      toast.success(`Cluster ${name} registered`, { action: { label: 'Open', onClick: () => router.push(`/ops/clusters/${name}`) } });
      for (const w of r.data.warnings ?? []) toast.warning(w);
      setOpen(false);
    } else if (/cannot be reached|refuses these credentials/.test(r.error.detail)) {
      // As when registering by kubeconfig: the refusal says why; saving anyway is offered.
      setUnreachableOffered(true);
    }
  }

  return (
    <Dialog open={open} onOpenChange={(o) => (setOpen(o), o || action.reset())}>
      <DialogTrigger asChild>
        <Button size="sm" aria-label={`Register ${cluster.name}`}>
          Register
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-lg">
        <DialogHeader>
          <DialogTitle>Register {cluster.kind === 'aks' ? 'AKS' : 'Azure Arc'} cluster {cluster.name}</DialogTitle>
          <DialogDescription>
            Harbormaster fetches the cluster’s user credentials through ARM, checks them, and keeps the resource id to refresh them later.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-4" noValidate>
          <p className="break-all rounded-md bg-muted px-2 py-1 font-mono text-xs text-muted-foreground">{cluster.id}</p>
          <FormField label="Name" required description="Lower-case letters, digits and '-'; its URL key in Harbormaster." error={action.fieldErrors.name}>
            <Input name="name" autoComplete="off" className="font-mono" defaultValue={clusterNameFromArm(cluster.name)} />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Location" error={action.fieldErrors.location}>
              {(c) => (
                <select {...c} name="location" defaultValue={cluster.kind === 'aks' ? 'cloud' : 'on-prem'} className={selectClass}>
                  {CLUSTER_LOCATIONS.map((l) => (
                    <option key={l} value={l}>
                      {LOCATION_LABELS[l]}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <FormField label="Region" error={action.fieldErrors.region}>
              <Input name="region" autoComplete="off" defaultValue={cluster.location} />
            </FormField>
          </div>
          <FormField label="Display name" error={action.fieldErrors.displayName}>
            <Input name="displayName" autoComplete="off" />
          </FormField>
          <FormField label="Description" error={action.fieldErrors.description}>
            <Input name="description" autoComplete="off" />
          </FormField>
          {cluster.entraEnabled && (
            <p className="rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
              This cluster uses Entra ID for Kubernetes sign-in: its credentials need an Entra token, not a static one.
            </p>
          )}
          {unreachableOffered && (
            <label className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm">
              <input type="checkbox" name="allowUnreachable" className="mt-0.5 size-4" />
              <span>Save anyway: the cluster shows as Unreachable with this reason until it answers (refresh its credentials from Azure then).</span>
            </label>
          )}
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>
              Check and register
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { Plus } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { CLUSTER_KINDS, CLUSTER_LOCATIONS, KIND_LABELS, LOCATION_LABELS, registerClusterInput } from '@/lib/clusters/schemas';
import { ConnectionFields, connectionInput, emptyConnection, type ConnectionValue } from './connection-fields';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

/** Register a cluster: name, kind, location, and a kubeconfig (or in-cluster). The server checks it before saving. */
export function RegisterClusterDialog() {
  const router = useRouter();
  const [open, setOpen] = React.useState(false);
  const [connection, setConnection] = React.useState<ConnectionValue>(emptyConnection);
  const [unreachableOffered, setUnreachableOffered] = React.useState(false);
  const action = useAction<{ cluster: { name: string }; warnings: string[] }>('clusters.register');

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const input = {
      name: String(f.get('name') ?? '').trim(),
      displayName: String(f.get('displayName') ?? '').trim() || undefined,
      kind: String(f.get('kind') ?? 'kubernetes'),
      location: String(f.get('location') ?? 'cloud'),
      region: String(f.get('region') ?? '').trim() || undefined,
      connection: connectionInput(connection),
      allowUnreachable: f.get('allowUnreachable') === 'on' || undefined,
    };
    const check = registerClusterInput.safeParse(input);
    if (!check.success) return action.setFieldErrors(issuesToFields(check.error.issues));
    const r = await action.run(input);
    if (r.ok) {
      toast.success(`Cluster ${r.data.cluster.name} registered`);
      for (const w of r.data.warnings) toast.warning(w);
      setOpen(false);
      router.push(`/ops/clusters/${r.data.cluster.name}`);
    } else if (/cannot be reached|refuses these credentials/.test(r.error.detail)) {
      setUnreachableOffered(true);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          action.reset();
          setConnection(emptyConnection);
          setUnreachableOffered(false);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden className="size-4" /> Register cluster
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>Register a cluster</DialogTitle>
          <DialogDescription>Harbormaster checks that it can reach the cluster, its version and what the credentials may do before saving.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-4" noValidate>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Name" required description="Lower-case letters, digits and '-'; its URL key." error={action.fieldErrors.name}>
              <Input name="name" autoComplete="off" className="font-mono" placeholder="aks-westeurope" />
            </FormField>
            <FormField label="Display name" error={action.fieldErrors.displayName}>
              <Input name="displayName" autoComplete="off" />
            </FormField>
            <FormField label="Kind" error={action.fieldErrors.kind}>
              {(c) => (
                <select {...c} name="kind" defaultValue="kubernetes" className={selectClass}>
                  {CLUSTER_KINDS.map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}
                </select>
              )}
            </FormField>
            <FormField label="Location" error={action.fieldErrors.location}>
              {(c) => (
                <select {...c} name="location" defaultValue="cloud" className={selectClass}>
                  {CLUSTER_LOCATIONS.map((l) => <option key={l} value={l}>{LOCATION_LABELS[l]}</option>)}
                </select>
              )}
            </FormField>
            <FormField label="Region" description="e.g. westeurope, factory-lyon" error={action.fieldErrors.region}>
              <Input name="region" autoComplete="off" />
            </FormField>
          </div>
          <ConnectionFields value={connection} onChange={setConnection} errors={action.fieldErrors} />
          {unreachableOffered && (
            <label className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm">
              <input type="checkbox" name="allowUnreachable" className="mt-0.5 size-4" />
              <span>Save anyway: the cluster shows as Unreachable with this reason until the credentials are fixed or it comes back.</span>
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

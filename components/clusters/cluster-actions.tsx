'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { RefreshCw } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { DropdownMenuItem } from '@/components/ui/dropdown-menu';
import { MoreActionsMenu } from '@/components/ui/more-actions-menu';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import { CLUSTER_KINDS, CLUSTER_LOCATIONS, KIND_LABELS, LOCATION_LABELS } from '@/lib/clusters/schemas';
import { RefreshAzureCredentialsButton } from '@/components/azure/refresh-credentials-button';
import { ConnectionFields, connectionInput, emptyConnection, type ConnectionValue } from './connection-fields';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

export interface ClusterActionsProps {
  cluster: { name: string; displayName: string; description: string; kind: string; location: string; region: string };
  /** Registered from Azure (connection mode azure): its credentials are fetched from ARM again, not pasted. */
  fromAzure?: boolean;
}

/** Header actions of a cluster (ops admins only): refresh credentials from Azure, run the checks, edit credentials, rename, remove. */
export function ClusterActions({ cluster, fromAzure }: ClusterActionsProps) {
  const router = useRouter();
  const check = useAction('clusters.check');
  const remove = useAction<{ message: string }>('clusters.remove');
  const [dialog, setDialog] = React.useState<null | 'credentials' | 'rename' | 'remove'>(null);
  return (
    <div className="flex items-center gap-2">
      {fromAzure ? <RefreshAzureCredentialsButton cluster={cluster.name} /> : null}
      <Button
        variant="secondary"
        pending={check.pending}
        onClick={async () => {
          const r = await check.run({ name: cluster.name });
          if (r.ok) toast.success('Checks finished');
          else toast.error(r.error.detail);
        }}
      >
        <RefreshCw aria-hidden className="size-4" /> Run checks
      </Button>
      <MoreActionsMenu label={`More actions for ${cluster.name}`}>
        <DropdownMenuItem onSelect={() => setDialog('credentials')}>Edit credentials…</DropdownMenuItem>
        <DropdownMenuItem onSelect={() => setDialog('rename')}>Rename or relocate…</DropdownMenuItem>
        <DropdownMenuItem onSelect={() => setDialog('remove')} className="text-danger-text">
          Remove cluster…
        </DropdownMenuItem>
      </MoreActionsMenu>
      <CredentialsDialog name={cluster.name} open={dialog === 'credentials'} onOpenChange={(o) => setDialog(o ? 'credentials' : null)} />
      <RenameDialog cluster={cluster} open={dialog === 'rename'} onOpenChange={(o) => setDialog(o ? 'rename' : null)} />
      <ConfirmDialog
        open={dialog === 'remove'}
        onOpenChange={(o) => setDialog(o ? 'remove' : null)}
        action="Remove cluster"
        objectName={cluster.name}
        requireTypedName
        consequence="Harbormaster forgets the cluster and its stored credentials. Nothing is deleted on the cluster (uninstall the extension first if you want it gone). Refused while compute targets are attached."
        confirmLabel="Remove"
        tone="danger"
        onConfirm={async () => {
          const r = await remove.run({ name: cluster.name });
          if (!r.ok) throw new Error(r.error.detail);
          toast.success(r.data.message);
          router.push('/ops/clusters');
        }}
      />
    </div>
  );
}

function CredentialsDialog({ name, open, onOpenChange }: { name: string; open: boolean; onOpenChange: (o: boolean) => void }) {
  const [connection, setConnection] = React.useState<ConnectionValue>(emptyConnection);
  const [allow, setAllow] = React.useState(false);
  const action = useAction<{ warnings: string[] }>('clusters.updateCredentials');
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) {
          setConnection(emptyConnection);
          action.reset();
        }
      }}
    >
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>
            Edit credentials of <span className="font-mono">{name}</span>
          </DialogTitle>
          <DialogDescription>The new credentials are checked before they replace the stored ones. The stored ones are never shown.</DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const r = await action.run({ name, connection: connectionInput(connection), allowUnreachable: allow || undefined });
            if (r.ok) {
              toast.success('Credentials replaced');
              for (const w of r.data.warnings) toast.warning(w);
              onOpenChange(false);
            }
          }}
        >
          <ConnectionFields value={connection} onChange={setConnection} errors={action.fieldErrors} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={allow} onChange={(e) => setAllow(e.target.checked)} className="size-4" /> Save even if the cluster cannot be reached now
          </label>
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>
              Check and save
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RenameDialog({ cluster, open, onOpenChange }: { cluster: ClusterActionsProps['cluster']; open: boolean; onOpenChange: (o: boolean) => void }) {
  const action = useAction('clusters.update');
  return (
    <Dialog open={open} onOpenChange={(o) => { onOpenChange(o); if (!o) action.reset(); }}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>
            Rename <span className="font-mono">{cluster.name}</span>
          </DialogTitle>
          <DialogDescription>The name is the cluster&apos;s stable URL key; the display name, description, kind and location can change.</DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const r = await action.run({
              name: cluster.name,
              displayName: String(f.get('displayName') ?? ''),
              description: String(f.get('description') ?? ''),
              kind: String(f.get('kind')),
              location: String(f.get('location')),
              region: String(f.get('region') ?? ''),
            });
            if (r.ok) {
              toast.success('Cluster saved');
              onOpenChange(false);
            }
          }}
        >
          <FormField label="Display name" error={action.fieldErrors.displayName}>
            <Input name="displayName" defaultValue={cluster.displayName} />
          </FormField>
          <FormField label="Description" error={action.fieldErrors.description}>
            <Textarea name="description" rows={2} defaultValue={cluster.description} />
          </FormField>
          <div className="grid gap-4 sm:grid-cols-3">
            <FormField label="Kind" error={action.fieldErrors.kind}>
              {(c) => (
                <select {...c} name="kind" defaultValue={cluster.kind} className={selectClass}>
                  {CLUSTER_KINDS.map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}
                </select>
              )}
            </FormField>
            <FormField label="Location" error={action.fieldErrors.location}>
              {(c) => (
                <select {...c} name="location" defaultValue={cluster.location} className={selectClass}>
                  {CLUSTER_LOCATIONS.map((l) => <option key={l} value={l}>{LOCATION_LABELS[l]}</option>)}
                </select>
              )}
            </FormField>
            <FormField label="Region" error={action.fieldErrors.region}>
              <Input name="region" defaultValue={cluster.region} />
            </FormField>
          </div>
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>Save</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

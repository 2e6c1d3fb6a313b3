'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { Plus } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { AZURE_CONNECTION_KINDS, AZURE_KIND_LABELS, createAzureConnectionInput, type AzureConnectionKind } from '@/lib/azure/schemas';
import { ConnectionCredentialFields, ConnectionFormDialog, KIND_HELP, credentialInput, usePemFields } from './connection-form';

/** Create an Azure connection: the fields depend on the kind; "user" only when the console has Microsoft sign-in. */
export function NewConnectionDialog({ entraSignIn }: { entraSignIn: boolean }) {
  const router = useRouter();
  const kinds = AZURE_CONNECTION_KINDS.filter((k) => k !== 'user' || entraSignIn);
  const [kind, setKind] = React.useState<AzureConnectionKind>(kinds[0]);
  const pem = usePemFields();
  return (
    <ConnectionFormDialog<{ name: string }>
      trigger={
        <Button>
          <Plus aria-hidden /> New connection
        </Button>
      }
      title="New Azure connection"
      description="How Harbormaster reaches Azure Resource Manager. Secrets are stored encrypted and never shown again."
      actionName="azureConnections.create"
      schema={createAzureConnectionInput}
      toInput={(f) => ({ name: String(f.get('name') ?? '').trim(), kind, ...credentialInput(f, kind, pem, { edit: false }) })}
      onDone={(r) => toast.success(`Azure connection ${r.name} created`, { action: { label: 'Open', onClick: () => router.push(`/ops/azure/${r.name}`) } })}
      onClosed={() => {
        setKind(kinds[0]);
        pem.reset();
      }}
      submitLabel="Create connection"
    >
      {(errors) => (
        <>
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Credential</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {kinds.map((k) => (
                <label key={k} className="flex cursor-pointer items-start gap-2 rounded-md border border-border p-3 text-sm has-[:checked]:border-accent has-[:checked]:bg-accent-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring">
                  <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} className="mt-0.5 size-4 accent-[var(--color-accent)]" />
                  <span className="grid gap-0.5">
                    <span className="font-medium">{AZURE_KIND_LABELS[k]}</span>
                    <span className="text-xs text-muted-foreground">{KIND_HELP[k]}</span>
                  </span>
                </label>
              ))}
            </div>
            {!entraSignIn && <p className="text-xs text-muted-foreground">“Signed-in user” needs the console’s Microsoft sign-in, which is not configured.</p>}
          </fieldset>
          <ConnectionCredentialFields kind={kind} errors={errors} pem={pem}>
            <FormField label="Name" required description="Lower-case letters, digits and '-'; its URL key." error={errors.name}>
              <Input name="name" autoComplete="off" className="font-mono" placeholder="contoso-prod" />
            </FormField>
          </ConnectionCredentialFields>
        </>
      )}
    </ConnectionFormDialog>
  );
}

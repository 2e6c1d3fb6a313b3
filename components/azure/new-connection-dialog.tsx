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
import { AZURE_CONNECTION_KINDS, AZURE_KIND_LABELS, createAzureConnectionInput, type AzureConnectionKind } from '@/lib/azure/schemas';
import { PemField } from './pem-field';

const KIND_HELP: Record<AzureConnectionKind, string> = {
  user: 'Acts as whoever uses it, with their own Microsoft sign-in to this console: each person sees what their Azure roles allow. Not for work that runs on after they sign out (jobs through Azure ML, long extension installs): use a service principal or a managed identity there.',
  client_secret: 'An app registration (service principal) signing in with a client secret.',
  client_certificate: 'An app registration signing in with a certificate (PEM with the private key and the certificate).',
  managed_identity: 'The identity Azure gives the machine Harbormaster runs on: system-assigned, or user-assigned by its client id.',
};

/** Create an Azure connection: the fields depend on the kind; "user" only when the console has Microsoft sign-in. */
export function NewConnectionDialog({ entraSignIn }: { entraSignIn: boolean }) {
  const router = useRouter();
  const kinds = AZURE_CONNECTION_KINDS.filter((k) => k !== 'user' || entraSignIn);
  const [open, setOpen] = React.useState(false);
  const [kind, setKind] = React.useState<AzureConnectionKind>(kinds[0]);
  const [certificate, setCertificate] = React.useState('');
  const [caPem, setCaPem] = React.useState('');
  const action = useAction<{ name: string }>('azureConnections.create');
  const opt = (v: FormDataEntryValue | null) => String(v ?? '').trim() || undefined;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const input = {
      name: String(f.get('name') ?? '').trim(),
      kind,
      tenantId: String(f.get('tenantId') ?? '').trim(),
      clientId: kind === 'user' ? undefined : opt(f.get('clientId')),
      clientSecret: kind === 'client_secret' ? String(f.get('clientSecret') ?? '') || undefined : undefined,
      certificate: kind === 'client_certificate' ? certificate.trim() || undefined : undefined,
      authorityHost: kind === 'user' ? undefined : opt(f.get('authorityHost')),
      armEndpoint: opt(f.get('armEndpoint')),
      caPem: caPem.trim() || undefined,
    };
    const check = createAzureConnectionInput.safeParse(input);
    if (!check.success) return action.setFieldErrors(issuesToFields(check.error.issues));
    const r = await action.run(input);
    if (r.ok) {
      toast.success(`Azure connection ${r.data.name} created`, { action: { label: 'Open', onClick: () => router.push(`/ops/azure/${r.data.name}`) } });
      setOpen(false);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          action.reset();
          setKind(kinds[0]);
          setCertificate('');
          setCaPem('');
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden /> New connection
        </Button>
      </DialogTrigger>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>New Azure connection</DialogTitle>
          <DialogDescription>How Harbormaster reaches Azure Resource Manager. Secrets are stored encrypted and never shown again.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-4" noValidate>
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
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label="Name" required description="Lower-case letters, digits and '-'; its URL key." error={action.fieldErrors.name}>
              <Input name="name" autoComplete="off" className="font-mono" placeholder="contoso-prod" />
            </FormField>
            <FormField label="Tenant" required description={kind === 'user' ? 'For reference: the console’s Microsoft sign-in applies.' : 'Directory (tenant) id or domain.'} error={action.fieldErrors.tenantId}>
              <Input name="tenantId" autoComplete="off" className="font-mono" placeholder="contoso.onmicrosoft.com" />
            </FormField>
            {kind !== 'user' && (
              <FormField
                label={kind === 'managed_identity' ? 'Client id (optional)' : 'Application (client) id'}
                required={kind !== 'managed_identity'}
                description={kind === 'managed_identity' ? 'Of a user-assigned identity; empty for the system-assigned one.' : undefined}
                error={action.fieldErrors.clientId}
              >
                <Input name="clientId" autoComplete="off" className="font-mono" />
              </FormField>
            )}
            {kind === 'client_secret' && (
              <FormField label="Client secret" required error={action.fieldErrors.clientSecret}>
                <Input name="clientSecret" type="password" autoComplete="new-password" />
              </FormField>
            )}
          </div>
          {kind === 'client_certificate' && (
            <PemField
              label="Certificate and private key (PEM)"
              required
              description="The private key (unencrypted) and the certificate registered on the application, in one PEM."
              value={certificate}
              onChange={setCertificate}
              error={action.fieldErrors.certificate}
            />
          )}
          <details className="group rounded-md border border-border px-3 py-2">
            <summary className="cursor-pointer text-sm font-medium">Advanced: sovereign clouds, private endpoints</summary>
            <div className="mt-3 grid gap-4">
              <div className="grid gap-4 sm:grid-cols-2">
                {kind !== 'user' && (
                  <FormField label="Authority host" description="Default https://login.microsoftonline.com" error={action.fieldErrors.authorityHost}>
                    <Input name="authorityHost" autoComplete="off" className="font-mono" placeholder="https://login.microsoftonline.com" />
                  </FormField>
                )}
                <FormField label="ARM endpoint" description="Default https://management.azure.com" error={action.fieldErrors.armEndpoint}>
                  <Input name="armEndpoint" autoComplete="off" className="font-mono" placeholder="https://management.azure.com" />
                </FormField>
              </div>
              <PemField label="Private CA (PEM)" description="Certificates to trust for the authority and ARM, besides the system’s." value={caPem} onChange={setCaPem} error={action.fieldErrors.caPem} />
            </div>
          </details>
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>
              Create connection
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

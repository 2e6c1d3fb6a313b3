'use client';

import * as React from 'react';
import type { z } from 'zod';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import type { AzureConnectionKind } from '@/lib/azure/schemas';
import { PemField } from './pem-field';

// The credential fields of an Azure connection, shared by the New and Edit dialogs. On edit, secrets are write-only:
// the stored secret, certificate and CA are never shown, and an empty field keeps what is stored.

export const KIND_HELP: Record<AzureConnectionKind, string> = {
  user: 'Acts as whoever uses it, with their own Microsoft sign-in to this console: each person sees what their Azure roles allow. Not for work that runs on after they sign out (jobs through Azure ML, long extension installs): use a service principal or a managed identity there.',
  client_secret: 'An app registration (service principal) signing in with a client secret.',
  client_certificate: 'An app registration signing in with a certificate (PEM with the private key and the certificate).',
  managed_identity: 'The identity Azure gives the machine Harbormaster runs on: system-assigned, or user-assigned by its client id.',
};

/** What an existing connection shows (the DTO without secrets): the Edit dialog's starting values. */
export interface StoredConnection {
  tenantId: string;
  clientId: string | null;
  authorityHost: string;
  armEndpoint: string;
  privateCa: boolean;
  hasSecret: boolean;
}

/** The PEM fields are controlled (pasted or read from a file); the rest are read from the form. */
export function usePemFields() {
  const [certificate, setCertificate] = React.useState('');
  const [caPem, setCaPem] = React.useState('');
  const reset = () => {
    setCertificate('');
    setCaPem('');
  };
  return { certificate, setCertificate, caPem, setCaPem, reset };
}
type PemFields = ReturnType<typeof usePemFields>;

const text = (f: FormData, k: string) => String(f.get(k) ?? '').trim();

/**
 * The credential part of the create or update input, from the form. On edit every shown field is sent (an emptied
 * client id or authority host clears it); a secret, certificate or CA only when one was entered (empty keeps the
 * stored one); the stored CA is removed only when asked to.
 */
export function credentialInput(f: FormData, kind: AzureConnectionKind, pem: PemFields, { edit }: { edit: boolean }) {
  const optional = (k: string) => text(f, k) || (edit ? null : undefined);
  return {
    tenantId: text(f, 'tenantId'),
    clientId: kind === 'user' ? undefined : optional('clientId'),
    clientSecret: kind === 'client_secret' ? String(f.get('clientSecret') ?? '') || undefined : undefined,
    certificate: kind === 'client_certificate' ? pem.certificate.trim() || undefined : undefined,
    authorityHost: kind === 'user' ? undefined : optional('authorityHost'),
    armEndpoint: text(f, 'armEndpoint') || undefined,
    caPem: edit && f.get('removeCa') === 'on' ? null : pem.caPem.trim() || undefined,
  };
}

/** Tenant, client id, secret or certificate, and the advanced endpoints and CA, as the kind needs them. */
export function ConnectionCredentialFields({
  kind, errors, pem, stored, children,
}: { kind: AzureConnectionKind; errors: Record<string, string>; pem: PemFields; stored?: StoredConnection; /** Fields before the tenant (the new connection's name). */ children?: React.ReactNode }) {
  const keep = stored ? 'Stored encrypted and never shown; leave empty to keep it.' : undefined;
  return (
    <>
      <div className="grid items-start gap-4 sm:grid-cols-2">
        {children}
        <FormField label="Tenant" required description={kind === 'user' ? 'For reference: the console’s Microsoft sign-in applies.' : 'Directory (tenant) id or domain.'} error={errors.tenantId}>
          <Input name="tenantId" autoComplete="off" className="font-mono" placeholder="contoso.onmicrosoft.com" defaultValue={stored?.tenantId} />
        </FormField>
        {kind !== 'user' && (
          <FormField
            label={kind === 'managed_identity' ? 'Client id (optional)' : 'Application (client) id'}
            required={kind !== 'managed_identity'}
            description={kind === 'managed_identity' ? 'Of a user-assigned identity; empty for the system-assigned one.' : undefined}
            error={errors.clientId}
          >
            <Input name="clientId" autoComplete="off" className="font-mono" defaultValue={stored?.clientId ?? undefined} />
          </FormField>
        )}
        {kind === 'client_secret' && (
          <FormField label={stored ? 'New client secret' : 'Client secret'} required={!stored} description={keep} error={errors.clientSecret}>
            <Input name="clientSecret" type="password" autoComplete="new-password" placeholder={stored?.hasSecret ? '•••••••• (stored)' : undefined} />
          </FormField>
        )}
      </div>
      {kind === 'client_certificate' && (
        <PemField
          label={stored ? 'New certificate and private key (PEM)' : 'Certificate and private key (PEM)'}
          required={!stored}
          description={`The private key (unencrypted) and the certificate registered on the application, in one PEM.${keep ? ` ${keep}` : ''}`}
          value={pem.certificate}
          onChange={pem.setCertificate}
          error={errors.certificate}
        />
      )}
      <details className="group rounded-md border border-border px-3 py-2">
        <summary className="cursor-pointer text-sm font-medium">Advanced: sovereign clouds, private endpoints</summary>
        <div className="mt-3 grid gap-4">
          <div className="grid items-start gap-4 sm:grid-cols-2">
            {kind !== 'user' && (
              <FormField label="Authority host" description="Default https://login.microsoftonline.com" error={errors.authorityHost}>
                <Input name="authorityHost" autoComplete="off" className="font-mono" placeholder="https://login.microsoftonline.com" defaultValue={stored?.authorityHost} />
              </FormField>
            )}
            <FormField label="ARM endpoint" description="Default https://management.azure.com" error={errors.armEndpoint}>
              <Input name="armEndpoint" autoComplete="off" className="font-mono" placeholder="https://management.azure.com" defaultValue={stored?.armEndpoint} />
            </FormField>
          </div>
          <PemField
            label={stored?.privateCa ? 'New private CA (PEM)' : 'Private CA (PEM)'}
            description={`Certificates to trust for the authority and ARM, besides the system’s.${stored?.privateCa ? ' One is stored; leave empty to keep it.' : ''}`}
            value={pem.caPem}
            onChange={pem.setCaPem}
            error={errors.caPem}
          />
          {stored?.privateCa && (
            <label className="flex items-center gap-2 text-sm">
              <Checkbox name="removeCa" /> Remove the stored private CA (trust the system’s CAs only)
            </label>
          )}
        </div>
      </details>
    </>
  );
}

/**
 * The dialog of the New and Edit connection forms: checks the input with the action's schema (the server's), sends it
 * through the action, shows field errors inline and the problem above the button; closes on success.
 */
export function ConnectionFormDialog<T>({
  trigger, title, description, actionName, schema, toInput, onDone, onClosed, submitLabel, children,
}: {
  trigger: React.ReactNode;
  title: string;
  description: React.ReactNode;
  actionName: string;
  schema: z.ZodType;
  toInput: (form: FormData) => unknown;
  onDone: (result: T) => void;
  onClosed: () => void;
  submitLabel: string;
  children: (errors: Record<string, string>) => React.ReactNode;
}) {
  const [open, setOpen] = React.useState(false);
  const action = useAction<T>(actionName);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const input = toInput(new FormData(e.currentTarget));
    const check = schema.safeParse(input);
    if (!check.success) return action.setFieldErrors(issuesToFields(check.error.issues));
    const r = await action.run(input);
    if (r.ok) {
      onDone(r.data);
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
          onClosed();
        }
      }}
    >
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-2xl">
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-4" noValidate>
          {children(action.fieldErrors)}
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>
              {submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

'use client';

import { Pencil } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { AZURE_KIND_LABELS, updateAzureConnectionInput, type AzureConnectionKind } from '@/lib/azure/schemas';
import { ConnectionCredentialFields, ConnectionFormDialog, credentialInput, usePemFields, type StoredConnection } from './connection-form';

/**
 * Change an Azure connection (azureConnections.update): the same fields as New connection, filled with what is stored;
 * the kind and the name stay. Secrets are write-only: an empty secret, certificate or CA keeps the stored one.
 */
export function EditConnectionDialog({ name, kind, stored, size = 'sm' }: { name: string; kind: AzureConnectionKind; stored: StoredConnection; size?: 'sm' | 'md' }) {
  const pem = usePemFields();
  return (
    <ConnectionFormDialog
      trigger={
        <Button variant="secondary" size={size}>
          <Pencil aria-hidden /> Edit
        </Button>
      }
      title={`Edit Azure connection ${name}`}
      description={`${AZURE_KIND_LABELS[kind]}: the kind and the name stay. Stored secrets are never shown; leave them empty to keep them. Test the connection after a change.`}
      actionName="azureConnections.update"
      schema={updateAzureConnectionInput}
      toInput={(f) => ({ name, ...credentialInput(f, kind, pem, { edit: true }) })}
      onDone={() => toast.success(`Azure connection ${name} saved`)}
      onClosed={pem.reset}
      submitLabel="Save changes"
    >
      {(errors) => <ConnectionCredentialFields kind={kind} errors={errors} pem={pem} stored={stored} />}
    </ConnectionFormDialog>
  );
}

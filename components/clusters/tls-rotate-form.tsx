'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import type { ExtensionSettings } from '@/lib/domain';

/**
 * Certificate rotation: a new chain + key is validated on the server (key match, chain order, expiry, SAN)
 * before anything is applied, then the router rolls to it one pod at a time.
 */
export function TlsRotateForm({ cluster, settings }: { cluster: string; settings: ExtensionSettings }) {
  const router = useRouter();
  const [certPem, setCert] = React.useState('');
  const [keyPem, setKey] = React.useState('');
  const action = useAction<{ warnings: string[] }>('clusters.extension.install');
  return (
    <form
      className="grid gap-3"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const { sslSecret: _s, ...rest } = settings;
        void _s;
        const r = await action.run({ name: cluster, settings: rest, tls: { certPem, keyPem } });
        if (r.ok) {
          toast.success('New certificate accepted: the router is rolling to it');
          for (const w of r.data.warnings) toast.warning(w);
          setCert('');
          setKey('');
          router.push(`/ops/clusters/${cluster}/extension`);
        }
      }}
    >
      <div className="grid gap-3 md:grid-cols-2">
        <FormField label="New certificate chain (PEM)" description="Leaf first, then intermediates, then the root." error={action.fieldErrors['tls.certPem'] ?? action.fieldErrors['settings.sslCname']}>
          <Textarea mono rows={6} value={certPem} onChange={(e) => setCert(e.target.value)} placeholder="-----BEGIN CERTIFICATE-----" />
        </FormField>
        <FormField label="Its private key (PEM, no passphrase)" error={action.fieldErrors['tls.keyPem']}>
          <Textarea mono rows={6} value={keyPem} onChange={(e) => setKey(e.target.value)} placeholder="-----BEGIN PRIVATE KEY-----" autoComplete="off" />
        </FormField>
      </div>
      <FormError message={action.error} />
      <div>
        <Button type="submit" pending={action.pending} disabled={!certPem.trim() || !keyPem.trim()}>
          Validate and rotate
        </Button>
      </div>
    </form>
  );
}

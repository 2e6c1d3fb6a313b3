'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { Eye, EyeOff, KeyRound, RefreshCw } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CopyButton } from '@/components/ui/copy-button';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';

// The Keys tab, rendered only for those with endpoints.keys (auditors never see it; the server refuses them
// anyway). The keys are read on request ("Show keys" → endpoints.listKeys, an audited read), kept only in this
// component's state, masked until revealed, each with copy; regenerating one asks first, since callers using
// it stop being answered.

type Keys = { primaryKey: string; secondaryKey: string };
type KeyType = 'primary' | 'secondary';

export function KeysPanel({ workspace, endpoint }: { workspace: string; endpoint: string }) {
  const list = useAction<Keys>('endpoints.listKeys');
  const regenerate = useAction('endpoints.regenerateKeys');
  const [keys, setKeys] = React.useState<Keys | null>(null);

  async function show() {
    const r = await list.run({ workspace, name: endpoint });
    if (r.ok) setKeys(r.data);
  }
  async function regen(keyType: KeyType) {
    const r = await regenerate.run({ workspace, name: endpoint, keyType });
    if (!r.ok) throw new Error(r.error.detail);
    toast.success(`The ${keyType} key of ${endpoint} was regenerated`, { description: 'The old one no longer works.' });
    // Show the new pair when the keys were on screen.
    if (keys) {
      const again = await list.run({ workspace, name: endpoint });
      if (again.ok) setKeys(again.data);
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Keys</CardTitle>
        <CardDescription>
          Callers send one of the two keys as <span className="font-mono">Authorization: Bearer &lt;key&gt;</span>. Two keys let you rotate without downtime: move callers to the secondary key,
          regenerate the primary, move them back. Reading the keys is recorded in the audit log.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {keys ? (
          <div className="grid gap-3">
            <KeyRow label="Primary key" value={keys.primaryKey} />
            <KeyRow label="Secondary key" value={keys.secondaryKey} />
            <div>
              <Button variant="ghost" size="sm" onClick={() => setKeys(null)}>
                <EyeOff aria-hidden /> Hide keys
              </Button>
            </div>
          </div>
        ) : (
          <div>
            <Button variant="secondary" onClick={show} pending={list.pending}>
              <KeyRound aria-hidden /> Show keys
            </Button>
          </div>
        )}
        <FormError message={list.error} />
        <div className="flex flex-wrap gap-2 border-t border-border pt-4">
          {(['primary', 'secondary'] as const).map((k) => (
            <ConfirmDialog
              key={k}
              action={`Regenerate the ${k} key of`}
              objectName={endpoint}
              confirmLabel={`Regenerate ${k} key`}
              consequence={
                <>
                  A new {k} key replaces the current one at once: callers still sending the old {k} key get 401 from then on. The {k === 'primary' ? 'secondary' : 'primary'} key keeps working.
                </>
              }
              onConfirm={() => regen(k)}
              trigger={
                <Button variant="secondary">
                  <RefreshCw aria-hidden /> Regenerate {k}
                </Button>
              }
            />
          ))}
        </div>
      </CardContent>
    </Card>
  );
}

function KeyRow({ label, value }: { label: string; value: string }) {
  const [visible, setVisible] = React.useState(false);
  return (
    <div className="grid gap-1">
      <span className="text-sm font-medium">{label}</span>
      <div className="flex max-w-2xl items-center gap-1 rounded-md border border-border bg-muted/40 px-2 py-1">
        <code className="min-w-0 flex-1 font-mono text-sm break-all" aria-label={visible ? label : `${label} (hidden)`}>
          {visible ? value : '•'.repeat(Math.min(value.length, 43))}
        </code>
        <Button variant="ghost" size="icon-sm" className="size-7" aria-label={visible ? `Hide the ${label.toLowerCase()}` : `Reveal the ${label.toLowerCase()}`} aria-pressed={visible} onClick={() => setVisible((v) => !v)}>
          {visible ? <EyeOff aria-hidden /> : <Eye aria-hidden />}
        </Button>
        <CopyButton value={value} label={`Copy the ${label.toLowerCase()}`} />
      </div>
    </div>
  );
}

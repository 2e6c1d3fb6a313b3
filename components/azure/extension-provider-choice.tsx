'use client';

import * as React from 'react';
import { Badge } from '@/components/ui/badge';

export type ExtensionProvider = 'harbormaster' | 'azureml';

const CHOICES: Array<{ value: ExtensionProvider; label: string; help: string }> = [
  { value: 'harbormaster', label: 'Harbormaster extension', help: 'Installed by Harbormaster on the cluster with server-side apply; settings, TLS, proxy, registry and egress policy.' },
  { value: 'azureml', label: 'Azure ML extension (through ARM)', help: 'Microsoft.AzureML.Kubernetes installed by Azure Resource Manager; needed to attach this cluster to an Azure ML workspace.' },
];

/**
 * For a cluster registered from Azure: which ML extension this page manages. The choice is explicit, and one is never
 * installed over the other (the server refuses): remove the one in use before switching.
 */
export function ExtensionProviderChoice({ inUse, harbormaster, azureml }: { inUse: ExtensionProvider | null; harbormaster: React.ReactNode; azureml: React.ReactNode }) {
  const [choice, setChoice] = React.useState<ExtensionProvider>(inUse ?? 'harbormaster');
  const name = React.useId();
  return (
    <div className="space-y-5">
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-semibold">Which ML extension</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {CHOICES.map((c) => (
            <label key={c.value} className="flex cursor-pointer items-start gap-2 rounded-md border border-border p-3 text-sm has-[:checked]:border-accent has-[:checked]:bg-accent-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring">
              <input type="radio" name={name} value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} className="mt-0.5 size-4" />
              <span className="grid gap-0.5">
                <span className="flex flex-wrap items-center gap-2 font-medium">
                  {c.label}
                  {inUse === c.value ? <Badge tone="success">in use</Badge> : null}
                </span>
                <span className="text-xs text-muted-foreground">{c.help}</span>
              </span>
            </label>
          ))}
        </div>
        <p className="text-xs text-muted-foreground">
          {inUse
            ? `This cluster uses the ${inUse === 'azureml' ? 'Azure ML' : 'Harbormaster'} extension. Harbormaster never installs one over the other: remove it before installing the other.`
            : 'Neither is installed yet. Harbormaster never installs one over the other.'}
        </p>
      </fieldset>
      {choice === 'azureml' ? azureml : harbormaster}
    </div>
  );
}

'use client';

import * as React from 'react';
import { Upload } from 'lucide-react';
import { FormField } from '@/components/ui/form-field';
import { Textarea } from '@/components/ui/textarea';
import { Badge } from '@/components/ui/badge';
import { parseKubeconfig, type KubeconfigContextInfo } from '@/lib/clusters/kubeconfig';

export interface ConnectionValue {
  mode: 'kubeconfig' | 'inCluster';
  kubeconfig: string;
  context: string;
}

export const emptyConnection: ConnectionValue = { mode: 'kubeconfig', kubeconfig: '', context: '' };

/** The connection as the action expects it. */
export function connectionInput(v: ConnectionValue) {
  return v.mode === 'inCluster' ? { mode: 'inCluster' as const } : { mode: 'kubeconfig' as const, kubeconfig: v.kubeconfig, ...(v.context ? { context: v.context } : {}) };
}

const AUTH_WORDS: Record<KubeconfigContextInfo['auth'], string> = {
  clientCertificate: 'client certificate',
  token: 'token',
  basic: 'username/password',
  exec: 'exec plugin (not allowed)',
  authProvider: 'auth-provider (not allowed)',
  files: 'files on disk (not allowed)',
  none: 'no credentials',
};

/**
 * Paste or upload a kubeconfig and pick its context. The kubeconfig is parsed in the browser only to list the
 * contexts; the server validates it again, checks the cluster and stores only the chosen context, encrypted.
 */
export function ConnectionFields({ value, onChange: setValue, errors: given }: { value: ConnectionValue; onChange: (v: ConnectionValue) => void; errors: Record<string, string> }) {
  const fileId = React.useId();
  // The server's verdict was about what was submitted: once the user edits the connection it no longer applies
  // (a "paste a kubeconfig" error must not stay under the kubeconfig just pasted). New errors show again.
  const [seen, setSeen] = React.useState(given);
  const [stale, setStale] = React.useState(false);
  if (seen !== given) {
    setSeen(given);
    setStale(false);
  }
  const errors = stale ? {} : given;
  const onChange = (v: ConnectionValue) => {
    setStale(true);
    setValue(v);
  };
  const parsed = React.useMemo(() => (value.kubeconfig.trim() ? parseKubeconfig(value.kubeconfig) : null), [value.kubeconfig]);
  const contexts = parsed?.ok ? parsed.value.contexts : [];
  const chosen = contexts.find((c) => c.name === value.context) ?? contexts.find((c) => c.name === (parsed?.ok ? parsed.value.currentContext : '')) ?? (contexts.length === 1 ? contexts[0] : undefined);

  React.useEffect(() => {
    if (parsed?.ok && !value.context && chosen) setValue({ ...value, context: chosen.name });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [parsed, chosen?.name]);

  return (
    <fieldset className="grid gap-3">
      <legend className="mb-1 text-sm font-medium">Connection</legend>
      <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="How Harbormaster connects">
        <label className="flex items-center gap-1.5">
          <input type="radio" name="connection-mode" checked={value.mode === 'kubeconfig'} onChange={() => onChange({ ...value, mode: 'kubeconfig' })} /> kubeconfig
        </label>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="connection-mode" checked={value.mode === 'inCluster'} onChange={() => onChange({ ...value, mode: 'inCluster' })} /> In-cluster service account
        </label>
      </div>
      {value.mode === 'inCluster' ? (
        <p className="text-sm text-muted-foreground">Harbormaster uses the service account of its own pod. Only for the cluster Harbormaster runs in.</p>
      ) : (
        <>
          <FormField
            label="kubeconfig"
            required
            description="Credentials must be embedded (token or client certificate); exec plugins and file paths are refused. Stored encrypted, never shown again."
            error={errors['connection.kubeconfig'] ?? (parsed && !parsed.ok ? parsed.message : undefined)}
          >
            <Textarea
              mono
              rows={8}
              spellCheck={false}
              autoComplete="off"
              placeholder="apiVersion: v1&#10;kind: Config&#10;clusters: …"
              value={value.kubeconfig}
              onChange={(e) => onChange({ ...value, kubeconfig: e.target.value, context: '' })}
            />
          </FormField>
          <div>
            <label htmlFor={fileId} className="inline-flex cursor-pointer items-center gap-1.5 text-sm text-accent-text underline underline-offset-4">
              <Upload aria-hidden className="size-4" /> Upload a kubeconfig file
            </label>
            <input
              id={fileId}
              type="file"
              className="sr-only"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) onChange({ ...value, kubeconfig: await f.text(), context: '' });
              }}
            />
          </div>
          {contexts.length > 0 && (
            <FormField label="Context" error={errors['connection.context']} description={chosen ? `${chosen.server || 'no server'} · ${AUTH_WORDS[chosen.auth]}` : undefined}>
              {(c) => (
                <select {...c} value={chosen?.name ?? ''} onChange={(e) => onChange({ ...value, context: e.target.value })} className="h-9 w-full rounded-md border border-input bg-surface px-2 font-mono text-sm">
                  {!chosen && <option value="">Choose a context…</option>}
                  {contexts.map((ctx) => (
                    <option key={ctx.name} value={ctx.name}>
                      {ctx.name}
                      {ctx.problems.length ? ' (cannot be used)' : ''}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          )}
          {chosen?.problems.length ? (
            <ul className="grid gap-1 text-sm text-danger-text" role="alert">
              {chosen.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          ) : null}
          {chosen?.warnings.length ? (
            <div className="flex flex-wrap gap-1.5">{chosen.warnings.map((w) => <Badge key={w} tone="warning">{w}</Badge>)}</div>
          ) : null}
        </>
      )}
    </fieldset>
  );
}

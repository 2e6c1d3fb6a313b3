'use client';

import * as React from 'react';
import { Download, ShieldCheck } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { MonoText } from '@/components/ui/mono-text';
import { StatusBadge } from '@/components/ui/status-badge';

interface Verdict {
  ok: boolean;
  checked: number;
  firstBroken?: { id: number; reason: string };
  checkpoints?: number;
  lastCheckpointId?: number;
}

type State = { phase: 'idle' } | { phase: 'running' } | { phase: 'done'; v: Verdict } | { phase: 'error'; message: string };

/**
 * "Verify the chain" (GET /api/v1/audit/verify, the whole chain and its signed checkpoints) and the key an
 * auditor needs to check an export offline: fingerprint, PEM with a copy button, the signed head to record.
 */
export function ChainVerification({ publicKeyPem, fingerprint }: { publicKeyPem: string; fingerprint: string }) {
  const [state, setState] = React.useState<State>({ phase: 'idle' });
  async function run() {
    setState({ phase: 'running' });
    try {
      const res = await fetch('/api/v1/audit/verify', { cache: 'no-store' });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.detail ?? `the console answered ${res.status}`);
      setState({ phase: 'done', v: body as Verdict });
    } catch (e) {
      setState({ phase: 'error', message: (e as Error).message });
    }
  }
  return (
    <Card aria-labelledby="chain-verification-title">
      <CardHeader>
        <CardTitle id="chain-verification-title">Chain verification</CardTitle>
        <CardDescription>
          Events are SHA-256 hash-chained; every 100 events a checkpoint is signed with the console’s Ed25519 key, which is kept outside the database. Export a range and
          check it offline with <code className="font-mono text-xs">node scripts/verify-audit.mjs &lt;export&gt; --public-key key.pem --head head.json</code>.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 md:grid-cols-2">
        <div className="space-y-2">
          <Button type="button" variant="secondary" onClick={run} pending={state.phase === 'running'}>
            <ShieldCheck aria-hidden className="size-4" /> Verify the chain
          </Button>
          <div role="status" aria-live="polite" className="text-sm">
            {state.phase === 'done' ? (
              state.v.ok ? (
                <p className="flex flex-wrap items-center gap-2">
                  <StatusBadge kind="check" status="ok" />
                  <span>
                    Verified: {state.v.checked} events, {state.v.checkpoints ?? 0} signed checkpoints
                    {state.v.lastCheckpointId ? ` (newest at event ${state.v.lastCheckpointId})` : ''}
                  </span>
                </p>
              ) : (
                <p className="flex flex-wrap items-center gap-2">
                  <StatusBadge kind="check" status="error" />
                  <span>
                    Broken at event {state.v.firstBroken?.id}: {state.v.firstBroken?.reason} ({state.v.checked} events checked)
                  </span>
                </p>
              )
            ) : state.phase === 'error' ? (
              <p className="text-danger-text">Could not verify: {state.message}</p>
            ) : null}
          </div>
        </div>
        <div className="space-y-2 text-sm">
          <div>
            <span className="font-medium">Signing key</span> <span className="text-muted-foreground">(Ed25519, public)</span>
          </div>
          <div aria-label="Public key fingerprint">
            <MonoText value={fingerprint} copyLabel="Copy the key fingerprint" truncate className="max-w-full" />
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <span className="inline-flex items-center gap-0.5">
              Public key <CopyButton value={publicKeyPem} label="Copy the public key (PEM)" />
            </span>
            <Button asChild variant="secondary" size="sm">
              <a href="/api/v1/audit/head" download="harbormaster-audit-head.json">
                <Download aria-hidden className="size-4" /> Signed head
              </a>
            </Button>
          </div>
          <details>
            <summary className="cursor-pointer text-xs text-accent-text">Public key (PEM)</summary>
            <pre aria-label="Public key (PEM)" className="mt-1 overflow-x-auto rounded bg-muted p-2 font-mono text-xs">
              {publicKeyPem}
            </pre>
          </details>
        </div>
      </CardContent>
    </Card>
  );
}

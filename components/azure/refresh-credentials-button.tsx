'use client';

import * as React from 'react';
import { KeyRound } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import { OutcomeIcon, ResultDialog } from './result-dialog';

interface RefreshAnswer {
  checks: { reachable: boolean; error: string | null; version: { gitVersion?: string } | null; identity: { username?: string } | null } | null;
  warnings: string[];
}

/**
 * A cluster registered from Azure: fetch its kubeconfig from ARM again through its Azure connection
 * (clusters.refreshAzureCredentials), checked before it replaces the stored one; the answer or ARM's refusal.
 */
export function RefreshAzureCredentialsButton({ cluster }: { cluster: string }) {
  const refresh = useAction<RefreshAnswer>('clusters.refreshAzureCredentials');
  const [answer, setAnswer] = React.useState<RefreshAnswer | null>(null);
  const [open, setOpen] = React.useState(false);
  const c = answer?.checks;
  return (
    <>
      <Button
        variant="secondary"
        pending={refresh.pending}
        onClick={async () => {
          setAnswer(null);
          setOpen(true);
          const r = await refresh.run({ name: cluster });
          if (r.ok) setAnswer(r.data);
        }}
      >
        <KeyRound aria-hidden className="size-4" /> Refresh credentials from Azure
      </Button>
      <ResultDialog
        open={open}
        onOpenChange={setOpen}
        title={`Credentials of ${cluster} from Azure`}
        description="Fetches the cluster’s user kubeconfig from Azure Resource Manager through its Azure connection, checks it, and stores it encrypted in place of the old one."
      >
        {refresh.pending && <p className="text-sm text-muted-foreground">Fetching from Azure and checking…</p>}
        <FormError message={refresh.error} />
        {answer && (
          <div className="flex items-start gap-2 rounded-md border border-border p-3 text-sm">
            <OutcomeIcon ok={!!c?.reachable} />
            <div className="grid gap-0.5">
              <span className="font-medium">New credentials stored</span>
              <span className="break-words text-muted-foreground">
                {c?.reachable
                  ? <>The cluster answers{c.version?.gitVersion ? <> (Kubernetes <span className="font-mono">{c.version.gitVersion}</span>)</> : null}{c.identity?.username ? <> as <span className="font-mono">{c.identity.username}</span></> : null}.</>
                  : `The cluster does not answer with them: ${c?.error ?? 'unreachable'}`}
              </span>
              {answer.warnings.map((w) => (
                <span key={w} className="text-warning-text">{w}</span>
              ))}
            </div>
          </div>
        )}
      </ResultDialog>
    </>
  );
}

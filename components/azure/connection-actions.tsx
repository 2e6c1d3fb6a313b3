'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { FlaskConical, Trash2 } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import { OutcomeIcon, ResultDialog } from './result-dialog';

interface TestAnswer {
  connection: string;
  identity: string;
  armEndpoint: string;
  ok: boolean;
  steps: Array<{ step: 'token' | 'subscriptions'; ok: boolean; detail: string }>;
  subscriptions: Array<{ subscriptionId: string; displayName: string }>;
}

const STEP_LABELS: Record<string, string> = { token: 'Token for Azure Resource Manager', subscriptions: 'List subscriptions' };

/** Test a connection: each step's result as the server answers it. */
export function TestConnectionButton({ name, size = 'sm', compact = false }: { name: string; size?: 'sm' | 'md'; compact?: boolean }) {
  const test = useAction<TestAnswer>('azureConnections.test');
  const [answer, setAnswer] = React.useState<TestAnswer | null>(null);
  const [open, setOpen] = React.useState(false);
  return (
    <>
      <Button
        variant="secondary"
        size={compact ? 'icon-sm' : size}
        aria-label={compact ? `Test ${name}` : undefined}
        title={compact ? `Test ${name}` : undefined}
        pending={test.pending}
        onClick={async () => {
          setAnswer(null);
          setOpen(true);
          const r = await test.run({ name });
          if (r.ok) setAnswer(r.data);
        }}
      >
        <FlaskConical aria-hidden />
        {compact ? null : 'Test'}
      </Button>
      <ResultDialog open={open} onOpenChange={setOpen} title={`Test of ${name}`} description="Gets a token for Azure Resource Manager, then lists the subscriptions this identity can see.">
        {test.pending && <p className="text-sm text-muted-foreground">Testing…</p>}
        <FormError message={test.error} />
        {answer && (
          <>
            <ol className="grid gap-2">
              {answer.steps.map((s) => (
                <li key={s.step} className="flex items-start gap-2 rounded-md border border-border p-3 text-sm">
                  <OutcomeIcon ok={s.ok} />
                  <div className="grid gap-0.5">
                    <span className="font-medium">
                      {STEP_LABELS[s.step] ?? s.step}: <span className={s.ok ? 'text-success-text' : 'text-danger-text'}>{s.ok ? 'ok' : 'failed'}</span>
                    </span>
                    <span className="break-words text-muted-foreground">{s.detail}</span>
                  </div>
                </li>
              ))}
              {answer.steps.length < 2 && (
                <li className="flex items-start gap-2 rounded-md border border-dashed border-border p-3 text-sm text-muted-foreground">
                  {STEP_LABELS.subscriptions}: not tried
                </li>
              )}
            </ol>
            {answer.subscriptions.length > 0 && (
              <div className="text-sm">
                <div className="font-medium">Subscriptions</div>
                <ul className="mt-1 grid gap-0.5">
                  {answer.subscriptions.map((s) => (
                    <li key={s.subscriptionId}>
                      {s.displayName} <span className="font-mono text-xs text-muted-foreground">{s.subscriptionId}</span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </>
        )}
      </ResultDialog>
    </>
  );
}

const plural = (names: string[], noun: string) => (names.length ? `${noun}${names.length > 1 ? 's' : ''} ${names.join(', ')}` : '');

/** Delete a connection: confirm; the server refuses while workspaces or clusters use it, and its message is shown. */
export function DeleteConnectionButton({
  name, usedBy, afterDelete, size = 'sm', compact = false,
}: { name: string; usedBy: { workspaces: string[]; clusters: string[] }; afterDelete?: string; size?: 'sm' | 'md'; compact?: boolean }) {
  const router = useRouter();
  const del = useAction<{ deleted: string }>('azureConnections.delete');
  const used = usedBy.workspaces.length + usedBy.clusters.length;
  return (
    <ConfirmDialog
      action="Delete Azure connection"
      objectName={name}
      consequence={
        used
          ? `It is in use (${[plural(usedBy.workspaces, 'workspace'), plural(usedBy.clusters, 'cluster')].filter(Boolean).join('; ')}): Harbormaster will refuse until they are unlinked or removed.`
          : 'Its stored credentials are erased. Nothing changes in Azure.'
      }
      confirmLabel="Delete"
      trigger={
        <Button variant="secondary" size={compact ? 'icon-sm' : size} aria-label={compact ? `Delete ${name}` : undefined} title={compact ? `Delete ${name}` : undefined}>
          <Trash2 aria-hidden />
          {compact ? null : 'Delete'}
        </Button>
      }
      onConfirm={async () => {
        const r = await del.run({ name });
        if (!r.ok) throw new Error(r.error.detail);
        toast.success(`Azure connection ${name} deleted`);
        if (afterDelete) router.push(afterDelete);
      }}
    />
  );
}

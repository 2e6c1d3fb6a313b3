'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { KeyRound } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { FormField } from '@/components/ui/form-field';
import { SecretOnce } from '@/components/ui/secret-once';
import { RelativeTime } from '@/components/ui/relative-time';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';

export interface TokenDto {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function tokenState(t: TokenDto): { label: string; tone: 'success' | 'neutral' | 'warning' } {
  if (t.revokedAt) return { label: 'Revoked', tone: 'neutral' };
  if (t.expiresAt && new Date(t.expiresAt).getTime() < Date.now()) return { label: 'Expired', tone: 'warning' };
  return { label: 'Active', tone: 'success' };
}

export function TokensPanel({ tokens }: { tokens: TokenDto[] }) {
  const create = useAction<{ token: string; name: string }>('tokens.create');
  const revoke = useAction('tokens.revoke');
  const [secret, setSecret] = React.useState<string | null>(null);
  const [revoking, setRevoking] = React.useState<TokenDto | null>(null);
  return (
    <Card>
      <CardHeader>
        <CardTitle>API tokens</CardTitle>
        <CardDescription>
          For the REST API (<span className="font-mono">Authorization: Bearer &lt;token&gt;</span>). A token acts with your role; it is shown once and stored only as a hash.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <form
          className="flex flex-wrap items-start gap-3"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const r = await create.run({ name: String(f.get('name') ?? ''), expiresIn: String(f.get('expiresIn') ?? '') || undefined });
            if (r.ok) {
              setSecret(r.data.token);
              (e.target as HTMLFormElement).reset();
            }
          }}
        >
          <FormField label="Token name" required error={create.fieldErrors.name}>
            <Input name="name" placeholder="e.g. ci-pipeline" className="w-56" />
          </FormField>
          <FormField label="Expires in" description="e.g. 30d, 12h; empty: never" error={create.fieldErrors.expiresIn}>
            <Input name="expiresIn" defaultValue="90d" className="w-32 font-mono" />
          </FormField>
          {/* aligned with the inputs, below their labels */}
          <Button type="submit" pending={create.pending} className="mt-7">
            <KeyRound aria-hidden className="size-4" /> Create token
          </Button>
        </form>
        <FormError message={create.error && !Object.keys(create.fieldErrors).length ? create.error : null} />
        {secret ? <SecretOnce label="API token" secret={secret} /> : null}
        {tokens.length === 0 ? (
          <EmptyState title="No tokens" description="Create a token to call the API from scripts and CI." />
        ) : (
          <ul className="divide-y divide-border rounded-md border border-border" aria-label="Your API tokens">
            {tokens.map((t) => {
              const s = tokenState(t);
              return (
                <li key={t.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2">
                  <div>
                    <div className="font-medium">{t.name}</div>
                    <div className="text-xs text-muted-foreground">
                      <span className="font-mono">{t.prefix}…</span> · created <RelativeTime value={t.createdAt} />
                      {t.expiresAt ? (
                        <>
                          {' '}
                          · expires <RelativeTime value={t.expiresAt} />
                        </>
                      ) : ' · never expires'}
                      {t.lastUsedAt ? (
                        <>
                          {' '}
                          · last used <RelativeTime value={t.lastUsedAt} />
                        </>
                      ) : ' · never used'}
                    </div>
                  </div>
                  <div className="flex items-center gap-2">
                    <Badge tone={s.tone}>{s.label}</Badge>
                    {s.label === 'Active' ? (
                      <Button variant="ghost" size="sm" onClick={() => setRevoking(t)}>
                        Revoke
                      </Button>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
      <ConfirmDialog
        open={!!revoking}
        onOpenChange={(o) => !o && setRevoking(null)}
        action="Revoke token"
        objectName={revoking?.name ?? ''}
        consequence="Scripts using it get 401 from now on. This cannot be undone."
        confirmLabel="Revoke"
        tone="danger"
        onConfirm={async () => {
          const r = await revoke.run({ id: revoking!.id });
          if (r.ok) toast.success(`Token ${revoking!.name} revoked`);
          else toast.error(r.error.detail);
          setRevoking(null);
        }}
      />
    </Card>
  );
}

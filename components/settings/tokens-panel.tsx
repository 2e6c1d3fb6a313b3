'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { KeyRound, TriangleAlert } from 'lucide-react';
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
import { TOKEN_EXPIRY_WARNING_DAYS, tokenState as stateOf, tokensExpiringSoon, type TokenState } from '@/lib/token-expiry';

export interface TokenDto {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const STATE_BADGE: Record<TokenState, { label: string; tone: 'success' | 'neutral' | 'warning' | 'danger' }> = {
  active: { label: 'Active', tone: 'success' },
  expiring: { label: 'Expires soon', tone: 'warning' },
  expired: { label: 'Expired', tone: 'danger' },
  revoked: { label: 'Revoked', tone: 'neutral' },
};

/**
 * `now` is the request's time from the server (the states agree between the server's HTML and hydration);
 * `defaultExpiresIn` is what the "Expires in" field starts with (HARBORMASTER_TOKEN_DEFAULT_DAYS, "90d").
 */
export function TokensPanel({ tokens, now, defaultExpiresIn }: { tokens: TokenDto[]; now: number; defaultExpiresIn: string }) {
  const soon = tokensExpiringSoon(tokens, now);
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
          <FormField label="Expires in" description={`e.g. 30d, 12h, 1y, or never; empty: ${defaultExpiresIn}`} error={create.fieldErrors.expiresIn}>
            <Input name="expiresIn" defaultValue={defaultExpiresIn} className="w-32 font-mono" />
          </FormField>
          {/* aligned with the inputs, below their labels */}
          <Button type="submit" pending={create.pending} className="mt-7">
            <KeyRound aria-hidden className="size-4" /> Create token
          </Button>
        </form>
        <FormError message={create.error && !Object.keys(create.fieldErrors).length ? create.error : null} />
        {secret ? <SecretOnce label="API token" secret={secret} /> : null}
        {soon.length ? (
          <div role="status" className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            <div>
              <p className="font-medium">
                {soon.length === 1 ? '1 token expires' : `${soon.length} tokens expire`} within {TOKEN_EXPIRY_WARNING_DAYS} days
              </p>
              <p>
                {soon.map((t, i) => (
                  <React.Fragment key={t.id}>
                    {i ? ', ' : null}
                    <span className="font-medium">{t.name}</span> (<RelativeTime value={t.expiresAt} />)
                  </React.Fragment>
                ))}
                . Create a new token and switch the scripts that use {soon.length === 1 ? 'it' : 'them'} before they get 401.
              </p>
            </div>
          </div>
        ) : null}
        {tokens.length === 0 ? (
          <EmptyState title="No tokens" description="Create a token to call the API from scripts and CI." />
        ) : (
          <ul className="divide-y divide-border rounded-md border border-border" aria-label="Your API tokens">
            {tokens.map((t) => {
              const state = stateOf(t, now);
              const s = STATE_BADGE[state];
              return (
                <li key={t.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2">
                  <div>
                    <div className="font-medium">{t.name}</div>
                    <div className="text-xs text-muted-foreground">
                      <span className="font-mono">{t.prefix}…</span> · created <RelativeTime value={t.createdAt} />
                      {t.expiresAt ? (
                        <>
                          {' '}
                          · {state === 'expired' ? 'expired' : 'expires'} <RelativeTime value={t.expiresAt} />
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
                    {state === 'active' || state === 'expiring' ? (
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

'use client';

import * as React from 'react';
import Link from 'next/link';
import { KeyRound } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import { pythonSnippet } from '@/lib/aml/python-snippet';

export interface PythonSnippetPanelProps {
  workspace: string;
  /** https://…/arm/, or null when the console serves no HTTPS address the SDK can use. */
  armUrl: string | null;
  caFile: string | null;
  /** May create a personal token (self.tokens). */
  canCreateToken: boolean;
  /** The person's role cannot write in this workspace: the SDK's writes will be refused. */
  readOnly: boolean;
  tokenName: string;
  tokenExpiresIn: string;
  className?: string;
}

interface CreatedToken {
  token: string;
  name: string;
  expiresAt: string | null;
}

/** The copy-paste MLClient snippet; "Create token" puts a fresh personal API token (tokens.create) into it, once. */
export function PythonSnippetPanel({ workspace, armUrl, caFile, canCreateToken, readOnly, tokenName, tokenExpiresIn, className }: PythonSnippetPanelProps) {
  const create = useAction<CreatedToken>('tokens.create');
  const [created, setCreated] = React.useState<CreatedToken | null>(null);
  const snippet = pythonSnippet({
    armUrl: armUrl ?? 'https://<console address>:<https port>/arm/',
    workspace,
    token: created?.token ?? null,
    caFile,
    tokenName: created?.name,
    expiresAt: created?.expiresAt,
  });
  const days = /^(\d+)d$/.exec(tokenExpiresIn)?.[1];
  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>Your snippet</CardTitle>
        <CardDescription>
          Builds an <span className="font-mono">MLClient</span> for workspace <span className="font-mono">{workspace}</span> that sends one of your API tokens as
          its bearer token. The token acts with your role{readOnly ? ' — yours can read this workspace but not change it, so the SDK’s creates and updates are refused' : ''}.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {canCreateToken && !created ? (
          <div className="flex flex-wrap items-center gap-3">
            <Button
              pending={create.pending}
              onClick={async () => {
                const r = await create.run({ name: tokenName, expiresIn: tokenExpiresIn });
                if (r.ok) setCreated({ token: r.data.token, name: r.data.name, expiresAt: r.data.expiresAt });
              }}
            >
              <KeyRound aria-hidden className="size-4" /> Create token
            </Button>
            <p className="text-sm text-muted-foreground">
              A personal token named <span className="font-mono">{tokenName}</span>, valid {days ? `${days} days` : tokenExpiresIn}, filled into the snippet.
            </p>
          </div>
        ) : null}
        <FormError message={create.error} />
        <div role="status" aria-live="polite">
          {created ? (
            <div className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
              <KeyRound aria-hidden className="mt-0.5 size-4 shrink-0" />
              <p>
                Token <span className="font-mono">{created.name}</span> is in the snippet below. Copy it now: <strong>you will not see it again.</strong> It expires
                {created.expiresAt ? ` on ${created.expiresAt.slice(0, 10)}` : ' never'}; revoke it under{' '}
                <Link href="/settings" className="underline underline-offset-4">
                  Tokens &amp; security
                </Link>
                .
              </p>
            </div>
          ) : null}
        </div>
        {!canCreateToken ? <p className="text-sm text-muted-foreground">Replace the placeholder with one of your API tokens.</p> : null}
        <div className="overflow-hidden rounded-md border border-border">
          <div className="flex items-center justify-between gap-2 border-b border-border bg-surface px-3 py-1.5">
            <span className="font-mono text-xs text-muted-foreground">harbormaster_{workspace.replace(/-/g, '_')}.py</span>
            <CopyButton value={snippet} showText variant="secondary" />
          </div>
          <pre role="region" aria-label="Python snippet" tabIndex={0} className="overflow-x-auto bg-muted p-3 font-mono text-xs leading-5">
            <code>{snippet}</code>
          </pre>
        </div>
      </CardContent>
    </Card>
  );
}

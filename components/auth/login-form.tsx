'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { safeNextPath } from '@/lib/next-path';

export function LoginForm({
  next,
  signedOut,
  microsoft = false,
  localAccounts = true,
  error: initialError = null,
  endSessionUrl = null,
}: {
  next: string;
  signedOut?: boolean;
  /** Entra ID (or another OpenID Connect issuer) is configured: "Sign in with Microsoft". */
  microsoft?: boolean;
  /** Local accounts (email + password); false: HARBORMASTER_LOCAL_ACCOUNTS=false. */
  localAccounts?: boolean;
  /** Why the last sign-in with Microsoft was refused (the callback's reason). */
  error?: string | null;
  /** After signing out of a Microsoft session: the identity provider's end-session URL. */
  endSessionUrl?: string | null;
}) {
  const router = useRouter();
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(initialError);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      if (res.ok) {
        router.replace(safeNextPath(next)); // the page checked it already; checked again where it is followed
        router.refresh();
        return;
      }
      const problem = await res.json().catch(() => ({}));
      setError(problem.detail ?? `Sign-in failed (${res.status}).`);
    } catch {
      setError('The console could not be reached. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }

  const description = signedOut ? 'You are signed out.' : localAccounts ? (microsoft ? 'Use your Microsoft or Harbormaster account.' : 'Use your Harbormaster account.') : 'Use your Microsoft account.';
  const errorLine = (
    <div aria-live="assertive" className="min-h-5">
      {error ? (
        <p id="login-error" role="alert" className="text-sm text-danger-text">
          {error}
        </p>
      ) : null}
    </div>
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {endSessionUrl ? (
          <p className="rounded-md border border-border bg-muted p-3 text-sm">
            Your Microsoft session is still open in this browser.{' '}
            <a className="font-medium text-accent-text underline underline-offset-4" href={endSessionUrl}>
              Also sign out of Microsoft
            </a>
          </p>
        ) : null}
        {microsoft ? (
          <Button asChild variant={localAccounts ? 'secondary' : 'primary'} className="w-full">
            {/* A plain navigation: the server sends the browser on to the identity provider. */}
            <a href={`/api/auth/entra/login?next=${encodeURIComponent(safeNextPath(next))}`}>
              <MicrosoftLogo />
              Sign in with Microsoft
            </a>
          </Button>
        ) : null}
        {microsoft && localAccounts ? (
          <div className="flex items-center gap-3 text-xs text-muted-foreground" aria-hidden>
            <span className="h-px flex-1 bg-border" />
            or with a Harbormaster account
            <span className="h-px flex-1 bg-border" />
          </div>
        ) : null}
        {!localAccounts ? errorLine : null}
        {localAccounts ? (
          <form onSubmit={onSubmit} className="space-y-4" noValidate aria-describedby={error ? 'login-error' : undefined}>
            <FormField label="Email" required>
              <Input name="email" type="email" autoComplete="username" required autoFocus={!microsoft} />
            </FormField>
            <FormField label="Password" required>
              <Input name="password" type="password" autoComplete="current-password" required />
            </FormField>
            {errorLine}
            <Button type="submit" className="w-full" pending={pending}>
              Sign in
            </Button>
          </form>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** Microsoft's four-square mark (its sign-in button guidelines). */
function MicrosoftLogo() {
  return (
    <svg aria-hidden viewBox="0 0 21 21" className="size-4">
      <rect x="1" y="1" width="9" height="9" fill="#f25022" />
      <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
      <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
      <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
    </svg>
  );
}

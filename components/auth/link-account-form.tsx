'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { safeNextPath } from '@/lib/next-path';

export function LinkAccountForm({ pending }: { pending: { email: string; displayName: string; hasPassword: boolean } | null }) {
  const router = useRouter();
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);

  if (!pending) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Nothing to link</CardTitle>
          <CardDescription>No Microsoft sign-in is waiting for a link in this browser (it waits 15 minutes).</CardDescription>
        </CardHeader>
        <CardContent>
          <Button asChild className="w-full">
            <Link href="/login">Back to sign-in</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/entra/link', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: new FormData(e.currentTarget).get('password') }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        router.replace(safeNextPath(body.next));
        router.refresh();
        return;
      }
      setError(body.detail ?? `Linking failed (${res.status}).`);
    } catch {
      setError('The console could not be reached. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Link your Microsoft sign-in</CardTitle>
        <CardDescription>
          A Harbormaster account with the email <span className="font-mono">{pending.email}</span> already exists. Harbormaster does not join the two by itself.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {pending.hasPassword ? (
          <form onSubmit={onSubmit} className="space-y-4" noValidate aria-describedby={error ? 'link-error' : undefined}>
            <p className="text-sm">Enter that account’s password to confirm it is yours. From then on you can sign in with Microsoft.</p>
            <FormField label="Password of the Harbormaster account" required>
              <Input name="password" type="password" autoComplete="current-password" required autoFocus />
            </FormField>
            <div aria-live="assertive" className="min-h-5">
              {error ? (
                <p id="link-error" role="alert" className="text-sm text-danger-text">
                  {error}
                </p>
              ) : null}
            </div>
            <Button type="submit" className="w-full" pending={busy}>
              Link and sign in
            </Button>
          </form>
        ) : (
          <p className="text-sm">That account has no password. Ask an ops admin to link your Microsoft sign-in on the Users page, then sign in with Microsoft again.</p>
        )}
        <p className="text-sm text-muted-foreground">
          Not your account? Ask an ops admin: they see this request on the Users page and can link or refuse it.{' '}
          <Link className="text-accent-text underline underline-offset-4" href="/login">
            Back to sign-in
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}

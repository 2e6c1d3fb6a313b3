'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { safeNextPath } from '@/lib/next-path';

export function LoginForm({ next, signedOut }: { next: string; signedOut?: boolean }) {
  const router = useRouter();
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);

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

  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in</CardTitle>
        <CardDescription>{signedOut ? 'You are signed out.' : 'Use your Harbormaster account.'}</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="space-y-4" noValidate aria-describedby={error ? 'login-error' : undefined}>
          <FormField label="Email" required>
            <Input name="email" type="email" autoComplete="username" required autoFocus />
          </FormField>
          <FormField label="Password" required>
            <Input name="password" type="password" autoComplete="current-password" required />
          </FormField>
          <div aria-live="assertive" className="min-h-5">
            {error ? (
              <p id="login-error" role="alert" className="text-sm text-danger-text">
                {error}
              </p>
            ) : null}
          </div>
          <Button type="submit" className="w-full" pending={pending}>
            Sign in
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

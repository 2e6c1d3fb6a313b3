'use client';

import * as React from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { FormError } from '@/components/forms/form-error';

export function SetupForm({ token }: { token: string }) {
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const [fields, setFields] = React.useState<Record<string, string>>({});
  return (
    <Card>
      <CardHeader>
        <CardTitle>Create the first ops admin</CardTitle>
        <CardDescription>This one-time link was printed when Harbormaster started. It works once.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="space-y-4"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            setPending(true);
            setError(null);
            const res = await fetch('/api/auth/setup', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ token, email: f.get('email'), password: f.get('password') }),
            });
            setPending(false);
            if (res.ok) return void (window.location.href = '/ops');
            const p = await res.json().catch(() => ({}));
            setError(p.detail ?? `Setup failed (${res.status})`);
            setFields(Object.fromEntries((p.errors ?? []).map((x: { path: string; message: string }) => [x.path, x.message])));
          }}
        >
          <FormField label="Email" required error={fields.email}>
            <Input name="email" type="email" autoComplete="username" />
          </FormField>
          <FormField label="Password" required description="At least 12 characters" error={fields.password}>
            <Input name="password" type="password" autoComplete="new-password" />
          </FormField>
          <FormError message={error} />
          <Button type="submit" className="w-full" pending={pending} disabled={!token}>
            Create ops admin
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

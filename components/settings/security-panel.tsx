'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { FormField } from '@/components/ui/form-field';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';

export function SecurityPanel() {
  const change = useAction<{ changed: boolean; otherSessionsEnded: number }>('self.changePassword');
  const [confirm, setConfirm] = React.useState(false);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Security</CardTitle>
        <CardDescription>
          Change your password (every other browser signed in to your account is signed out; this one and your API tokens keep working), or end every
          session of your account.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6 md:grid-cols-2">
        <form
          className="space-y-3"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const f = new FormData(e.currentTarget);
            const r = await change.run({ currentPassword: String(f.get('currentPassword') ?? ''), newPassword: String(f.get('newPassword') ?? '') });
            if (r.ok) {
              const n = r.data.otherSessionsEnded;
              toast.success(n ? `Password changed; ${n === 1 ? '1 other session was' : `${n} other sessions were`} signed out` : 'Password changed');
              (e.target as HTMLFormElement).reset();
            }
          }}
        >
          <FormField label="Current password" required error={change.fieldErrors.currentPassword}>
            <Input name="currentPassword" type="password" autoComplete="current-password" />
          </FormField>
          <FormField label="New password" required description="At least 12 characters" error={change.fieldErrors.newPassword}>
            <Input name="newPassword" type="password" autoComplete="new-password" />
          </FormField>
          <FormError message={change.error && !Object.keys(change.fieldErrors).length ? change.error : null} />
          <Button type="submit" variant="secondary" pending={change.pending}>
            Change password
          </Button>
        </form>
        <div className="space-y-2">
          <p className="text-sm text-muted-foreground">Lost a laptop or signed in somewhere public? End every session, including this one.</p>
          <Button variant="danger" onClick={() => setConfirm(true)}>
            Sign out everywhere…
          </Button>
        </div>
      </CardContent>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        action="Sign out everywhere"
        objectName="all your sessions"
        consequence="Every browser signed in to your account is signed out, this one too. API tokens keep working."
        confirmLabel="Sign out everywhere"
        tone="danger"
        onConfirm={async () => {
          await fetch('/api/auth/logout?everywhere=true', { method: 'POST', headers: { accept: 'application/json' } });
          window.location.href = '/login?signedOut=1';
        }}
      />
    </Card>
  );
}

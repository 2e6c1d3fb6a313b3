'use client';

import * as React from 'react';
import { UserPlus } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { SecretOnce } from '@/components/ui/secret-once';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { createUserInput } from '@/lib/schemas/core';

const ROLE_CHOICES = [
  { value: '', label: 'Data scientist (workspace members only)' },
  { value: 'ops_admin', label: 'Ops admin' },
  { value: 'auditor', label: 'Auditor (read-only)' },
];

export function CreateUserDialog({ workspaces }: { workspaces: string[] }) {
  const [open, setOpen] = React.useState(false);
  const [created, setCreated] = React.useState<{ email: string; password: string | null } | null>(null);
  const action = useAction<{ user: { email: string }; initialPassword: string | null }>('users.create');

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const input = {
      email: String(f.get('email') ?? ''),
      displayName: String(f.get('displayName') ?? '') || undefined,
      password: String(f.get('password') ?? '') || undefined,
      globalRole: (String(f.get('globalRole') ?? '') || null) as 'ops_admin' | 'auditor' | null,
      workspaces: f.getAll('workspaces').map(String),
    };
    const check = createUserInput.safeParse(input);
    if (!check.success) return action.setFieldErrors(issuesToFields(check.error.issues));
    const r = await action.run(input);
    if (r.ok) {
      toast.success(`Created ${r.data.user.email}`);
      setCreated({ email: r.data.user.email, password: r.data.initialPassword });
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          setCreated(null);
          action.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden className="size-4" /> New user
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{created ? 'User created' : 'New user'}</DialogTitle>
          <DialogDescription>
            {created ? `Give ${created.email} their password through a safe channel.` : 'Leave the password empty to generate one; it is shown once.'}
          </DialogDescription>
        </DialogHeader>
        {created ? (
          <div className="space-y-4">
            {created.password ? <SecretOnce label="password" secret={created.password} /> : <p className="text-sm">The password you chose is set.</p>}
            <DialogFooter>
              <Button onClick={() => setOpen(false)}>Done</Button>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <FormField label="Email" required error={action.fieldErrors.email}>
              <Input name="email" type="email" autoComplete="off" />
            </FormField>
            <FormField label="Display name" error={action.fieldErrors.displayName}>
              <Input name="displayName" />
            </FormField>
            <FormField label="Role" error={action.fieldErrors.globalRole}>
              {(c) => (
                <select {...c} name="globalRole" className="h-9 w-full rounded-md border border-input bg-surface px-2 text-sm">
                  {ROLE_CHOICES.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            {workspaces.length ? (
              <fieldset className="space-y-1">
                <legend className="text-sm font-medium">Workspaces (as data scientist)</legend>
                <div className="flex flex-wrap gap-3">
                  {workspaces.map((w) => (
                    <label key={w} className="flex items-center gap-1.5 text-sm">
                      <input type="checkbox" name="workspaces" value={w} className="size-4" /> <span className="font-mono">{w}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null}
            <FormField label="Password" description="At least 12 characters. Empty: generate one." error={action.fieldErrors.password}>
              <Input name="password" type="password" autoComplete="new-password" />
            </FormField>
            <FormError message={action.error} />
            <DialogFooter>
              <Button type="submit" pending={action.pending}>
                Create user
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

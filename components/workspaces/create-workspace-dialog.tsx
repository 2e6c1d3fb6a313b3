'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { FolderPlus } from 'lucide-react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { issuesToFields, useAction } from '@/components/forms/use-action';
import { createWorkspaceInput, workspaceName } from '@/lib/schemas/core';

export function CreateWorkspaceDialog() {
  const router = useRouter();
  const [open, setOpen] = React.useState(false);
  const [touched, setTouched] = React.useState(false);
  const action = useAction<{ name: string }>('workspaces.create');

  function validateName(v: string) {
    const r = workspaceName.safeParse(v);
    action.setFieldErrors(r.success ? {} : { name: r.error.issues[0].message });
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const input = { name: String(f.get('name') ?? ''), displayName: String(f.get('displayName') ?? '') || undefined, description: String(f.get('description') ?? '') || undefined };
    const check = createWorkspaceInput.safeParse(input);
    if (!check.success) return action.setFieldErrors(issuesToFields(check.error.issues));
    const r = await action.run(input);
    if (r.ok) {
      setOpen(false);
      toast.success(`Workspace ${r.data.name} created`, { action: { label: 'Open', onClick: () => router.push(`/ops/workspaces/${r.data.name}`) } });
    }
  }

  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) { action.reset(); setTouched(false); } }}>
      <DialogTrigger asChild>
        <Button>
          <FolderPlus aria-hidden className="size-4" /> New workspace
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>New workspace</DialogTitle>
          <DialogDescription>The name is the workspace’s stable key in URLs and Kubernetes labels; the display name can change later.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <FormField label="Name" required description="Lower-case letters, digits and dashes, e.g. vision" error={action.fieldErrors.name}>
            <Input
              name="name"
              autoComplete="off"
              className="font-mono"
              onBlur={(e) => { setTouched(true); validateName(e.currentTarget.value); }}
              onChange={(e) => touched && validateName(e.currentTarget.value)}
            />
          </FormField>
          <FormField label="Display name" error={action.fieldErrors.displayName}>
            <Input name="displayName" />
          </FormField>
          <FormField label="Description" error={action.fieldErrors.description}>
            <Textarea name="description" rows={2} />
          </FormField>
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="submit" pending={action.pending}>Create workspace</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

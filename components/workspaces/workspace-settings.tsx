'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';

export function WorkspaceSettings({ workspace, canManage }: { workspace: { name: string; displayName: string; description: string; status: string }; canManage: boolean }) {
  const update = useAction('workspaces.update');
  const archive = useAction('workspaces.archive');
  const restore = useAction('workspaces.restore');
  const [confirm, setConfirm] = React.useState(false);
  if (!canManage) {
    return (
      <dl className="grid gap-2 text-sm">
        <dt className="text-muted-foreground">Display name</dt>
        <dd>{workspace.displayName}</dd>
        <dt className="text-muted-foreground">Description</dt>
        <dd>{workspace.description || '—'}</dd>
      </dl>
    );
  }
  return (
    <div className="space-y-6">
      <form
        className="space-y-3"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const r = await update.run({ name: workspace.name, displayName: String(f.get('displayName') ?? ''), description: String(f.get('description') ?? '') });
          if (r.ok) toast.success('Workspace saved');
        }}
      >
        <FormField label="Display name" required error={update.fieldErrors.displayName}>
          <Input name="displayName" defaultValue={workspace.displayName} />
        </FormField>
        <FormField label="Description" error={update.fieldErrors.description}>
          <Textarea name="description" rows={3} defaultValue={workspace.description} />
        </FormField>
        <FormError message={update.error} />
        <Button type="submit" variant="secondary" pending={update.pending}>
          Save
        </Button>
      </form>
      <div className="border-t border-border pt-4">
        {workspace.status === 'active' ? (
          <Button variant="danger" onClick={() => setConfirm(true)}>
            Archive workspace…
          </Button>
        ) : (
          <Button
            variant="secondary"
            pending={restore.pending}
            onClick={async () => {
              const r = await restore.run({ name: workspace.name });
              if (r.ok) toast.success('Workspace restored');
              else toast.error(r.error.detail);
            }}
          >
            Restore workspace
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        action="Archive workspace"
        objectName={workspace.name}
        requireTypedName
        consequence="Members lose access to it. Nothing is deleted; an ops admin can restore it."
        confirmLabel="Archive"
        tone="danger"
        onConfirm={async () => {
          const r = await archive.run({ name: workspace.name });
          setConfirm(false);
          if (r.ok) toast.success('Workspace archived');
          else toast.error(r.error.detail);
        }}
      />
    </div>
  );
}

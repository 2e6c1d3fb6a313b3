'use client';

import * as React from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Archive, ArchiveRestore } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { refreshModel } from './model-live';

// Archive / Restore one version, for those who may manage the workspace's models (the pages render nothing
// for the others, and the server refuses anyway). Archiving asks first, naming the version and what changes;
// restoring changes nothing anyone relies on, so it does not ask.

export function VersionArchiveAction({ workspace, name, version, archived, size = 'sm' }: { workspace: string; name: string; version: string; archived: boolean; size?: 'sm' | 'md' }) {
  const queryClient = useQueryClient();
  const archive = useAction('models.archive');
  const restore = useAction('models.restore');
  const ref = `${name}:${version}`;

  async function doArchive() {
    const r = await archive.run({ workspace, name, version });
    if (!r.ok) throw new Error(r.error.detail);
    toast.success(`Version ${ref} archived`);
    await refreshModel(queryClient, workspace, name);
  }

  async function doRestore() {
    const r = await restore.run({ workspace, name, version });
    if (!r.ok) {
      toast.error(`Version ${ref} was not restored: ${r.error.detail}`);
      return;
    }
    toast.success(`Version ${ref} restored`);
    await refreshModel(queryClient, workspace, name);
  }

  if (archived) {
    return (
      <Button variant="secondary" size={size} onClick={doRestore} pending={restore.pending} aria-label={size === 'sm' ? `Restore ${ref}` : undefined}>
        <ArchiveRestore aria-hidden /> Restore
      </Button>
    );
  }
  return (
    <ConfirmDialog
      action="Archive version"
      objectName={ref}
      tone="primary"
      confirmLabel="Archive"
      consequence={
        <>
          The version stays readable with its files’ location and lineage, and a job that names it exactly (
          <span className="font-mono">azureml:{ref}</span>) still gets it. <span className="font-mono">azureml:{name}@latest</span> skips it from now on. Restore brings it back.
        </>
      }
      onConfirm={doArchive}
      trigger={
        <Button variant="secondary" size={size} aria-label={size === 'sm' ? `Archive ${ref}` : undefined}>
          <Archive aria-hidden /> Archive
        </Button>
      }
    />
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Ban, Copy, RotateCcw } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { liveQueries } from '@/components/live/query-keys';

// A job's actions, for those who may submit in its workspace (the page renders none for the others, and the
// server refuses anyway): Clone (into the New job form), Re-run (same document and code, new name; opens the
// new job) and Cancel (confirm; deletes its pods, keeps the record) while it can still change. A sweep's
// trial runs only as part of its sweep: it can be canceled, not cloned or re-run; a sweep's cancel takes its
// trials with it.

export function JobActions({ workspace, name, live, kind = 'job' }: { workspace: string; name: string; live: boolean; kind?: 'job' | 'sweep' | 'trial' }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const cancel = useAction<{ name: string; status: string; statusMessage: string | null }>('jobs.cancel');
  const rerun = useAction<{ name: string; status: string; statusMessage?: string | null }>('jobs.rerun');
  const jobQuery = liveQueries.job(workspace, name);

  async function doRerun() {
    const r = await rerun.run({ workspace, name });
    if (!r.ok) {
      toast.error(`Job ${name} was not run again: ${r.error.detail}`);
      return;
    }
    toast.success(`Job ${r.data.name} submitted (a re-run of ${name})`);
    router.push(`/w/${workspace}/jobs/${encodeURIComponent(r.data.name)}`);
  }

  async function doCancel() {
    const r = await cancel.run({ workspace, name });
    if (!r.ok) throw new Error(r.error.detail);
    toast.success(`Job ${name} canceled`, { description: r.data.statusMessage ?? undefined });
    await queryClient.invalidateQueries({ queryKey: jobQuery.queryKey, exact: true });
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {kind !== 'trial' && (
        <>
          <Button variant="secondary" asChild>
            <Link href={`/w/${workspace}/jobs/new?from=${encodeURIComponent(name)}`}>
              <Copy aria-hidden /> Clone
            </Link>
          </Button>
          <Button variant="secondary" onClick={doRerun} pending={rerun.pending}>
            <RotateCcw aria-hidden /> Re-run
          </Button>
        </>
      )}
      {live && (
        <ConfirmDialog
          action="Cancel job"
          objectName={name}
          dismissLabel="Keep it"
          consequence={
            kind === 'sweep' ? (
              <>
                The sweep starts no more trials, and Harbormaster cancels the ones still running or waiting: their pods are deleted and their logs go
                with them. Every record stays — trials, metrics, the best trial so far — and the sweep shows as <span className="font-medium">Canceled</span>.
              </>
            ) : (
              <>
                Harbormaster deletes its Kubernetes Job and pods: running ranks stop now and their logs go with the pods. The record stays —
                spec, status timeline and what was applied — and the {kind === 'trial' ? 'trial' : 'job'} shows as <span className="font-medium">Canceled</span>.
                {kind === 'trial' ? ' Its sweep goes on with its other trials.' : ''}
              </>
            )
          }
          onConfirm={doCancel}
          trigger={
            <Button variant="danger">
              <Ban aria-hidden /> Cancel job
            </Button>
          }
        />
      )}
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { Copy } from 'lucide-react';
import { PageHeader } from '@/components/ui/page-header';
import { JobEditor } from '@/components/jobs/job-editor';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { jobEditorData } from '@/server/services/jobs-page';
import { getJob } from '@/server/services/jobs-read';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';
import { cloneDocument, type ClonedDocument } from '@/lib/jobs/clone';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'New job' };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

export default async function NewJobPage({ params, searchParams }: { params: Promise<{ workspace: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { workspace } = await params;
  const sp = await searchParams;
  // Anyone who may read the workspace's jobs may open the page (auditors review specs); only data
  // scientists of the workspace and ops admins get Validate / Submit — and the server checks again.
  const { principal } = await requirePermission('jobs.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // ?from=<job>: Clone — start from that job's document (&compute= / &instanceType= put it elsewhere).
  const from = one(sp.from);
  let clone: (ClonedDocument & { from: string }) | null = null;
  let cloneProblem: string | null = null;
  if (from) {
    try {
      const job = await getJob(db, workspace, from);
      clone = { from: job.name, ...cloneDocument(job, { compute: one(sp.compute), instanceType: one(sp.instanceType) }) };
    } catch (e) {
      if (!isAppError(e) || e.code !== 'not_found') throw e;
      cloneProblem = `Job ${from} was not found in ${workspace}: starting from an empty job.`;
    }
  }
  const data = await jobEditorData(db, workspace);
  return (
    <div className="space-y-6">
      <PageHeader
        title={clone ? `New job from ${clone.from}` : 'New job'}
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Jobs', href: `/w/${workspace}/jobs` }, { label: 'New' }]}
        description="An Azure ML CLI v2 command or sweep job, as a form or as YAML. Validate shows the normalized spec, the Kubernetes objects it becomes (checked by the cluster’s API server) and any warnings before anything is created."
      />
      {clone && (
        <div role="note" className="flex items-start gap-2 rounded-md border border-info/40 bg-info-soft px-3 py-2 text-sm text-info-text">
          <Copy aria-hidden className="mt-0.5 size-4 shrink-0" />
          <p>
            A copy of{' '}
            <Link href={`/w/${workspace}/jobs/${encodeURIComponent(clone.from)}`} className="font-mono underline underline-offset-4">
              {clone.from}
            </Link>
            {clone.changes.length ? `: ${clone.changes.join('; ')}.` : '.'} Change what you need, validate, and submit.
          </p>
        </div>
      )}
      {cloneProblem && <p role="alert" className="rounded-md bg-warning-soft px-3 py-2 text-sm text-warning-text">{cloneProblem}</p>}
      <JobEditor
        key={clone ? `${clone.from}:${one(sp.compute) ?? ''}:${one(sp.instanceType) ?? ''}` : 'new'}
        workspace={workspace}
        targets={data.targets}
        environments={data.environments}
        canSubmit={can(principal, 'jobs.submit', workspace)}
        initial={clone ? { yaml: clone.yaml } : undefined}
      />
    </div>
  );
}

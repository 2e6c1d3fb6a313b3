import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { JobEditor } from '@/components/jobs/job-editor';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { jobEditorData } from '@/server/services/jobs-page';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'New job' };

export default async function NewJobPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  // Anyone who may read the workspace's jobs may open the page (auditors review specs); only data
  // scientists of the workspace and ops admins get Validate / Submit — and the server checks again.
  const { principal } = await requirePermission('jobs.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  const data = await jobEditorData(db, workspace);
  return (
    <div className="space-y-6">
      <PageHeader
        title="New job"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Jobs', href: `/w/${workspace}/jobs` }, { label: 'New' }]}
        description="An Azure ML CLI v2 command or sweep job, as a form or as YAML. Validate shows the normalized spec, the Kubernetes objects it becomes (checked by the cluster’s API server) and any warnings before anything is created."
      />
      <JobEditor workspace={workspace} targets={data.targets} environments={data.environments} canSubmit={can(principal, 'jobs.submit', workspace)} />
    </div>
  );
}

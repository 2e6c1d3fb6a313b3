import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { JobOverview } from '@/components/jobs/job-overview';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { getJob } from '@/server/services/jobs-read';
import { getWorkspace } from '@/server/services/workspaces';
import { isAppError } from '@/server/errors';
import { notFound } from 'next/navigation';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function JobPage({ params }: { params: Promise<{ workspace: string; name: string }> }) {
  const { workspace, name: raw } = await params;
  const name = decodeURIComponent(raw);
  const { principal } = await requirePermission('jobs.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  let job;
  try {
    job = await getJob(db, workspace, name);
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  return (
    <div className="space-y-6">
      <PageHeader
        title={job.displayName || job.name}
        status={<StatusBadge kind="job" status={job.status as never} detail={job.statusMessage ?? undefined} />}
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Jobs', href: `/w/${workspace}/jobs` }, { label: job.name }]}
        description={job.experimentName ? `Experiment ${job.experimentName}` : undefined}
      />
      <JobOverview job={job} />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { Plus } from 'lucide-react';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { PageHeader } from '@/components/ui/page-header';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { LiveJobsTable } from '@/components/jobs/live-jobs-table';
import { JOBS_PAGE_SIZE, liveQueries } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listJobs } from '@/server/services/jobs-read';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await params;
  const { principal } = await requirePermission('jobs.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // Rendered here, then handed to react-query in the browser, where the jobs stream keeps it current.
  const queryClient = new QueryClient();
  const { queryKey } = liveQueries.jobs(workspace);
  await queryClient.fetchQuery({ queryKey, queryFn: async () => ({ items: (await listJobs(db, workspace, { limit: JOBS_PAGE_SIZE })).items }) });
  const canSubmit = can(principal, 'jobs.submit', workspace);
  const newJob = (
    <Button asChild>
      <Link href={`/w/${workspace}/jobs/new`}>
        <Plus aria-hidden /> New job
      </Link>
    </Button>
  );
  return (
    <div className="space-y-6">
      <PageHeader
        title="Jobs"
        breadcrumb={[{ label: w.displayName || w.name, href: `/w/${workspace}` }, { label: 'Jobs' }]}
        description="Command and sweep jobs (Azure ML CLI v2) submitted to this workspace’s compute targets, newest first."
        primaryAction={canSubmit ? newJob : undefined}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <LiveJobsTable
          workspace={workspace}
          empty={
            <EmptyState
              title="No jobs yet"
              description="Paste an Azure ML job YAML (or fill in the form), validate it to see the Kubernetes objects it becomes, then submit it."
              action={canSubmit ? newJob : undefined}
            />
          }
        />
      </HydrationBoundary>
    </div>
  );
}

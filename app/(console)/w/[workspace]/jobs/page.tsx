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
import { listJobs, parseJobListQuery } from '@/server/services/jobs-read';
import { listComputeTargets } from '@/server/services/compute-targets';
import { getWorkspace } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';
import { filtersFromParams, filtersToParams } from '@/lib/jobs/list-query';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage({ params, searchParams }: { params: Promise<{ workspace: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { workspace } = await params;
  const { principal, user } = await requirePermission('jobs.read', workspace);
  const db = await getDb();
  const w = await getWorkspace(db, principal, workspace);
  // The filters and order in the URL (lenient: what is not understood is left out), rendered here and handed
  // to react-query in the browser, where the jobs stream keeps the first page current.
  const filters = filtersFromParams(await searchParams);
  const queryClient = new QueryClient();
  const { queryKey } = liveQueries.jobs(workspace, filters);
  const apiQuery = { ...parseJobListQuery(filtersToParams(filters)), limit: JOBS_PAGE_SIZE };
  const [, targets] = await Promise.all([
    queryClient.fetchQuery({ queryKey, queryFn: () => listJobs(db, workspace, apiQuery), retry: false }),
    listComputeTargets(db, workspace),
  ]);
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
        description="Command and sweep jobs (Azure ML CLI v2) submitted to this workspace’s compute targets. Filter and sort them; the list stays live."
        primaryAction={canSubmit ? newJob : undefined}
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <LiveJobsTable
          workspace={workspace}
          computeTargets={targets.map((t) => t.row.name)}
          me={user.email}
          empty={
            <EmptyState
              title="No jobs yet"
              description="Paste an Azure ML job YAML (or fill in the form), validate it to see the Kubernetes objects it becomes, then submit it."
              action={canSubmit ? newJob : undefined}
              className="border-0"
            />
          }
        />
      </HydrationBoundary>
    </div>
  );
}

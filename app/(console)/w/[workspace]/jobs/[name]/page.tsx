import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { JobView } from '@/components/jobs/job-view';
import { liveQueries, TRIALS_PAGE_SIZE } from '@/components/live/query-keys';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { jobDetail, type JobDetailDto } from '@/server/services/job-detail';
import { jobMetricSeries, listTrials } from '@/server/services/sweeps';
import { getWorkspace } from '@/server/services/workspaces';
import { isAppError } from '@/server/errors';
import { can } from '@/lib/rbac/permissions';

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
  // Rendered here, then handed to react-query in the browser, where the job's stream keeps it current.
  const queryClient = new QueryClient();
  let job: JobDetailDto;
  try {
    job = await queryClient.fetchQuery({ queryKey: liveQueries.job(workspace, name).queryKey, queryFn: () => jobDetail(db, workspace, name), retry: false });
  } catch (e) {
    if (isAppError(e) && e.code === 'not_found') notFound();
    throw e;
  }
  // A sweep's trials and what the job reported come with the page too (the browser keeps them current);
  // a failure here only leaves them to the browser.
  await Promise.all([
    job.type === 'sweep' &&
      queryClient.prefetchQuery({ queryKey: liveQueries.trials(workspace, name).queryKey, queryFn: () => listTrials(db, workspace, name, { limit: TRIALS_PAGE_SIZE }), retry: false }),
    queryClient.prefetchQuery({ queryKey: liveQueries.jobMetrics(workspace, name).queryKey, queryFn: () => jobMetricSeries(db, workspace, name), retry: false }),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <JobView workspace={workspace} workspaceLabel={w.displayName || w.name} name={name} canSubmit={can(principal, 'jobs.submit', workspace)} />
    </HydrationBoundary>
  );
}

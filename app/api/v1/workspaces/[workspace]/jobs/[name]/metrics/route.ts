import { apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { jobMetricSeries } from '@/server/services/sweeps';

export const dynamic = 'force-dynamic';

/**
 * What a job reported with `HARBORMASTER_METRIC <name>=<number> [step=<int>]` lines: `{items: [{job, name,
 * points: [{step, value, at}]}], ignoredLines}`. A command job or trial: every metric (?name= one). A sweep: one
 * metric (?name=, default its objective's primary metric) across its trials.
 */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name } = ctx.params;
  requireApiPermission(ctx, 'jobs.read', workspace);
  const metric = ctx.url.searchParams.get('name') ?? undefined;
  if (metric !== undefined && (metric.length === 0 || metric.length > 255)) {
    throw new AppError('bad_request', 'name: must be a metric name of 1 to 255 characters', { fieldErrors: [{ path: 'name', message: '1–255 characters' }] });
  }
  return jobMetricSeries(ctx.db, workspace, name, { metric });
});

import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { listJobs } from '@/server/services/jobs-read';
import { readJobBody, requestOrigin } from '@/server/services/jobs-http';
import type { JobSubmitResult } from '@/server/actions/jobs';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'jobs.read', ctx.params.workspace);
  const limit = Number(ctx.url.searchParams.get('limit') ?? 50);
  return listJobs(ctx.db, ctx.params.workspace, { limit: Number.isFinite(limit) ? limit : 50, cursor: ctx.url.searchParams.get('cursor') ?? undefined });
});

// Body: application/yaml (an Azure ML CLI v2 job file), application/json, or multipart/form-data with the
// code (server/services/jobs-http.ts). ?dryRun=true answers {spec, objects, warnings} and creates nothing.
export const POST = actionRoute('jobs.submit', {
  status: 201,
  readBody: (req) => readJobBody(req),
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace, origin: requestOrigin(ctx) }),
  present: (result) => {
    const { dryRun: _, ...rest } = result as JobSubmitResult;
    return rest;
  },
  presentDryRun: (result) => {
    const r = result as JobSubmitResult;
    return { spec: r.spec, objects: r.objects, warnings: r.warnings, name: r.name, placement: r.placement };
  },
});

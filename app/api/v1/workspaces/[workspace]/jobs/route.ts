import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchList } from '@/server/http/sse';
import { jobSummaryByName, listJobs } from '@/server/services/jobs-read';
import { readJobBody, requestOrigin } from '@/server/services/jobs-http';
import type { JobSubmitResult } from '@/server/actions/jobs';

export const dynamic = 'force-dynamic';

// ?watch=true: the first page (same limit) as ADDED, then each job that changes (DESIGN §4 "Watch").
export const GET = apiHandler(async (ctx) => {
  const workspace = ctx.params.workspace;
  requireApiPermission(ctx, 'jobs.read', workspace);
  const n = Number(ctx.url.searchParams.get('limit') ?? 50);
  const limit = Number.isFinite(n) ? n : 50;
  if (wantsWatch(ctx.url)) {
    await listJobs(ctx.db, workspace, { limit: 1 }); // 404 for a workspace that does not exist, before the stream starts
    return watchList(ctx.req, {
      topics: [`jobs:${workspace}`],
      list: async () => (await listJobs(ctx.db, workspace, { limit })).items,
      load: (name) => jobSummaryByName(ctx.db, workspace, name),
      uid: (j) => j.uid,
      key: (j) => j.name,
    });
  }
  return listJobs(ctx.db, workspace, { limit, cursor: ctx.url.searchParams.get('cursor') ?? undefined });
});

// Body: application/yaml (an Azure ML CLI v2 job file), application/json, or multipart/form-data with the
// code (server/services/jobs-http.ts). ?dryRun=true answers {spec, objects, warnings} and creates nothing.
// 201: the Kubernetes Job exists. 202: recorded (NotStarted) while its cluster cannot be reached; the
// reconciler creates it when the cluster is back. A refusal at apply time is a problem response.
export const POST = actionRoute('jobs.submit', {
  status: (result) => ((result as JobSubmitResult).created ? 201 : 202),
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

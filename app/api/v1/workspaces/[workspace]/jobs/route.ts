import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchList } from '@/server/http/sse';
import { jobMatches, jobSummaryByName, listJobs, parseJobListQuery } from '@/server/services/jobs-read';
import { readJobBody, requestOrigin } from '@/server/services/jobs-http';
import type { JobSubmitResult } from '@/server/actions/jobs';

export const dynamic = 'force-dynamic';

// Filters (status, compute, experiment, createdBy, since/until, q), orderBy (createdAt|status|duration|name,
// optionally :asc/:desc; default createdAt:desc), limit 1–200 and cursor: `{items, next}` (DESIGN §4).
// ?watch=true: the first page of the same query as ADDED, then each job that changes — MODIFIED while it still
// matches, DELETED when it no longer does (DESIGN §4 "Watch").
export const GET = apiHandler(async (ctx) => {
  const workspace = ctx.params.workspace;
  requireApiPermission(ctx, 'jobs.read', workspace);
  const query = parseJobListQuery(ctx.url.searchParams);
  if (wantsWatch(ctx.url)) {
    await listJobs(ctx.db, workspace, { limit: 1 }); // 404 for a workspace that does not exist, before the stream starts
    return watchList(ctx.req, {
      topics: [`jobs:${workspace}`],
      list: async () => (await listJobs(ctx.db, workspace, { ...query, cursor: undefined })).items,
      load: async (name) => {
        const j = await jobSummaryByName(ctx.db, workspace, name);
        return j && jobMatches(j, query) ? j : undefined;
      },
      uid: (j) => j.uid,
      key: (j) => j.name,
    });
  }
  return listJobs(ctx.db, workspace, query);
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

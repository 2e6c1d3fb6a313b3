import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchList } from '@/server/http/sse';
import { getEndpoint, listEndpoints } from '@/server/services/endpoints';
import { readDocumentBody } from '@/server/services/jobs-http';
import type { EndpointWriteResult } from '@/server/actions/endpoints';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

/** Online endpoints of the workspace, `{items}` (no keys); ?watch=true streams changes (state, traffic, deployments). */
export const GET = apiHandler(async (ctx) => {
  const workspace = ctx.params.workspace;
  requireApiPermission(ctx, 'endpoints.read', workspace);
  const items = await listEndpoints(ctx.db, workspace);
  if (!wantsWatch(ctx.url)) return { items };
  return watchList(ctx.req, {
    topics: [`endpoints:${workspace}`],
    list: () => listEndpoints(ctx.db, workspace),
    load: async (name) => {
      try {
        return await getEndpoint(ctx.db, workspace, name);
      } catch (e) {
        if (e instanceof AppError && e.code === 'not_found') return undefined;
        throw e;
      }
    },
    uid: (e) => `${e.cluster}/${e.name}`,
    key: (e) => e.name,
  });
});

/**
 * Create an endpoint: application/yaml (an Azure ML kubernetesOnlineEndpoint file; a managedOnlineEndpoint file
 * with ?compute=<target>) or application/json with the same fields. 201 with the endpoint (never its keys);
 * ?dryRun=true validates and writes nothing; a taken name is a 409.
 */
export const POST = actionRoute('endpoints.create', {
  status: 201,
  readBody: (req) => readDocumentBody(req, { key: 'endpoint', what: 'online endpoint', limit: 2 * 1024 * 1024 }),
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace, ...(ctx.url.searchParams.get('compute') ? { compute: ctx.url.searchParams.get('compute') } : {}) }),
  present: (result) => {
    const { dryRun: _, ...rest } = result as EndpointWriteResult;
    return rest;
  },
  presentDryRun: (result) => {
    const { dryRun: _, ...rest } = result as EndpointWriteResult;
    return { dryRun: true, ...rest };
  },
});

import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchResource } from '@/server/http/sse';
import { getEndpoint } from '@/server/services/endpoints';
import { readDocumentBody } from '@/server/services/jobs-http';
import type { EndpointWriteResult } from '@/server/actions/endpoints';

export const dynamic = 'force-dynamic';

const present = (result: unknown) => {
  const { dryRun: _, ...rest } = result as EndpointWriteResult;
  return rest;
};
const presentDryRun = (result: unknown) => ({ dryRun: true, ...present(result) });

/** One endpoint (no keys); ?watch=true streams it. */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name } = ctx.params;
  requireApiPermission(ctx, 'endpoints.read', workspace);
  if (!wantsWatch(ctx.url)) return getEndpoint(ctx.db, workspace, name);
  return watchResource(ctx.req, { topics: [`endpoints:${workspace}`], load: () => getEndpoint(ctx.db, workspace, name) });
});

/** Replace the endpoint from its file (YAML or JSON): traffic, mirror_traffic, description, tags; compute cannot change. */
export const PUT = actionRoute('endpoints.update', {
  readBody: (req) => readDocumentBody(req, { key: 'endpoint', what: 'online endpoint', limit: 2 * 1024 * 1024 }),
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace, name: ctx.params.name }),
  present,
  presentDryRun,
});

/** Change fields: JSON {"traffic": {"blue": 90, "green": 10}, "mirrorTraffic"?, "description"?, "tags"?}. */
export const PATCH = actionRoute('endpoints.update', {
  input: (body, ctx) => ({ ...(body && typeof body === 'object' ? body : {}), workspace: ctx.params.workspace, name: ctx.params.name }),
  present,
  presentDryRun,
});

/** Delete the endpoint, its deployments and their Kubernetes objects. */
export const DELETE = actionRoute('endpoints.delete', {
  noBody: true,
  input: (_body, ctx) => ({ workspace: ctx.params.workspace, name: ctx.params.name }),
});

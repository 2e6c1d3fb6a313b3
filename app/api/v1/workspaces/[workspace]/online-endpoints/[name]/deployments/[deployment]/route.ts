import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchResource } from '@/server/http/sse';
import { deploymentDetail } from '@/server/services/endpoint-status';
import { readDocumentBody } from '@/server/services/jobs-http';
import { requestOrigin } from '@/server/services/jobs-http';

export const dynamic = 'force-dynamic';

/** One deployment with its replicas (pods) and recent events; ?watch=true streams it. */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name, deployment } = ctx.params;
  requireApiPermission(ctx, 'endpoints.read', workspace);
  const load = () => deploymentDetail(ctx.db, workspace, name, deployment);
  if (!wantsWatch(ctx.url)) return load();
  return watchResource(ctx.req, { topics: [`deployments:${workspace}:${name}`], load, resyncMs: 5000 });
});

/** Update from the file (YAML, JSON or multipart with code); a changed instance_type is rolled out. */
export const PUT = actionRoute('deployments.update', {
  readBody: (req) => readDocumentBody(req, { key: 'deployment', what: 'online deployment' }),
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace, endpoint: ctx.params.name, name: ctx.params.deployment, origin: requestOrigin(ctx) }),
  presentDryRun: (result) => result,
});

/** Delete the deployment and its objects; refused (409) while it takes traffic. */
export const DELETE = actionRoute('deployments.delete', {
  noBody: true,
  input: (_body, ctx) => ({ workspace: ctx.params.workspace, endpoint: ctx.params.name, name: ctx.params.deployment }),
});

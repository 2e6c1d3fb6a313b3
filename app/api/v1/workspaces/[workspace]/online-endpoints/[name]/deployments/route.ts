import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { wantsWatch, watchList } from '@/server/http/sse';
import { getDeployment, getEndpointRecord, listDeployments } from '@/server/services/endpoints';
import { readDocumentBody } from '@/server/services/jobs-http';
import { requestOrigin } from '@/server/services/jobs-http';

export const dynamic = 'force-dynamic';

/** The endpoint's deployments with live state, replicas and reasons, `{items}`; ?watch=true streams changes. */
export const GET = apiHandler(async (ctx) => {
  const { workspace, name } = ctx.params;
  requireApiPermission(ctx, 'endpoints.read', workspace);
  const items = await listDeployments(ctx.db, workspace, name);
  if (!wantsWatch(ctx.url)) return { items };
  await getEndpointRecord(ctx.db, workspace, name);
  return watchList(ctx.req, {
    topics: [`deployments:${workspace}:${name}`, `endpoints:${workspace}`],
    list: () => listDeployments(ctx.db, workspace, name),
    load: async (d) => {
      try {
        return await getDeployment(ctx.db, workspace, name, d);
      } catch (e) {
        if (e instanceof AppError && e.code === 'not_found') return undefined;
        throw e;
      }
    },
    uid: (d) => `${d.endpoint}/${d.name}`,
    key: (d) => d.name,
    resyncMs: 5000,
  });
});

/**
 * Create a deployment: application/yaml (kubernetesOnlineDeployment; managedOnlineDeployment mapped), JSON, or
 * multipart/form-data with the document as `deployment` and the scoring code folder's files (or `code` as a
 * zip/tar.gz). 201 with {deployment, objects, warnings}; ?dryRun=true answers the Kubernetes objects.
 */
export const POST = actionRoute('deployments.create', {
  status: 201,
  readBody: (req) => readDocumentBody(req, { key: 'deployment', what: 'online deployment' }),
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace, endpoint: ctx.params.name, origin: requestOrigin(ctx) }),
  presentDryRun: (result) => result,
});

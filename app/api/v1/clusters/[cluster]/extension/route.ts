import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { getExtensionView } from '@/server/services/extension';

export const dynamic = 'force-dynamic';

/** Settings, status (notInstalled | installing | installed | failed) and step-by-step progress. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return getExtensionView(ctx.db, await getClusterRow(ctx.db, ctx.params.cluster));
});

const withName = (body: unknown, ctx: { params: Record<string, string> }) => ({ ...(body as object), name: ctx.params.cluster });
/** Install or upgrade with settings: answers 202 with the recorded steps; GET shows the progress. */
export const PUT = actionRoute('clusters.extension.install', { status: 202, allowYaml: true, input: withName });
export const POST = actionRoute('clusters.extension.install', { status: 202, allowYaml: true, input: withName });

/** Uninstall; `?purge=true` also deletes the InstanceType CRD (and every instance type), the workload role and the namespace. */
export const DELETE = actionRoute('clusters.extension.uninstall', {
  noBody: true,
  input: (_b, ctx) => ({ name: ctx.params.cluster, purge: ctx.url.searchParams.get('purge') === 'true' }),
});

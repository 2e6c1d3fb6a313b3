import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchResource } from '@/server/http/sse';
import { findClusterRow, getClusterRow } from '@/server/services/clusters';
import { getExtensionView } from '@/server/services/extension';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

/** Settings, status (notInstalled | installing | installed | failed) and step-by-step progress. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  const row = await getClusterRow(ctx.db, ctx.params.cluster);
  if (wantsWatch(ctx.url)) {
    // The installer publishes `extension:<cluster>` each time it saves a step. What changes without a notice
    // (the workloads the view detects on the cluster, an operation committed before the installer's first
    // save) is caught by a re-read every 5 s; only a changed view is sent. The row is re-read each time.
    return watchResource(ctx.req, {
      topics: [`extension:${row.name}`],
      load: async () => getExtensionView(ctx.db, (await findClusterRow(ctx.db, row.name)) ?? row),
      resyncMs: 5000,
    });
  }
  return getExtensionView(ctx.db, row);
});

const withName = (body: unknown, ctx: { params: Record<string, string> }) => ({ ...(body as object), name: ctx.params.cluster });
/** Install or upgrade with settings: answers 202 with the recorded steps; GET shows the progress. */
export const PUT = actionRoute('clusters.extension.install', { status: 202, readBody: jsonOrYamlBody('extension settings YAML'), input: withName });
export const POST = actionRoute('clusters.extension.install', { status: 202, readBody: jsonOrYamlBody('extension settings YAML'), input: withName });

/** Uninstall; `?purge=true` also deletes the InstanceType CRD (and every instance type), the workload role and the namespace. */
export const DELETE = actionRoute('clusters.extension.uninstall', {
  noBody: true,
  input: (_b, ctx) => ({ name: ctx.params.cluster, purge: ctx.url.searchParams.get('purge') === 'true' }),
});

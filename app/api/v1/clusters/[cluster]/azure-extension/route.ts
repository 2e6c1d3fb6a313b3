import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { jsonOrYamlBody } from '@/server/http/body';
import { getClusterRow } from '@/server/services/clusters';
import { getAzureExtensionView } from '@/server/azure/extension';

export const dynamic = 'force-dynamic';

/** Azure ML's extension through ARM: provider, provisioning state, statuses, settings (protected ones by name only). */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return getAzureExtensionView(ctx.db, await getClusterRow(ctx.db, ctx.params.cluster));
});

const withName = (body: unknown, ctx: { params: Record<string, string> }) => ({ ...(body as object), name: ctx.params.cluster });

/** Install (ARM PUT: create or replace). 202: the operation runs after commit; follow it with GET. */
export const PUT = actionRoute('clusters.azureExtension.install', { status: 202, readBody: jsonOrYamlBody('extension settings YAML'), input: withName });
/** Change the settings of the installed extension (ARM PATCH; a new certificate and key replace the protected settings). */
export const PATCH = actionRoute('clusters.azureExtension.update', { status: 202, readBody: jsonOrYamlBody('extension settings YAML'), input: withName });
/** Remove it through ARM (202). */
export const DELETE = actionRoute('clusters.azureExtension.remove', { status: 202, noBody: true, input: (_b, ctx) => ({ name: ctx.params.cluster }) });

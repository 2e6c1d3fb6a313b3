import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { instanceTypeSourceFromBody, listClusterInstanceTypes } from '@/server/services/instance-types';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

/** Every instance type of the cluster (defaultinstancetype always listed), each with its live fit. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return listClusterInstanceTypes(ctx.db, await getClusterRow(ctx.db, ctx.params.cluster));
});

/**
 * Create or update (upsert) from an InstanceType or InstanceTypeList (JSON or `Content-Type: application/yaml`),
 * or the console's form fields. A list with one bad item is refused whole; `?dryRun=true` validates everything,
 * including the API server's server-side dry run, and answers with the fit warnings.
 */
export const POST = actionRoute('instancetypes.apply', { readBody: jsonOrYamlBody('instance type YAML'), input: (body, ctx) => ({ ...instanceTypeSourceFromBody(body), cluster: ctx.params.cluster }) });

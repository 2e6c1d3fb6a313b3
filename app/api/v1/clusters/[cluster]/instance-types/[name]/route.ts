import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { getClusterRow } from '@/server/services/clusters';
import { getClusterInstanceType, instanceTypeSourceFromBody } from '@/server/services/instance-types';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  return getClusterInstanceType(ctx.db, await getClusterRow(ctx.db, ctx.params.cluster), ctx.params.name);
});

/** Replace one instance type (same body forms as POST on the collection); the name cannot change. */
export const PUT = actionRoute('instancetypes.update', {
  readBody: jsonOrYamlBody('instance type YAML'),
  input: (body, ctx) => ({ ...instanceTypeSourceFromBody(body), cluster: ctx.params.cluster, name: ctx.params.name }),
});

export const DELETE = actionRoute('instancetypes.delete', { noBody: true, input: (_b, ctx) => ({ cluster: ctx.params.cluster, name: ctx.params.name }) });

import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/**
 * Attach a registered AKS or Arc cluster to the workspace's linked Azure ML workspace as Kubernetes compute (ops
 * admins): {name, cluster, namespace?, defaultInstanceType?, instanceTypes?, description?}. Detach with
 * DELETE /api/v1/workspaces/{workspace}/computes/{name}, as any compute target.
 */
export const POST = actionRoute('compute.attachAzure', { status: 201, input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace }) });

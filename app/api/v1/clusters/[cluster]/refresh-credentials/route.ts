import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** Fetch the kubeconfig again from Azure (clusters registered from Azure only). */
export const POST = actionRoute('clusters.refreshAzureCredentials', { noBody: true, input: (_b, ctx) => ({ name: ctx.params.cluster }) });

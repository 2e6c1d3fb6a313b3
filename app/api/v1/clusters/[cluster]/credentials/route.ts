import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** New kubeconfig / context (checked before it replaces the stored one). Never readable back. */
export const PUT = actionRoute('clusters.updateCredentials', { allowYaml: true, input: (body, ctx) => ({ ...(body as object), name: ctx.params.cluster }) });

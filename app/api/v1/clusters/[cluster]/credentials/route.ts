import { actionRoute } from '@/server/http/api';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

/** New kubeconfig / context (checked before it replaces the stored one). Never readable back. */
export const PUT = actionRoute('clusters.updateCredentials', { readBody: jsonOrYamlBody('credentials YAML'), input: (body, ctx) => ({ ...(body as object), name: ctx.params.cluster }) });

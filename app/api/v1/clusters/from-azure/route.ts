import { actionRoute } from '@/server/http/api';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

/** Register an AKS or Arc cluster from Azure: the kubeconfig comes from ARM (never returned). */
export const POST = actionRoute('clusters.registerFromAzure', { status: 201, readBody: jsonOrYamlBody('cluster YAML') });

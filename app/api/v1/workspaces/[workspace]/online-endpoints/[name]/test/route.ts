import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/**
 * Send one scoring request through the router with the endpoint's key: JSON {"body": "<request JSON as text>",
 * "deployment"?: "<name>"}. Answers {outcome, status, latencyMs, headers, body} (outcome "simulated" on a KWOK cluster).
 */
export const POST = actionRoute('endpoints.test', {
  input: (body, ctx) => ({ ...(body && typeof body === 'object' ? body : {}), workspace: ctx.params.workspace, name: ctx.params.name }),
});

import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** JSON {"keyType": "primary" | "secondary"}: a new key replaces that one; the router stops accepting the old. */
export const POST = actionRoute('endpoints.regenerateKeys', {
  input: (body, ctx) => ({ ...(body && typeof body === 'object' ? body : {}), workspace: ctx.params.workspace, name: ctx.params.name }),
});

import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** Restore a model version (no body); answers the version. */
export const POST = actionRoute('models.restore', {
  noBody: true,
  input: (_body, ctx) => ({ workspace: ctx.params.workspace, name: ctx.params.name, version: ctx.params.version }),
});

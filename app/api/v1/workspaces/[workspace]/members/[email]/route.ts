import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

export const DELETE = actionRoute('members.remove', {
  noBody: true,
  input: (_b, ctx) => ({ workspace: ctx.params.workspace, email: decodeURIComponent(ctx.params.email) }),
});

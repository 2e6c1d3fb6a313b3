import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

export const POST = actionRoute('users.resetPassword', {
  input: (body, ctx) => ({ ...(body as object), email: decodeURIComponent(ctx.params.email) }),
});

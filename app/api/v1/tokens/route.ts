import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { listTokens } from '@/server/auth/tokens';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'self.tokens');
  return { items: await listTokens(ctx.db, ctx.user!.id) };
});

export const POST = actionRoute('tokens.create', { status: 201 });

import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { listUsersWithWorkspaces } from '@/server/services/users';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'users.read');
  return { items: await listUsersWithWorkspaces(ctx.db) };
});

export const POST = actionRoute('users.create', { status: 201 });

import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { findUserByEmail, membershipNames, userDto } from '@/server/auth/users';
import { AppError } from '@/server/errors';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'users.read');
  const u = await findUserByEmail(ctx.db, decodeURIComponent(ctx.params.email));
  if (!u) throw new AppError('not_found', `user ${ctx.params.email} not found`);
  return userDto(u, await membershipNames(ctx.db, u.id));
});

/** PATCH {globalRole} and/or {status: active|disabled}: each is its own audited action. */
export const PATCH = actionRoute('users.setRole', {
  input: (body, ctx) => ({ ...(body as object), email: decodeURIComponent(ctx.params.email) }),
});

export const DELETE = actionRoute('users.disable', { noBody: true, input: (_b, ctx) => ({ email: decodeURIComponent(ctx.params.email) }) });


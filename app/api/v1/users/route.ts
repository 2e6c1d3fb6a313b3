import { asc } from 'drizzle-orm';
import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { users } from '@/server/db/schema';
import { membershipNames, userDto } from '@/server/auth/users';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'users.read');
  const rows = await ctx.db.select().from(users).orderBy(asc(users.email));
  return { items: await Promise.all(rows.map(async (u) => userDto(u, await membershipNames(ctx.db, u.id)))) };
});

export const POST = actionRoute('users.create', { status: 201 });

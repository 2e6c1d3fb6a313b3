import { apiHandler } from '@/server/http/api';
import { userDto } from '@/server/auth/users';
import { effectiveRole } from '@/lib/rbac/permissions';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async ({ user, principal }) => ({
  ...userDto(user!, [...principal!.memberOf]),
  role: effectiveRole(principal!),
}));

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { verifyAuditChain } from '@/server/audit/audit';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  return verifyAuditChain(ctx.db);
});

import { apiHandler, requireApiPermission } from '@/server/http/api';
import { csvResponse, exportFormat, parseSharingFilter, sharingCsv, sharingMap } from '@/server/services/sharing';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/audit/sharing[?location=cloud|on-prem|edge&cluster=&workspace=][&format=json|csv]: which workspaces run
 * on which clusters through which compute targets, with quotas, usage and flags (auditors and ops admins).
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'access.read');
  const format = exportFormat(ctx.url.searchParams);
  const map = await sharingMap(ctx.db, parseSharingFilter(ctx.url.searchParams));
  return format === 'csv' ? csvResponse(sharingCsv(map), 'sharing') : map;
});

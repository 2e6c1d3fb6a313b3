import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** {primaryKey, secondaryKey} (permission endpoints.keys; auditors are refused). The read is audited. */
export const POST = actionRoute('endpoints.listKeys', {
  noBody: true,
  noReplay: true,
  input: (_body, ctx) => ({ workspace: ctx.params.workspace, name: ctx.params.name }),
});

import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

export const DELETE = actionRoute('tokens.revoke', { noBody: true, input: (_b, ctx) => ({ id: ctx.params.id }) });

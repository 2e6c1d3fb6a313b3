import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

export const POST = actionRoute('jobs.cancel', { noBody: true, input: (_body, ctx) => ({ workspace: ctx.params.workspace, name: ctx.params.name }) });

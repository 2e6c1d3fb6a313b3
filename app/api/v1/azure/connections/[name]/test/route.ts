import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** Gets a token and lists the subscriptions; answers which steps worked (200 either way). */
export const POST = actionRoute('azureConnections.test', { noBody: true, input: (_b, ctx) => ({ name: ctx.params.name }) });

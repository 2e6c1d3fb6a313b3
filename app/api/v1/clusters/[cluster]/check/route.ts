import { actionRoute } from '@/server/http/api';

export const dynamic = 'force-dynamic';

/** Runs the registration checks again and stores the result. */
export const POST = actionRoute('clusters.check', { noBody: true, input: (_b, ctx) => ({ name: ctx.params.cluster }) });

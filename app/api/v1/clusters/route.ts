import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { wantsWatch, watchList } from '@/server/http/sse';
import { findClusterRow } from '@/server/services/clusters';
import { clusterSummary, listClusterSummaries } from '@/server/services/clusters-view';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

/** Every cluster with health, version, pools and extension status; unreachable ones are also named in `errors`. */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'clusters.read');
  if (wantsWatch(ctx.url)) {
    // Reachability and capacity change without a notice (an API server stops answering): re-read every 2 s,
    // only what changed is sent. Summaries carry no id, so the name is the uid.
    return watchList(ctx.req, {
      topics: ['clusters'],
      list: async () => (await listClusterSummaries(ctx.db)).items,
      load: async (name) => {
        const row = await findClusterRow(ctx.db, name);
        return row ? clusterSummary(ctx.db, row) : undefined;
      },
      uid: (c) => c.name,
      key: (c) => c.name,
      resyncMs: 2000,
    });
  }
  return listClusterSummaries(ctx.db);
});

export const POST = actionRoute('clusters.register', { status: 201, readBody: jsonOrYamlBody('cluster YAML') });

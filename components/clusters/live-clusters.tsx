'use client';

import * as React from 'react';
import { useQuery } from '@tanstack/react-query';
import { useRowHighlights } from '@/components/ui/data-table-parts';
import { ErrorState } from '@/components/ui/error-state';
import { PartialBanner } from '@/components/ui/partial-banner';
import { liveQueries } from '@/components/live/query-keys';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import { useWatch } from '@/components/live/use-watch';
import { LivePausedBanner, WatchIndicator } from '@/components/live/live-status';
import type { ClusterSummaryDto } from '@/server/services/clusters-view';
import { ClustersTable } from './clusters-table';

export type ClusterListData = { items: ClusterSummaryDto[]; errors?: Array<{ source: string; message: string }> };

/** Clusters that cannot be reached, as the list's `errors` names them (recomputed as the stream changes items). */
export function unreachableErrors(items: ClusterSummaryDto[]) {
  return items.filter((c) => c.status === 'Unreachable').map((c) => ({ source: c.name, message: c.statusReason ?? 'unreachable' }));
}

/**
 * The clusters page's list: rendered on the server, hydrated into react-query, kept current by the clusters
 * stream (health, reachability, capacity, extension status). Summaries have no uid: the name is the key.
 */
export function LiveClusters({ empty }: { empty?: React.ReactNode }) {
  const query = liveQueries.clusters();
  const clusters = useQuery({ queryKey: query.queryKey, queryFn: () => fetchJson<ClusterListData>(query.url) });
  const [highlighted, flash] = useRowHighlights();
  const watch = useWatch<ClusterSummaryDto>({
    query,
    kind: 'list',
    uid: (c) => c.name,
    onEvent: (ev, { changed }) => {
      if (changed && ev.type !== 'DELETED') flash(ev.object.name);
    },
  });
  if (!clusters.data && clusters.error) {
    const e = clusters.error as FetchError;
    return <ErrorState problem={{ title: 'The clusters could not be loaded', detail: e.message, status: e.status, requestId: e.requestId }} onRetry={() => void clusters.refetch()} />;
  }
  const items = clusters.data?.items ?? [];
  return (
    <div className="grid gap-3">
      <LivePausedBanner watch={watch} />
      <PartialBanner errors={unreachableErrors(items)} total={items.length} />
      <ClustersTable clusters={items} empty={empty} toolbar={<WatchIndicator watch={watch} />} highlightedRowIds={highlighted} />
    </div>
  );
}

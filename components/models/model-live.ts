'use client';

import { useQueryClient } from '@tanstack/react-query';
import { liveQueries } from '@/components/live/query-keys';
import { useWatch, type UseWatchResult } from '@/components/live/use-watch';
import type { ModelSummaryDto } from '@/server/services/models';

// A model's pages stay current through the workspace's models stream (topic models:<ws>, the only stream the
// registry has): when it reports this model — a version registered by a job, archived or restored elsewhere —
// its versions and the open version are read again.

/** Everything cached about one model (its versions, each version), for after a change. */
export function refreshModel(queryClient: ReturnType<typeof useQueryClient>, workspace: string, name: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: liveQueries.modelVersions(workspace, name).queryKey }),
    queryClient.invalidateQueries({ queryKey: ['workspace-model-version', workspace, name] }),
    queryClient.invalidateQueries({ queryKey: ['workspace-models', workspace] }),
  ]);
}

export function useModelWatch(workspace: string, name: string): UseWatchResult {
  const queryClient = useQueryClient();
  return useWatch<ModelSummaryDto>({
    query: liveQueries.models(workspace, name),
    kind: 'list',
    onEvent: (ev, { changed }) => {
      if (changed && ev.object.name === name) {
        void queryClient.invalidateQueries({ queryKey: liveQueries.modelVersions(workspace, name).queryKey });
        void queryClient.invalidateQueries({ queryKey: ['workspace-model-version', workspace, name] });
      }
    },
  });
}

import type { QueryKey } from '@tanstack/react-query';

// The react-query keys and REST URLs of the live pages, shared by the server pages (which prefetch into a
// QueryClient and hand it over with <HydrationBoundary>) and the client components that read them with
// useQuery and keep them current with useWatch. No 'use client': server components import this too.

export interface LiveQuery {
  queryKey: QueryKey;
  /** The GET that fills the query; the same URL with ?watch=true streams its changes. */
  url: string;
}

/** How many jobs the jobs page shows (and the stream re-syncs). */
export const JOBS_PAGE_SIZE = 200;

export const liveQueries = {
  jobs: (workspace: string): LiveQuery => ({
    queryKey: ['workspace-jobs', workspace],
    url: `/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs?limit=${JOBS_PAGE_SIZE}`,
  }),
  clusters: (): LiveQuery => ({ queryKey: ['cluster-list'], url: '/api/v1/clusters' }),
  extension: (cluster: string): LiveQuery => ({
    queryKey: ['cluster-extension', cluster],
    url: `/api/v1/clusters/${encodeURIComponent(cluster)}/extension`,
  }),
};

import type { QueryKey } from '@tanstack/react-query';
import { filtersToParams, jobsApiUrl, NO_FILTERS, type JobListFilters } from '@/lib/jobs/list-query';

// The react-query keys and REST URLs of the live pages, shared by the server pages (which prefetch into a
// QueryClient and hand it over with <HydrationBoundary>) and the client components that read them with
// useQuery and keep them current with useWatch. No 'use client': server components import this too.

export interface LiveQuery {
  queryKey: QueryKey;
  /** The GET that fills the query; the same URL with ?watch=true streams its changes. */
  url: string;
}

/** How many jobs a page of the jobs list holds (the first page is the one the stream keeps current). */
export const JOBS_PAGE_SIZE = 100;

export const liveQueries = {
  /** The first page of a workspace's jobs for these filters and order (the page URL's query string). */
  jobs: (workspace: string, filters: JobListFilters = NO_FILTERS): LiveQuery => ({
    queryKey: ['workspace-jobs', workspace, filtersToParams(filters).toString()],
    url: jobsApiUrl(workspace, filters, { limit: JOBS_PAGE_SIZE }),
  }),
  /** One job with its live detail (ranks, events, why pending); ?watch=true streams it whole. */
  job: (workspace: string, name: string): LiveQuery => ({
    queryKey: ['workspace-job', workspace, name],
    url: `/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs/${encodeURIComponent(name)}`,
  }),
  clusters: (): LiveQuery => ({ queryKey: ['cluster-list'], url: '/api/v1/clusters' }),
  extension: (cluster: string): LiveQuery => ({
    queryKey: ['cluster-extension', cluster],
    url: `/api/v1/clusters/${encodeURIComponent(cluster)}/extension`,
  }),
};

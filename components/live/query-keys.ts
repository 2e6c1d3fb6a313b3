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

/** How many trials of a sweep its page reads and watches (the trials API's largest page). */
export const TRIALS_PAGE_SIZE = 500;

/** How many models the models list reads and watches (the models API's largest page). */
export const MODELS_PAGE_SIZE = 200;

const ws = (workspace: string) => `/api/v1/workspaces/${encodeURIComponent(workspace)}`;

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
  /** A sweep's trials by index (one page of up to TRIALS_PAGE_SIZE, the page its stream keeps current). */
  trials: (workspace: string, sweep: string): LiveQuery => ({
    queryKey: ['workspace-job-trials', workspace, sweep],
    url: `/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs/${encodeURIComponent(sweep)}/trials?limit=${TRIALS_PAGE_SIZE}`,
  }),
  /** What a job reported with HARBORMASTER_METRIC lines (a sweep: its primary metric across its trials). Not streamed: refetched. */
  jobMetrics: (workspace: string, name: string): LiveQuery => ({
    queryKey: ['workspace-job-metrics', workspace, name],
    url: `/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs/${encodeURIComponent(name)}/metrics`,
  }),
  /** A workspace's models by name, each with its latest version (`q`: part of the name); ?watch=true streams changes. */
  models: (workspace: string, q = ''): LiveQuery => ({
    queryKey: ['workspace-models', workspace, q],
    url: `${ws(workspace)}/models?limit=${MODELS_PAGE_SIZE}${q ? `&q=${encodeURIComponent(q)}` : ''}`,
  }),
  /** A model's versions, newest first. Not streamed itself: refetched when the models stream reports the model. */
  modelVersions: (workspace: string, name: string): LiveQuery => ({
    queryKey: ['workspace-model-versions', workspace, name],
    url: `${ws(workspace)}/models/${encodeURIComponent(name)}/versions?limit=200`,
  }),
  /** One model version with its lineage; refetched like the versions. */
  modelVersion: (workspace: string, name: string, version: string): LiveQuery => ({
    queryKey: ['workspace-model-version', workspace, name, version],
    url: `${ws(workspace)}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`,
  }),
  clusters: (): LiveQuery => ({ queryKey: ['cluster-list'], url: '/api/v1/clusters' }),
  extension: (cluster: string): LiveQuery => ({
    queryKey: ['cluster-extension', cluster],
    url: `/api/v1/clusters/${encodeURIComponent(cluster)}/extension`,
  }),
};

import type { LiveQuery } from '@/components/live/query-keys';

// The react-query keys and REST URLs of the endpoint pages, shared by the server pages (which prefetch into a
// QueryClient and hand it over with <HydrationBoundary>) and the client components that read them with
// useQuery and keep them current with useWatch (the same URL with ?watch=true). No 'use client'.

const base = (workspace: string) => `/api/v1/workspaces/${encodeURIComponent(workspace)}/online-endpoints`;

export const endpointQueries = {
  /** A workspace's online endpoints, `{items}`. */
  endpoints: (workspace: string): LiveQuery => ({ queryKey: ['workspace-endpoints', workspace], url: base(workspace) }),
  /** One endpoint (no keys). */
  endpoint: (workspace: string, name: string): LiveQuery => ({ queryKey: ['workspace-endpoint', workspace, name], url: `${base(workspace)}/${encodeURIComponent(name)}` }),
  /** An endpoint's deployments with live state and replicas, `{items}`. */
  deployments: (workspace: string, endpoint: string): LiveQuery => ({
    queryKey: ['workspace-endpoint-deployments', workspace, endpoint],
    url: `${base(workspace)}/${encodeURIComponent(endpoint)}/deployments`,
  }),
  /** One deployment with its replicas, events and why replicas wait. */
  deployment: (workspace: string, endpoint: string, name: string): LiveQuery => ({
    queryKey: ['workspace-endpoint-deployment', workspace, endpoint, name],
    url: `${base(workspace)}/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(name)}`,
  }),
};

/** The REST collection a deployment document is validated against (`?dryRun=true`). */
export const deploymentsUrl = (workspace: string, endpoint: string) => `${base(workspace)}/${encodeURIComponent(endpoint)}/deployments`;
export const endpointsUrl = base;

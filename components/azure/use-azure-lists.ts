'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson, FetchError } from '@/components/live/fetch-json';
import type { ProblemLike } from '@/components/ui/error-state';
import type { AzureClusterDto, MlWorkspaceDto, SubscriptionDto } from '@/server/azure/discovery';

// ARM lists through a connection, read by the browser from /api/v1/azure (the session cookie authenticates; a
// "signed-in user" connection acts as this browser's Microsoft sign-in). ARM is slow and may refuse or throttle:
// each list has its own loading and error state.

export type { SubscriptionDto as SubscriptionItem, MlWorkspaceDto as MlWorkspaceItem, AzureClusterDto as AzureClusterItem } from '@/server/azure/discovery';

const base = (connection: string) => `/api/v1/azure/connections/${encodeURIComponent(connection)}`;
// ARM answers change rarely while a page is open; the SDK already waited out any Retry-After before answering.
const armQuery = { staleTime: 60_000, retry: false } as const;

export function useSubscriptions(connection: string | undefined) {
  return useQuery({
    queryKey: ['azure', connection, 'subscriptions'],
    queryFn: () => fetchJson<{ items: SubscriptionDto[] }>(`${base(connection!)}/subscriptions`).then((r) => r.items),
    enabled: !!connection,
    ...armQuery,
  });
}

export function useMlWorkspaces(connection: string | undefined, subscription: string | undefined) {
  return useQuery({
    queryKey: ['azure', connection, 'workspaces', subscription],
    queryFn: () => fetchJson<{ items: MlWorkspaceDto[] }>(`${base(connection!)}/workspaces?subscription=${encodeURIComponent(subscription!)}`).then((r) => r.items),
    enabled: !!connection && !!subscription,
    ...armQuery,
  });
}

export function useAzureClusters(connection: string | undefined, subscription: string | undefined) {
  return useQuery({
    queryKey: ['azure', connection, 'clusters', subscription],
    queryFn: () => fetchJson<{ items: AzureClusterDto[]; errors: Array<{ kind: 'aks' | 'arc'; code: string; message: string }> }>(`${base(connection!)}/clusters?subscription=${encodeURIComponent(subscription!)}`),
    enabled: !!connection && !!subscription,
    ...armQuery,
  });
}

/** A failed ARM read, for <ErrorState>: the server's sentence (role to assign, throttling, outage) and the request id. */
export function armProblem(error: unknown, title: string): ProblemLike {
  const e = error as Partial<FetchError> & { message?: string };
  return { title, detail: e?.message, status: e instanceof FetchError ? e.status : undefined, requestId: e instanceof FetchError ? e.requestId : undefined };
}

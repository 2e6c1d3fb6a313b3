import { QueryClient } from '@tanstack/react-query';

/** The HTTP status carried by an error, if any (fetch helpers attach `status`; some wrap `response`). */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; response?: { status?: unknown } };
  if (typeof e.status === 'number') return e.status;
  if (typeof e.response?.status === 'number') return e.response.status;
  return undefined;
}

/**
 * Retry once for network and 5xx failures; never for 4xx — a bad request, a missing object or a denied
 * permission will not change by asking again, and retrying only delays the error state.
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = errorStatus(error);
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < 1;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live pages get pushed updates over SSE; 30 s keeps navigation back and forth free of refetches.
        staleTime: 30_000,
        retry: shouldRetry,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

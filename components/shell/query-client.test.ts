import { describe, expect, it } from 'vitest';
import { errorStatus, makeQueryClient, shouldRetry } from './query-client';

describe('query retries', () => {
  it('never retries a 4xx: the answer will not change', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(shouldRetry(0, Object.assign(new Error('x'), { status }))).toBe(false);
    }
    expect(shouldRetry(0, { response: { status: 404 } })).toBe(false);
  });

  it('retries network failures and 5xx exactly once', () => {
    expect(shouldRetry(0, new TypeError('fetch failed'))).toBe(true);
    expect(shouldRetry(1, new TypeError('fetch failed'))).toBe(false);
    expect(shouldRetry(0, { status: 503 })).toBe(true);
    expect(shouldRetry(1, { status: 503 })).toBe(false);
  });

  it('reads the status from common error shapes', () => {
    expect(errorStatus({ status: 502 })).toBe(502);
    expect(errorStatus({ status: '502' })).toBeUndefined();
    expect(errorStatus(null)).toBeUndefined();
  });

  it('configures 30 s freshness and the retry rule by default', () => {
    const q = makeQueryClient().getDefaultOptions().queries;
    expect(q?.staleTime).toBe(30_000);
    expect(q?.retry).toBe(shouldRetry);
  });
});

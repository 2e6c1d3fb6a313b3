import { describe, expect, it } from 'vitest';
import { namespaceQuotaLeft, namespaceUsage, quotaLeftFromUsage } from './compute-targets-view';

const pod = (namespace: string, phase: string, requests: Record<string, number>) => ({ namespace, name: 'p', nodeName: 'n', phase, requests, ready: true, restarts: 0, labels: {} });

describe('usage and quota left', () => {
  it('sums the requests of running and pending pods of the namespace only', () => {
    const pods = [pod('a', 'Running', { cpu: 0.5, memory: 2 ** 30, 'nvidia.com/gpu': 1 }), pod('a', 'Pending', { cpu: 1.25 }), pod('a', 'Succeeded', { cpu: 8 }), pod('b', 'Running', { cpu: 4 })];
    expect(namespaceUsage(pods, 'a')).toEqual({ cpu: 1.75, memory: 2 ** 30, gpu: 1, pods: 2 });
  });
  it('takes the smallest room across every ResourceQuota of the namespace', () => {
    const q = (name: string, hard: Record<string, string>, used: Record<string, string>) => ({ namespace: 'a', name, labels: {}, hard, used });
    expect(namespaceQuotaLeft([q('ours', { 'requests.cpu': '8', pods: '10' }, { 'requests.cpu': '2', pods: '3' }), q('theirs', { 'requests.cpu': '4' }, { 'requests.cpu': '1' })], 'a')).toEqual({ cpu: 3, pods: 7 });
    expect(namespaceQuotaLeft([], 'a')).toBeUndefined();
  });
  it('falls back to the stored quota minus usage', () => {
    expect(quotaLeftFromUsage({ cpu: '4', gpu: '2' }, { cpu: 5, memory: 0, gpu: 1, pods: 3 })).toEqual({ cpu: 0, gpu: 1 });
    expect(quotaLeftFromUsage(null, { cpu: 1, memory: 0, gpu: 0, pods: 1 })).toBeUndefined();
  });
});

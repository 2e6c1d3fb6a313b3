import { describe, expect, it } from 'vitest';
import { leanEvent, leanPod, podProblem } from './cache';

const pod = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ metadata: { name: 'p', namespace: 'azureml', labels: { 'app.kubernetes.io/name': 'azureml-fe', 'pod-template-hash': 'abc' } }, spec, status });

describe('why a pod is not ready', () => {
  it('names the scheduler\'s reason for an unschedulable pod', () => {
    const p = podProblem(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/6 nodes are available: 3 node(s) didn\'t match pod anti-affinity rules' }] }));
    expect(p).toEqual({ reason: 'Unschedulable', message: expect.stringMatching(/anti-affinity/) });
  });
  it('names image pull failures and crash loops with the last exit code', () => {
    expect(podProblem(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }], containerStatuses: [{ name: 'router', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:nope"' } } }] })))
      .toMatchObject({ reason: 'ImagePullBackOff', container: 'router', message: 'Back-off pulling image "nginx:nope"' });
    expect(podProblem(pod({ phase: 'Running', containerStatuses: [{ name: 'router', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }] })))
      .toMatchObject({ reason: 'CrashLoopBackOff', message: 'back-off 10s (last exit code 1, Error)' });
  });
  it('says nothing about a Ready pod', () => {
    expect(podProblem(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }))).toBeUndefined();
  });
});

describe('lean objects', () => {
  it('keeps only what fit and health need from a pod', () => {
    const l = leanPod(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ restartCount: 2 }] }, { nodeName: 'n1', containers: [{ resources: { requests: { cpu: '250m', memory: '128Mi' } } }] }));
    expect(l).toMatchObject({ nodeName: 'n1', ready: true, restarts: 2, requests: { cpu: 0.25, memory: 128 * 2 ** 20 } });
    expect(l.labels).toEqual({ 'app.kubernetes.io/name': 'azureml-fe' });
  });
  it('reads series events and old-style events alike', () => {
    const e = leanEvent({ metadata: { uid: 'u', namespace: 'azureml' }, type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', involvedObject: { kind: 'Pod', name: 'p' }, series: { count: 4, lastObservedTime: '2026-01-01T00:00:00Z' } });
    expect(e).toMatchObject({ count: 4, last: Date.parse('2026-01-01T00:00:00Z'), object: { kind: 'Pod', name: 'p' } });
  });
});

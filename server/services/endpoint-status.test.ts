// A deployment's state as a data scientist reads it, from its Kubernetes Deployment and pods.
import { describe, expect, it } from 'vitest';
import type { LeanEvent, LeanPod, LeanWorkload } from '../kube/cache';
import { deriveDeploymentStatus } from './endpoint-status';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const row = (state: 'Provisioning' | 'Updating' | 'Healthy' = 'Provisioning', ageMs = 5_000) => ({ state, updatedAt: new Date(NOW - ageMs), desiredReplicas: 2 });
const workload = (w: Partial<LeanWorkload> = {}): LeanWorkload => ({
  kind: 'Deployment',
  namespace: 'ns',
  name: 'ep-blue',
  labels: {},
  selector: {},
  generation: 2,
  observedGeneration: 2,
  desired: 2,
  ready: 2,
  updated: 2,
  available: 2,
  ...w,
});
const pod = (name: string, p: Partial<LeanPod> = {}): LeanPod => ({ namespace: 'ns', name, nodeName: 'node-1', phase: 'Running', requests: {}, ready: true, restarts: 0, labels: {}, ...p });
const event = (object: string, reason: string, message: string): LeanEvent => ({ uid: `${object}-${reason}`, namespace: 'ns', type: 'Warning', reason, message, object: { kind: 'Pod', name: object }, count: 3, last: NOW });

describe('deriveDeploymentStatus', () => {
  it('is Healthy when every desired replica is ready and rolled out', () => {
    expect(deriveDeploymentStatus(row(), workload(), [pod('a'), pod('b')], [], NOW)).toEqual({ state: 'Healthy', reasons: [], readyReplicas: 2, desiredReplicas: 2 });
  });

  it('is Provisioning while replicas start, and Updating while a changed spec rolls out', () => {
    expect(deriveDeploymentStatus(row(), workload({ ready: 1 }), [pod('a'), pod('b', { ready: false, phase: 'Pending', nodeName: 'node-2' })], [], NOW)).toMatchObject({ state: 'Provisioning', readyReplicas: 1, desiredReplicas: 2 });
    expect(deriveDeploymentStatus(row('Healthy'), workload({ generation: 3, observedGeneration: 3, updated: 1 }), [pod('a'), pod('b')], [], NOW).state).toBe('Updating');
  });

  it('says why replicas cannot be scheduled, pulled, or kept running, in Azure ML’s words', () => {
    const unschedulable = deriveDeploymentStatus(row(), workload({ ready: 0 }), [pod('a', { ready: false, phase: 'Pending', nodeName: null, problem: { reason: 'Unschedulable', message: '0/6 nodes are available: 6 Insufficient nvidia.com/gpu.' } })], [], NOW);
    expect(unschedulable.state).toBe('Unhealthy');
    expect(unschedulable.reasons).toEqual([{ code: 'PodUnschedulable', message: 'pod a cannot be scheduled: 0/6 nodes are available: 6 Insufficient nvidia.com/gpu.' }]);
    const pull = deriveDeploymentStatus(row(), workload({ ready: 0 }), [pod('a', { ready: false, phase: 'Pending', problem: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "example.com/x:1"' } })], [], NOW);
    expect(pull.reasons[0]).toMatchObject({ code: 'ImagePullLoopBackOff' });
    const crash = deriveDeploymentStatus(row(), workload({ ready: 1 }), [pod('a'), pod('b', { ready: false, restarts: 4, problem: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container (last exit code 1, Error)' } })], [], NOW);
    expect(crash).toMatchObject({ state: 'Unhealthy', reasons: [{ code: 'KubernetesCrashLoopBackOff' }], readyReplicas: 1 });
    const oom = deriveDeploymentStatus(row(), workload({ ready: 1 }), [pod('a'), pod('b', { ready: false, problem: { reason: 'OOMKilled', message: 'container inference-server exited with code 137' } })], [], NOW);
    expect(oom.reasons[0].code).toBe('PodOutOfMemory');
  });

  it('reports a failing readiness probe from the kubelet’s events', () => {
    const r = deriveDeploymentStatus(row(), workload({ ready: 1 }), [pod('a'), pod('b', { ready: false })], [event('b', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503')], NOW);
    expect(r).toMatchObject({ state: 'Unhealthy', reasons: [{ code: 'ProbeFailed', message: 'pod b: Readiness probe failed: HTTP probe failed with statuscode: 503' }] });
    // Another pod's probe events do not count.
    expect(deriveDeploymentStatus(row(), workload({ ready: 1 }), [pod('a'), pod('b', { ready: false })], [event('zzz', 'Unhealthy', 'x')], NOW).reasons).toEqual([]);
  });

  it('is Unhealthy when the rollout exceeds its deadline', () => {
    expect(deriveDeploymentStatus(row('Updating'), workload({ updated: 1, failing: 'Progressing: ProgressDeadlineExceeded' }), [pod('a'), pod('b')], [], NOW)).toMatchObject({ state: 'Unhealthy', reasons: [{ code: 'ProgressDeadlineExceeded' }] });
  });

  it('waits for a Deployment that was just applied, and calls one that vanished later missing', () => {
    expect(deriveDeploymentStatus(row('Provisioning', 5_000), undefined, [], [], NOW)).toMatchObject({ state: 'Provisioning', reasons: [] });
    expect(deriveDeploymentStatus(row('Healthy', 120_000), undefined, [], [], NOW)).toMatchObject({ state: 'Unhealthy', reasons: [{ code: 'DeploymentNotFound' }] });
  });
});

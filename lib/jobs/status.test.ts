import { describe, expect, it } from 'vitest';
import { deriveJobState, type JobObjectState, type JobPodState } from './status';

const job = (over: Partial<JobObjectState> = {}): JobObjectState => ({ name: 'j', parallelism: 2, suspend: false, active: 0, ready: 0, succeeded: 0, failed: 0, conditions: [], ...over });
const pod = (name: string, over: Partial<JobPodState> = {}): JobPodState => ({ name, phase: 'Pending', scheduled: false, ready: false, ...over });

describe('a job’s status in Azure ML’s words', () => {
  it('Queued while a pod is not created or not scheduled, with the scheduler’s words', () => {
    expect(deriveJobState(job(), [pod('a')]).status).toBe('Queued');
    expect(deriveJobState(job(), [pod('a', { scheduled: true, phase: 'Running' })]).message).toMatch(/waiting for 1 of 2 pod/);
    const s = deriveJobState(job(), [pod('a', { problem: { reason: 'Unschedulable', message: '0/7 nodes are available: 2 Insufficient nvidia.com/gpu.' } }), pod('b', { scheduled: true })]);
    expect(s).toMatchObject({ status: 'Queued', message: 'Unschedulable: 0/7 nodes are available: 2 Insufficient nvidia.com/gpu.' });
  });
  it('Preparing once all are scheduled and some still start; Running when every rank runs; Finalizing when some are done', () => {
    expect(deriveJobState(job(), [pod('a', { scheduled: true }), pod('b', { scheduled: true, phase: 'Running' })]).status).toBe('Preparing');
    expect(deriveJobState(job(), [pod('a', { scheduled: true, phase: 'Running' }), pod('b', { scheduled: true, phase: 'Running' })]).status).toBe('Running');
    expect(deriveJobState(job({ succeeded: 1 }), [pod('a', { scheduled: true, phase: 'Succeeded' }), pod('b', { scheduled: true, phase: 'Running' })]).status).toBe('Finalizing');
  });
  it('does not fall back to Queued when a pod succeeded before the Job’s counters say so', () => {
    const one = job({ parallelism: 1, succeeded: 0 });
    const s = deriveJobState(one, [pod('a', { scheduled: true, phase: 'Succeeded' })]);
    expect(s.status).toBe('Finalizing');
  });
  it('a failed pod is not "waiting to be created": the job finalizes until Kubernetes decides, and a retried rank runs again', () => {
    const one = job({ parallelism: 1 });
    expect(deriveJobState(one, [pod('a', { scheduled: true, phase: 'Failed', problem: { reason: 'Error', message: 'exit 3' } })]).status).toBe('Finalizing');
    expect(deriveJobState(one, [pod('a', { scheduled: true, phase: 'Failed' }), pod('b', { scheduled: true, phase: 'Running' })]).status).toBe('Running');
  });

  it('Completed and Failed from the Job’s conditions, with the failure’s reason and the pod’s', () => {
    expect(deriveJobState(job({ conditions: [{ type: 'Complete', status: 'True' }], completionTime: '2026-01-01T00:00:00Z' }), []).status).toBe('Completed');
    const f = deriveJobState(job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }), [
      pod('a', { scheduled: true, phase: 'Failed', problem: { reason: 'OOMKilled', message: 'container main exited with code 137' } }),
    ]);
    expect(f.status).toBe('Failed');
    expect(f.message).toBe('OOMKilled: container main exited with code 137 (BackoffLimitExceeded)');
  });
});

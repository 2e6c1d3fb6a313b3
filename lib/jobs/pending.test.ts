import { describe, expect, it } from 'vitest';
import { explainPending, parseSchedulerMessage, pendingSentences, formatResource } from './pending';

const GiB = 1024 ** 3;
const gpuNodes = [
  { name: 'gpu-0', pool: 'gpupool', usable: true, free: { cpu: 30, memory: 200 * GiB, 'nvidia.com/gpu': 4, pods: 100 } },
  { name: 'gpu-1', pool: 'gpupool', usable: true, free: { cpu: 30, memory: 200 * GiB, 'nvidia.com/gpu': 2, pods: 100 } },
];
const unscheduled = (message: string) => ({ name: 'train-0-abc', scheduled: false, problem: { reason: 'Unschedulable', message } });

describe('why a job is pending', () => {
  it('splits the scheduler message into its parts', () => {
    expect(parseSchedulerMessage("0/7 nodes are available: 2 Insufficient nvidia.com/gpu, 5 node(s) didn't match Pod's node affinity/selector. preemption: 0/7 nodes are available: 2 No preemption victims found for incoming pod, 5 Preemption is not helpful for scheduling.")).toEqual([
      { count: 2, text: 'Insufficient nvidia.com/gpu' },
      { count: 5, text: "node(s) didn't match Pod's node affinity/selector" },
    ]);
  });

  it('names the short resource, the pool, what one instance asks and the most free on one node', () => {
    const e = explainPending({
      pods: [unscheduled("0/7 nodes are available: 2 Insufficient nvidia.com/gpu, 5 node(s) didn't match Pod's node affinity/selector.")],
      events: [],
      instanceType: { name: 'gpu-8', requests: { cpu: 4, memory: 16 * GiB, 'nvidia.com/gpu': 8 } },
      nodes: gpuNodes,
      totalNodes: 7,
      alternatives: [{ computeTarget: 'gpu-cluster', instanceType: 'gpu-4', canStartNow: 1 }],
    });
    expect(e.reasons[0]).toMatchObject({ code: 'insufficient', resource: 'nvidia.com/gpu', requested: '8', freeMax: '4', pool: 'gpupool', nodes: 2 });
    expect(e.reasons[0].message).toBe('needs 8 nvidia.com/gpu per instance; the most free on one node of pool gpupool is 4 (2 nodes short of nvidia.com/gpu)');
    // The 5 nodes outside the pool are out by design: not listed beside the real reason.
    expect(e.reasons.map((r) => r.code)).toEqual(['insufficient']);
    const text = pendingSentences(e).join(' ');
    expect(text).toContain('Would start now instead: gpu-4 on gpu-cluster (1 instance).');
    expect(text).not.toMatch(/0\.00/);
  });

  it('says the selector leaves no node only when that is the whole story', () => {
    const e = explainPending({
      pods: [unscheduled("0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector.")],
      events: [],
      instanceType: { name: 'edge-arm', requests: { cpu: 1 } },
      nodes: [],
      totalNodes: 5,
    });
    expect(e.reasons).toEqual([expect.objectContaining({ code: 'node_selector', nodes: 5 })]);
  });

  it('reads a quota refusal from the Job’s FailedCreate event', () => {
    const e = explainPending({
      pods: [],
      events: [{ type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "big-0-x" is forbidden: exceeded quota: hm-quota, requested: requests.cpu=8, used: requests.cpu=2, limited: requests.cpu=4' }],
      instanceType: { name: 'cpu-large', requests: { cpu: 8 } },
      nodes: [],
      totalNodes: 3,
    });
    expect(e.reasons).toEqual([{ code: 'quota', message: "the compute target's quota hm-quota is used up: requested requests.cpu=8, already used requests.cpu=2, limit requests.cpu=4" }]);
  });

  it('names an untolerated taint, cordoned nodes and an image that cannot be pulled', () => {
    const e = explainPending({
      pods: [
        unscheduled('0/3 nodes are available: 1 node(s) had untolerated taint {sku: gpu}, 2 node(s) were unschedulable.'),
        { name: 'p2', scheduled: true, problem: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' } },
      ],
      events: [],
      instanceType: { name: 'x', requests: {} },
      nodes: [],
      totalNodes: 3,
    });
    expect(e.reasons.map((r) => r.code)).toEqual(['untolerated_taint', 'nodes_unschedulable', 'image_pull']);
    expect(e.reasons[0].message).toContain('sku: gpu');
  });

  it('names the taint from the nodes when the scheduler only says "untolerated taint(s)"', () => {
    const e = explainPending({
      pods: [unscheduled('0/6 nodes are available: 2 node(s) had untolerated taint(s), 4 Insufficient nvidia.com/gpu.')],
      events: [],
      instanceType: { name: 'gpu-nosel', requests: { 'nvidia.com/gpu': 1 } },
      nodes: [{ name: 'g0', pool: 'gpupool', usable: false, free: {}, untolerated: ['sku=gpu:NoSchedule'] }],
      totalNodes: 6,
    });
    expect(e.reasons[0]).toMatchObject({ code: 'untolerated_taint', message: '2 nodes have a taint the job does not tolerate: sku=gpu:NoSchedule' });
  });

  it('formats amounts the way people read them', () => {
    expect(formatResource('cpu', 0.5)).toBe('500m');
    expect(formatResource('cpu', 4)).toBe('4');
    expect(formatResource('memory', 16 * GiB)).toBe('16Gi');
    expect(formatResource('memory', 512 * 1024 ** 2)).toBe('512Mi');
  });
});

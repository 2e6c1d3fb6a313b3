import { describe, expect, it } from 'vitest';
import type { InstanceTypeSpec, Taint } from '@/lib/domain';
import {
  amlWorkloadTolerations,
  canStartNow,
  combineNodeSelectors,
  computeFit,
  fitNodeFromNode,
  fitPodFromPod,
  podRequests,
  quotaLeftFromResourceQuota,
  quotaReplicas,
  type ComputeFitInput,
  type FitNode,
  type FitPod,
} from './fit';

const GiB = 2 ** 30;

function node(name: string, o: Partial<FitNode> & { gpu?: number; cpu?: string | number; memory?: string; pods?: number | null } = {}): FitNode {
  const allocatable: Record<string, string | number> = { cpu: o.cpu ?? '32', memory: o.memory ?? '128Gi' };
  if (o.pods !== null) allocatable.pods = o.pods ?? 110;
  if (o.gpu !== undefined) allocatable['nvidia.com/gpu'] = String(o.gpu);
  return {
    name,
    labels: o.labels ?? { 'kubernetes.azure.com/agentpool': 'gpu' },
    taints: o.taints ?? [],
    unschedulable: o.unschedulable ?? false,
    ready: o.ready ?? true,
    allocatable: o.allocatable ?? allocatable,
  };
}

const gpu4: InstanceTypeSpec = {
  name: 'gpu-4',
  nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpu' },
  resources: { requests: { cpu: '8', memory: '32Gi' }, limits: { cpu: '16', memory: '64Gi', 'nvidia.com/gpu': 4 } },
};
const gpu1: InstanceTypeSpec = {
  name: 'gpu-1',
  nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpu' },
  resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } },
};
const cpuSmall: InstanceTypeSpec = {
  name: 'cpu-small',
  nodeSelector: {},
  resources: { requests: { cpu: '700m', memory: '1500Mi' }, limits: { cpu: '1', memory: '2Gi' } },
};

const gpuTaint: Taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
const tolerations = amlWorkloadTolerations({ workspace: 'team-a', compute: 'gpu-k8s' });

function fit(o: Partial<ComputeFitInput> & { nodes: FitNode[] }) {
  return computeFit({ instanceType: gpu4, pods: [], tolerations, ...o });
}

function pod(nodeName: string | null, requests: Record<string, string | number>, phase = 'Running'): FitPod {
  return { nodeName, phase, requests };
}

const codes = (r: { warnings: { code: string }[] }) => r.warnings.map((w) => w.code);

describe('two 4-GPU nodes, a 4-GPU instance type', () => {
  const twoNodes = () => [node('gpu-a', { gpu: 4 }), node('gpu-b', { gpu: 4 })];

  it('fits 2, one per node, with no warning', () => {
    const r = fit({ nodes: twoNodes() });
    expect(r).toMatchObject({ matchingNodes: 2, labelMatchingNodes: 2, maxReplicas: 2, availableNow: 2, warnings: [] });
    expect(r.perNode.map((n) => [n.name, n.capacity, n.availableNow, n.limitedBy])).toEqual([
      ['gpu-a', 1, 1, 'nvidia.com/gpu'],
      ['gpu-b', 1, 1, 'nvidia.com/gpu'],
    ]);
  });

  it('fits 1 when one node is cordoned, and says which', () => {
    const nodes = twoNodes();
    nodes[1].unschedulable = true;
    nodes[1].taints = [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }];
    const r = fit({ nodes });
    expect(r).toMatchObject({ matchingNodes: 1, maxReplicas: 1, availableNow: 1 });
    expect(codes(r)).toEqual(['nodes_unavailable']); // the cordon taint is not an "untolerated taint"
    expect(r.warnings[0].message).toBe('1 matching node cannot take work: 1 is cordoned (gpu-b).');
    expect(r.warnings[0].nodes).toEqual(['gpu-b']);
    expect(r.perNode[1]).toMatchObject({ counted: false, reason: 'cordoned', capacity: 1, availableNow: 0 });
  });

  it('fits 0 when the nodes carry a GPU taint the workloads do not tolerate', () => {
    const nodes = twoNodes().map((n) => ({ ...n, taints: [gpuTaint] }));
    const r = fit({ nodes });
    expect(r).toMatchObject({ matchingNodes: 0, labelMatchingNodes: 2, maxReplicas: 0, availableNow: 0 });
    expect(r.warnings).toEqual([
      {
        code: 'untolerated_taint',
        message: '2 matching nodes have the taint nvidia.com/gpu=present:NoSchedule, which the workloads do not tolerate.',
        nodes: ['gpu-a', 'gpu-b'],
        taint: gpuTaint,
      },
    ]);
  });

  it('fits 2 again once the workloads tolerate the taint', () => {
    const nodes = twoNodes().map((n) => ({ ...n, taints: [gpuTaint] }));
    const r = fit({ nodes, tolerations: [...tolerations, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(r.availableNow).toBe(2);
  });

  it('counts nodes tainted for this workspace, not those of another workspace', () => {
    const mine = { key: 'ml.azure.com/workspace', value: 'team-a', effect: 'NoSchedule' } as const;
    const theirs = { key: 'ml.azure.com/workspace', value: 'team-b', effect: 'NoSchedule' } as const;
    const r = fit({ nodes: [node('gpu-a', { gpu: 4, taints: [mine] }), node('gpu-b', { gpu: 4, taints: [theirs] })] });
    expect(r.availableNow).toBe(1);
    expect(r.warnings[0]).toMatchObject({ code: 'untolerated_taint', nodes: ['gpu-b'] });
  });

  it('ignores PreferNoSchedule taints', () => {
    const r = fit({ nodes: twoNodes().map((n) => ({ ...n, taints: [{ ...gpuTaint, effect: 'PreferNoSchedule' as const }] })) });
    expect(r.availableNow).toBe(2);
  });

  it('leaves out NotReady nodes and says so', () => {
    const nodes = twoNodes();
    nodes[0].ready = false;
    const r = fit({ nodes });
    expect(r.availableNow).toBe(1);
    expect(r.warnings[0].message).toBe('1 matching node cannot take work: 1 is NotReady (gpu-a).');
  });

  it('leaves out nodes under memory pressure', () => {
    const nodes = twoNodes();
    nodes[0].taints = [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }];
    const r = fit({ nodes });
    expect(r.availableNow).toBe(1);
    expect(r.warnings[0].message).toMatch(/1 is under pressure \(gpu-a: condition memory-pressure\)/);
  });
});

describe('partially used nodes', () => {
  const nodes = () => [node('gpu-a', { gpu: 4 }), node('gpu-b', { gpu: 4 })];

  it('counts what running pods hold; maxReplicas still counts empty capacity', () => {
    const r = fit({ nodes: nodes(), pods: [pod('gpu-a', { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 2 })] });
    expect(r).toMatchObject({ maxReplicas: 2, availableNow: 1 });
    expect(r.perNode[0]).toMatchObject({ availableNow: 0, limitedBy: 'nvidia.com/gpu', used: { cpu: 2, memory: 8 * GiB, 'nvidia.com/gpu': 2, pods: 1 } });
    expect(r.warnings).toEqual([]);
  });

  it('fits smaller types into what is left (1-GPU type: 2 + 4)', () => {
    const r = fit({ instanceType: gpu1, nodes: nodes(), pods: [pod('gpu-a', { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 2 })] });
    expect(r.perNode.map((n) => n.availableNow)).toEqual([2, 4]);
    expect(r).toMatchObject({ availableNow: 6, maxReplicas: 8 });
  });

  it('ignores finished pods, unbound pods and pods on other nodes', () => {
    const pods = [
      pod('gpu-a', { 'nvidia.com/gpu': 4 }, 'Succeeded'),
      pod('gpu-a', { 'nvidia.com/gpu': 4 }, 'Failed'),
      pod(null, { 'nvidia.com/gpu': 4 }, 'Pending'),
      pod('cpu-z', { 'nvidia.com/gpu': 4 }),
    ];
    expect(fit({ nodes: nodes(), pods }).availableNow).toBe(2);
  });

  it('counts a pending pod already bound to a node', () => {
    expect(fit({ nodes: nodes(), pods: [pod('gpu-b', { 'nvidia.com/gpu': 1 }, 'Pending')] }).availableNow).toBe(1);
  });

  it('is limited by CPU or memory when those run out first', () => {
    const r = fit({ instanceType: gpu1, nodes: nodes(), pods: [pod('gpu-a', { cpu: '31', memory: '1Gi' }), pod('gpu-b', { cpu: '1', memory: '120Gi' })] });
    expect(r.perNode.map((n) => [n.availableNow, n.limitedBy])).toEqual([[0, 'cpu'], [1, 'memory']]);
  });

  it('does CPU arithmetic in millicores: 3 × 700m fit in 2100m', () => {
    const r = computeFit({ instanceType: cpuSmall, nodes: [node('c', { cpu: '2100m', memory: '64Gi', labels: {} })], pods: [], tolerations });
    expect(r.availableNow).toBe(3);
  });

  it('takes a pod slot per replica', () => {
    const r = computeFit({
      instanceType: cpuSmall,
      nodes: [node('c', { pods: 3, labels: {} })],
      pods: [pod('c', {}), pod('c', {})],
      tolerations,
    });
    expect(r.perNode[0]).toMatchObject({ availableNow: 1, limitedBy: 'pods', capacity: 3 });
  });

  it('treats a node that reports no pod limit as unlimited in pods', () => {
    const r = computeFit({ instanceType: cpuSmall, nodes: [node('c', { pods: null, labels: {}, cpu: '7' })], pods: [], tolerations });
    expect(r.availableNow).toBe(10);
  });

  it('a CPU-only type ignores GPUs (request 0 is not a constraint)', () => {
    const r = computeFit({ instanceType: cpuSmall, nodes: [node('c', { cpu: 2, memory: '4Gi', labels: {} })], pods: [], tolerations });
    expect(r.perNode[0].limitedBy).toBe('cpu');
    expect(r.availableNow).toBe(2);
  });
});

describe('node selection', () => {
  it('ANDs the extension nodeSelector with the instance type\'s', () => {
    const nodes = [
      node('gpu-a', { gpu: 4, labels: { 'kubernetes.azure.com/agentpool': 'gpu', 'harbormaster.io/ml': 'true' } }),
      node('gpu-b', { gpu: 4, labels: { 'kubernetes.azure.com/agentpool': 'gpu' } }),
      node('cpu-a', { labels: { 'harbormaster.io/ml': 'true' } }),
    ];
    const r = fit({ nodes, extensionNodeSelector: { 'harbormaster.io/ml': 'true' } });
    expect(r).toMatchObject({ nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpu', 'harbormaster.io/ml': 'true' }, labelMatchingNodes: 1, availableNow: 1 });
    expect(r.perNode.find((n) => n.name === 'gpu-b')).toMatchObject({ matchesLabels: false, counted: false, reason: expect.stringMatching(/labels do not match/) });
    // Without the extension selector both GPU nodes count.
    expect(fit({ nodes }).availableNow).toBe(2);
  });

  it('reports a conflict between the two selectors', () => {
    const r = fit({ nodes: [node('gpu-a', { gpu: 4 })], extensionNodeSelector: { 'kubernetes.azure.com/agentpool': 'system' } });
    expect(r.availableNow).toBe(0);
    expect(r.warnings).toEqual([
      {
        code: 'selector_conflict',
        message: 'The instance type selects kubernetes.azure.com/agentpool=gpu but the ML extension pins workloads to kubernetes.azure.com/agentpool=system: no node can match both.',
      },
    ]);
    expect(combineNodeSelectors({ a: '1', b: '2' }, { a: '1', c: '3' })).toEqual({ selector: { a: '1', c: '3', b: '2' }, conflicts: [] });
  });

  it('warns when no node has the labels', () => {
    const r = fit({ nodes: [node('cpu-a', { labels: { 'kubernetes.azure.com/agentpool': 'cpu' } })] });
    expect(codes(r)).toEqual(['no_matching_node']);
    expect(r.warnings[0].message).toMatch(/^No node has the labels kubernetes.azure.com\/agentpool=gpu/);
  });

  it('warns when the cluster has no nodes at all', () => {
    expect(fit({ nodes: [] }).warnings).toEqual([{ code: 'no_matching_node', message: 'The cluster has no nodes.' }]);
  });
});

describe('exceeds the node size', () => {
  it('names the resource and the biggest node\'s figure, in Azure ML\'s words', () => {
    const gpu8: InstanceTypeSpec = { ...gpu4, name: 'gpu-8', resources: { ...gpu4.resources, limits: { ...gpu4.resources.limits, 'nvidia.com/gpu': 8 } } };
    const r = fit({ instanceType: gpu8, nodes: [node('gpu-a', { gpu: 2 }), node('gpu-b', { gpu: 4 })] });
    expect(r.maxReplicas).toBe(0);
    expect(r.warnings).toEqual([
      {
        code: 'exceeds_node_size',
        message: 'Instance type gpu-8 has exceeded the node size: it requests 8 GPUs and the biggest matching node (gpu-b) has 4 GPUs allocatable.',
        nodes: ['gpu-a', 'gpu-b'],
        resource: 'nvidia.com/gpu',
      },
    ]);
  });

  it('names memory in GiB', () => {
    const big: InstanceTypeSpec = { ...cpuSmall, name: 'mem-big', resources: { requests: { cpu: '1', memory: '200Gi' }, limits: { cpu: '1', memory: '200Gi' } } };
    const r = computeFit({ instanceType: big, nodes: [node('a', { labels: {}, memory: '125.5Gi' })], pods: [], tolerations });
    expect(r.warnings[0].message).toBe('Instance type mem-big has exceeded the node size: it requests 200 GiB and the biggest matching node (a) has 125.5 GiB allocatable.');
  });

  it('explains when every resource fits somewhere but never all on one node', () => {
    const t: InstanceTypeSpec = { name: 'odd', nodeSelector: {}, resources: { requests: { cpu: '16', memory: '64Gi' }, limits: { cpu: '16', memory: '64Gi' } } };
    const r = computeFit({ instanceType: t, nodes: [node('a', { labels: {}, cpu: 32, memory: '32Gi' }), node('b', { labels: {}, cpu: 8, memory: '256Gi' })], pods: [], tolerations });
    expect(r.warnings[0]).toMatchObject({ code: 'exceeds_node_size', message: 'Instance type odd has exceeded the node size: no single matching node has 16 CPU and 64 GiB allocatable at once.' });
  });

  it('a GPU type on nodes without GPUs exceeds the node size', () => {
    const r = fit({ nodes: [node('gpu-a')] });
    expect(r.warnings[0].message).toMatch(/it requests 4 GPUs and the biggest matching node \(gpu-a\) has 0 GPUs allocatable/);
  });

  it('is not reported when the type fits an empty node but the nodes are busy', () => {
    const r = fit({ nodes: [node('gpu-a', { gpu: 4 })], pods: [pod('gpu-a', { 'nvidia.com/gpu': 4 })] });
    expect(r).toMatchObject({ availableNow: 0, maxReplicas: 1, warnings: [] });
  });
});

describe('pools', () => {
  it('groups by AKS agentpool, agentpool, harbormaster.io/pool or a given label', () => {
    const nodes = [
      node('a1', { gpu: 4, labels: { 'kubernetes.azure.com/agentpool': 'gpu', zone: 'z1' } }),
      node('a2', { gpu: 4, labels: { 'kubernetes.azure.com/agentpool': 'gpu', zone: 'z2' } }),
      node('b1', { gpu: 4, labels: { agentpool: 'legacy' } }),
      node('c1', { gpu: 4, labels: { 'harbormaster.io/pool': 'onprem' } }),
      node('d1', { gpu: 4, labels: {} }),
    ];
    const r = computeFit({ instanceType: { ...gpu1, nodeSelector: {} }, nodes, pods: [pod('a1', { 'nvidia.com/gpu': 3 })], tolerations });
    expect(r.perPool).toEqual([
      { pool: 'gpu', nodes: 2, countedNodes: 2, maxReplicas: 8, availableNow: 5 },
      { pool: 'legacy', nodes: 1, countedNodes: 1, maxReplicas: 4, availableNow: 4 },
      { pool: 'onprem', nodes: 1, countedNodes: 1, maxReplicas: 4, availableNow: 4 },
      { pool: null, nodes: 1, countedNodes: 1, maxReplicas: 4, availableNow: 4 },
    ]);
    const byZone = computeFit({ instanceType: { ...gpu1, nodeSelector: {} }, nodes, pods: [], tolerations, poolLabel: 'zone' });
    expect(byZone.perPool.map((p) => p.pool)).toEqual(['legacy', 'onprem', 'z1', 'z2', null]);
  });
});

describe('quota: can start now', () => {
  const twoFree = () => fit({ nodes: [node('gpu-a', { gpu: 4 }), node('gpu-b', { gpu: 4 })] });

  it('is what the nodes have free when there is no quota', () => {
    expect(canStartNow(twoFree())).toBe(2);
    expect(canStartNow(twoFree(), {})).toBe(2);
  });

  it('is capped by the quota resource that runs out first', () => {
    const f = twoFree();
    expect(canStartNow(f, { gpu: 4 })).toBe(1);
    expect(canStartNow(f, { gpu: 3 })).toBe(0);
    expect(canStartNow(f, { cpu: '20', memory: '100Gi' })).toBe(2);
    expect(canStartNow(f, { cpu: '12' })).toBe(1);
    expect(canStartNow(f, { 'limits.memory': '100Gi' })).toBe(1);
    expect(canStartNow(f, { pods: 0 })).toBe(0);
    expect(quotaReplicas(f, { gpu: 8, cpu: '12' })).toEqual({ n: 1, limitedBy: 'cpu' });
    expect(canStartNow(f, { cpu: -3 })).toBe(0);
  });

  it('reads remaining quota from a ResourceQuota', () => {
    const left = quotaLeftFromResourceQuota(
      { 'requests.cpu': '40', 'requests.memory': '256Gi', 'limits.memory': '512Gi', 'requests.nvidia.com/gpu': '8', pods: '20' },
      { 'requests.cpu': '38500m', 'requests.memory': '64Gi', 'limits.memory': '128Gi', 'requests.nvidia.com/gpu': '4', pods: '3' },
    );
    expect(left).toEqual({ cpu: 1.5, memory: 192 * GiB, gpu: 4, pods: 17, 'limits.memory': 384 * GiB });
    expect(canStartNow(twoFree(), left)).toBe(0); // 1.5 CPU left, 8 needed
    expect(quotaLeftFromResourceQuota({ cpu: '2' }, { cpu: '3' })).toEqual({ cpu: 0 });
  });
});

describe('pod requests (scheduler rule)', () => {
  it('sums containers, defaults a missing request to the limit, and adds overhead', () => {
    expect(podRequests({
      containers: [
        { resources: { requests: { cpu: '500m', memory: '1Gi' } } },
        { resources: { limits: { cpu: '1', 'nvidia.com/gpu': '1' } } },
      ],
      overhead: { cpu: '100m' },
    })).toEqual({ cpu: 1.6, memory: GiB, 'nvidia.com/gpu': 1 });
  });

  it('uses the largest init container when bigger than the containers', () => {
    expect(podRequests({
      containers: [{ resources: { requests: { cpu: '1', memory: '1Gi' } } }],
      initContainers: [{ resources: { requests: { cpu: '4' } } }, { resources: { requests: { memory: '512Mi' } } }],
    })).toEqual({ cpu: 4, memory: GiB });
  });

  it('counts sidecars (restartable init containers) alongside containers and later init containers', () => {
    expect(podRequests({
      containers: [{ resources: { requests: { cpu: '1' } } }],
      initContainers: [
        { restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
        { resources: { requests: { cpu: '2' } } },
      ],
    })).toEqual({ cpu: 2.5 });
  });
});

describe('adapters from core/v1 objects', () => {
  it('reads a Node', () => {
    const n = fitNodeFromNode({
      metadata: { name: 'gpu-a', labels: { agentpool: 'gpu' } },
      spec: { unschedulable: true, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, { key: 'x', effect: 'NoExecute' }] },
      status: { allocatable: { cpu: '31580m', memory: '120Gi', 'nvidia.com/gpu': '4', pods: '110' }, conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] },
    });
    expect(n).toEqual({
      name: 'gpu-a', labels: { agentpool: 'gpu' },
      taints: [gpuTaint, { key: 'x', effect: 'NoExecute' }],
      unschedulable: true, ready: true,
      allocatable: { cpu: '31580m', memory: '120Gi', 'nvidia.com/gpu': '4', pods: '110' },
    });
    expect(fitNodeFromNode({ metadata: { name: 'x' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }).ready).toBe(false);
  });

  it('reads a Pod, and the fit uses it', () => {
    const p = fitPodFromPod({
      metadata: { name: 'job-0', namespace: 'team-a' },
      spec: { nodeName: 'gpu-a', containers: [{ resources: { limits: { 'nvidia.com/gpu': '2' }, requests: { cpu: '1' } } }] },
      status: { phase: 'Running' },
    });
    expect(p).toEqual({ name: 'job-0', namespace: 'team-a', nodeName: 'gpu-a', phase: 'Running', requests: { cpu: 1, 'nvidia.com/gpu': 2 } });
    expect(fit({ nodes: [node('gpu-a', { gpu: 4 })], pods: [p] }).availableNow).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { computeFit, type FitNode } from '@/lib/instance-types/fit';
import { placementTaints, workloadTolerations } from './placement';

const GPU_TAINT = { key: 'sku', value: 'gpu', effect: 'NoSchedule' as const };
const nodes: FitNode[] = [
  { name: 'gpu-0', ready: true, labels: { pool: 'gpu' }, taints: [GPU_TAINT], allocatable: { cpu: '24', memory: '220Gi', 'nvidia.com/gpu': '4', pods: '110' } },
  { name: 'gpu-1', ready: true, labels: { pool: 'gpu' }, taints: [GPU_TAINT, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const }], unschedulable: true, allocatable: { cpu: '24', memory: '220Gi', 'nvidia.com/gpu': '4', pods: '110' } },
  { name: 'sys-0', ready: true, labels: { pool: 'gpu', role: 'system' }, taints: [{ key: 'ml.azure.com/amlarc-system', value: 'true', effect: 'NoSchedule' as const }], allocatable: { cpu: '4', memory: '16Gi', pods: '110' } },
  { name: 'cpu-0', ready: true, labels: { pool: 'cpu' }, taints: [], allocatable: { cpu: '8', memory: '32Gi', pods: '110' } },
];
const gpu4 = (nodeSelector: Record<string, string>) => ({ name: 'gpu-4', nodeSelector, resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 4 } } });

describe('placement tolerations', () => {
  it('tolerates the taints of the pool an instance type selects, never condition or ml.azure.com taints', () => {
    expect(placementTaints(gpu4({ pool: 'gpu' }), nodes)).toEqual([GPU_TAINT]);
  });
  it('tolerates nothing extra without a nodeSelector, or when the selectors conflict', () => {
    expect(placementTaints(gpu4({}), nodes)).toEqual([]);
    expect(placementTaints(gpu4({ pool: 'gpu' }), nodes, { pool: 'cpu' })).toEqual([]);
  });
  it('gives the fit its numbers: a pinned 4-GPU type fits on the schedulable GPU node; unpinned fits nowhere', () => {
    const fit = (it: ReturnType<typeof gpu4>) => computeFit({ instanceType: it, nodes, pods: [], tolerations: workloadTolerations(it, nodes, { workspace: 'vision', compute: 'gpu' }) });
    expect(fit(gpu4({ pool: 'gpu' }))).toMatchObject({ matchingNodes: 1, maxReplicas: 1, availableNow: 1 });
    const any = fit(gpu4({}));
    expect(any).toMatchObject({ maxReplicas: 0, availableNow: 0 });
    expect(any.warnings.map((w) => w.code)).toContain('untolerated_taint');
  });
  it("includes Azure ML's scoped tolerations for the target", () => {
    expect(workloadTolerations(gpu4({}), nodes, { workspace: 'vision', compute: 'gpu' })).toContainEqual({ key: 'ml.azure.com/compute', operator: 'Equal', value: 'gpu' });
  });
});

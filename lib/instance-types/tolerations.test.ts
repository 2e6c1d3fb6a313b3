import { describe, expect, it } from 'vitest';
import type { Taint } from '@/lib/domain';
import {
  AML_TAINT_KEYS,
  amlSystemTolerations,
  amlWorkloadTolerations,
  formatTaint,
  isConditionTaint,
  tolerates,
  toleratesTaint,
} from './tolerations';

const gpuTaint: Taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

describe('Kubernetes toleration matching', () => {
  it('Equal matches key, value and effect', () => {
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }, gpuTaint)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'absent', effect: 'NoSchedule' }, gpuTaint)).toBe(false);
    expect(toleratesTaint({ key: 'other', operator: 'Equal', value: 'present' }, gpuTaint)).toBe(false);
  });

  it('the default operator is Equal', () => {
    expect(toleratesTaint({ key: 'nvidia.com/gpu', value: 'present' }, gpuTaint)).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu' }, gpuTaint)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated' }, { key: 'dedicated', effect: 'NoSchedule' })).toBe(true);
  });

  it('Exists ignores the value', () => {
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists' }, gpuTaint)).toBe(true);
  });

  it('an empty effect matches every effect; a set one must match', () => {
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists', effect: '' }, { ...gpuTaint, effect: 'NoExecute' })).toBe(true);
    expect(toleratesTaint({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, gpuTaint)).toBe(false);
  });

  it('an empty key with Exists tolerates everything; with Equal nothing keyed', () => {
    expect(toleratesTaint({ operator: 'Exists' }, gpuTaint)).toBe(true);
    expect(toleratesTaint({ operator: 'Exists', effect: 'NoExecute' }, gpuTaint)).toBe(false);
    expect(toleratesTaint({ operator: 'Equal', value: 'present' }, gpuTaint)).toBe(false);
  });

  it('a list tolerates when any entry does', () => {
    expect(tolerates([], gpuTaint)).toBe(false);
    expect(tolerates([{ key: 'x', operator: 'Exists' }, { key: 'nvidia.com/gpu', operator: 'Exists' }], gpuTaint)).toBe(true);
  });
});

describe('Azure ML taints', () => {
  it('lists every ml.azure.com taint key', () => {
    expect([...AML_TAINT_KEYS].sort()).toEqual([
      'ml.azure.com/amlarc', 'ml.azure.com/amlarc-system', 'ml.azure.com/amlarc-workload',
      'ml.azure.com/compute', 'ml.azure.com/resource-group', 'ml.azure.com/workspace',
    ]);
  });

  it('workloads tolerate the overall and workload taints with every effect, but not the system taint', () => {
    const tol = amlWorkloadTolerations({ workspace: 'team-a', compute: 'gpu-k8s' });
    for (const effect of ['NoSchedule', 'NoExecute', 'PreferNoSchedule'] as const) {
      expect(tolerates(tol, { key: 'ml.azure.com/amlarc', value: 'true', effect })).toBe(true);
      expect(tolerates(tol, { key: 'ml.azure.com/amlarc-workload', value: 'true', effect })).toBe(true);
    }
    expect(tolerates(tol, { key: 'ml.azure.com/amlarc-system', value: 'true', effect: 'NoSchedule' })).toBe(false);
  });

  it('scoped taints are tolerated only by workloads of that workspace / compute / resource group', () => {
    const tol = amlWorkloadTolerations({ workspace: 'team-a', compute: 'gpu-k8s', resourceGroup: 'rg-ml' });
    expect(tolerates(tol, { key: 'ml.azure.com/workspace', value: 'team-a', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates(tol, { key: 'ml.azure.com/workspace', value: 'team-b', effect: 'NoSchedule' })).toBe(false);
    expect(tolerates(tol, { key: 'ml.azure.com/compute', value: 'gpu-k8s', effect: 'NoExecute' })).toBe(true);
    expect(tolerates(tol, { key: 'ml.azure.com/compute', value: 'other', effect: 'NoExecute' })).toBe(false);
    expect(tolerates(tol, { key: 'ml.azure.com/resource-group', value: 'rg-ml', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates(amlWorkloadTolerations(), { key: 'ml.azure.com/workspace', value: 'team-a', effect: 'NoSchedule' })).toBe(false);
  });

  it('extension pods tolerate the system taint but not the workload one', () => {
    expect(tolerates(amlSystemTolerations(), { key: 'ml.azure.com/amlarc-system', value: 'true', effect: 'NoSchedule' })).toBe(true);
    expect(tolerates(amlSystemTolerations(), { key: 'ml.azure.com/amlarc-workload', value: 'true', effect: 'NoSchedule' })).toBe(false);
  });
});

describe('helpers', () => {
  it('formats taints like kubectl', () => {
    expect(formatTaint(gpuTaint)).toBe('nvidia.com/gpu=present:NoSchedule');
    expect(formatTaint({ key: 'dedicated', effect: 'NoExecute' })).toBe('dedicated:NoExecute');
  });
  it('recognises node-condition taints', () => {
    expect(isConditionTaint({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })).toBe(true);
    expect(isConditionTaint(gpuTaint)).toBe(false);
  });
});

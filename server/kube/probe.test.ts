import { describe, expect, it } from 'vitest';
import { summarizePools } from './probe';
import { detectExtension, versionInfo } from './cluster-facts';
import { leanNode, type LeanNode } from './cache';

describe('supported Kubernetes versions', () => {
  it('supports the three newest minor versions only', () => {
    expect(versionInfo('v1.35.0').supported).toBe(true);
    expect(versionInfo('v1.37.2').supported).toBe(true);
    expect(versionInfo('v1.34.9').supported).toBe(false);
    expect(versionInfo('v1.38.0').supported).toBe(false);
    // AKS and EKS style suffixes
    expect(versionInfo('v1.36.3-eks-1234').minor).toBe(36);
  });
});

const node = (name: string, labels: Record<string, string>, allocatable: Record<string, string>, ready = true): LeanNode =>
  leanNode({
    metadata: { name, labels },
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'KubeletNotReady' }] },
  });

describe('pools', () => {
  it('sums allocatable and the requests of running pods per pool', () => {
    const nodes = [
      node('a-1', { 'kubernetes.azure.com/agentpool': 'cpupool' }, { cpu: '8', memory: '32Gi' }),
      node('a-2', { 'kubernetes.azure.com/agentpool': 'cpupool' }, { cpu: '7800m', memory: '30Gi' }, false),
      node('g-1', { 'kubernetes.azure.com/agentpool': 'gpupool', 'nvidia.com/gpu.product': 'A100' }, { cpu: '24', memory: '220Gi', 'nvidia.com/gpu': '4' }),
    ];
    const pods: Array<{ nodeName: string | null; phase: string; requests: Record<string, number> }> = [
      { nodeName: 'a-1', phase: 'Running', requests: { cpu: 1.5, memory: 2 ** 30 } },
      { nodeName: 'a-2', phase: 'Running', requests: { cpu: 0.5, memory: 0 } },
      { nodeName: 'g-1', phase: 'Running', requests: { cpu: 4, memory: 0, 'nvidia.com/gpu': 2 } },
      { nodeName: 'g-1', phase: 'Succeeded', requests: { cpu: 4, 'nvidia.com/gpu': 2 } },
      { nodeName: null, phase: 'Pending', requests: { cpu: 100 } },
    ];
    const pools = summarizePools(nodes, pods);
    expect(pools.map((p) => p.name)).toEqual(['cpupool', 'gpupool']);
    expect(pools[0]).toMatchObject({ nodes: 2, readyNodes: 1, allocatable: { cpu: 15.8, memory: 62 * 2 ** 30, gpu: 0 }, requested: { cpu: 2, memory: 2 ** 30, gpu: 0 } });
    expect(pools[1]).toMatchObject({ allocatable: { gpu: 4 }, requested: { cpu: 4, gpu: 2 }, gpuModel: 'A100' });
  });
});

describe('extension detection', () => {
  const w = (name: string, labels: Record<string, string> = {}) => ({ kind: 'Deployment' as const, name, labels });
  it('recognises Azure ML\'s extension by its CRD or its Deployments', () => {
    expect(detectExtension({ workloads: [w('aml-operator'), w('azureml-fe-v2')] }).flavor).toBe('azureml');
    expect(detectExtension({ workloads: [], amlJobCrd: {} }).detail).toMatch(/amljobs.amlarc.azureml.com/);
  });
  it('recognises Harbormaster\'s own extension and its version', () => {
    const d = detectExtension({ namespace: { metadata: { labels: { 'app.kubernetes.io/part-of': 'harbormaster-ml-extension', 'harbormaster.io/extension-version': '0.1.0' } } }, workloads: [w('azureml-fe')] });
    expect(d).toMatchObject({ flavor: 'harbormaster', version: '0.1.0' });
  });
  it('tells an empty cluster from one where only the CRD exists', () => {
    expect(detectExtension({ workloads: [] }).flavor).toBe('none');
    expect(detectExtension({ workloads: [], instanceTypeCrd: { metadata: { labels: {} } } })).toMatchObject({ flavor: 'foreign', detail: expect.stringMatching(/belong to no known extension/) });
  });
});

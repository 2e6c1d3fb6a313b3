import { describe, expect, it } from 'vitest';
import { computeTargetObjects, detachRefs, isolationPolicy, serviceAccountNameFor } from './compute-target';

const ref = { workspace: 'vision', name: 'GPU-a', cluster: 'aks', namespace: 'vision-gpu', serviceAccountName: serviceAccountNameFor('vision', 'GPU-a') };

describe('compute target objects', () => {
  it('labels the namespace with workspace, target and the compute-namespace marker; managed-by only when created', () => {
    const [ns] = computeTargetObjects({ ref, quota: null, namespaceCreated: true, sharedNamespace: false });
    expect(ns).toMatchObject({ kind: 'Namespace', metadata: { name: 'vision-gpu', labels: { 'harbormaster.io/workspace': 'vision', 'harbormaster.io/compute': 'GPU-a', 'harbormaster.io/compute-namespace': 'true', 'app.kubernetes.io/managed-by': 'harbormaster' } } });
    const [existing] = computeTargetObjects({ ref, quota: null, namespaceCreated: false, sharedNamespace: false });
    expect(existing.metadata.labels).not.toHaveProperty(['app.kubernetes.io/managed-by']);
  });

  it('makes a lower-case ServiceAccount bound to the workload role, an isolation policy, and a quota when set', () => {
    const objs = computeTargetObjects({ ref, quota: { cpu: '8', gpu: '2' }, namespaceCreated: true, sharedNamespace: true });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/hm-vision-gpu-a',
      'RoleBinding/harbormaster-workload-hm-vision-gpu-a',
      'NetworkPolicy/harbormaster-compute-isolation',
      'ResourceQuota/hm-quota-vision-gpu-a',
    ]);
    expect(objs[1]).toMatchObject({ roleRef: { kind: 'ClusterRole', name: 'harbormaster-workload' }, subjects: [{ kind: 'ServiceAccount', name: 'hm-vision-gpu-a', namespace: 'vision-gpu' }] });
    expect(objs[3]).toMatchObject({ spec: { hard: { 'requests.cpu': '8', 'requests.nvidia.com/gpu': '2' } } });
    for (const o of objs) expect(o.metadata.namespace).toBe('vision-gpu');
  });

  it('lets in the same namespace and non-compute namespaces, not other compute namespaces (wire field "from")', () => {
    const p = isolationPolicy('ns') as unknown as { spec: { podSelector: unknown; ingress: Array<{ from: unknown[] }> } };
    expect(p.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/managed-by': 'harbormaster' } });
    expect(p.spec.ingress).toEqual([
      { from: [{ podSelector: {} }] },
      { from: [{ namespaceSelector: { matchExpressions: [{ key: 'harbormaster.io/compute-namespace', operator: 'DoesNotExist' }] } }] },
    ]);
  });

  it('detach removes the isolation policy only with the last target of the namespace', () => {
    expect(detachRefs(ref, { lastInNamespace: false }).map((r) => r.kind)).toEqual(['ResourceQuota', 'RoleBinding', 'ServiceAccount']);
    expect(detachRefs(ref, { lastInNamespace: true }).map((r) => r.kind)).toContain('NetworkPolicy');
  });
});

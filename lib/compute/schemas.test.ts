import { describe, expect, it } from 'vitest';
import { attachComputeInput, defaultNamespaceFor, quotaAmounts, quotaToHard, updateComputeInput } from './schemas';

const ok = (v: unknown) => attachComputeInput.safeParse(v);
const errors = (v: unknown) => {
  const r = attachComputeInput.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('attach input', () => {
  it('applies the defaults: namespace created, implicit default instance type, all types allowed, no quota', () => {
    const r = ok({ workspace: 'vision', name: 'gpu-a', cluster: 'aks-we' });
    expect(r.success && r.data).toMatchObject({ createNamespace: true, defaultInstanceType: 'defaultinstancetype' });
    expect(r.success && r.data.allowedInstanceTypes).toBeUndefined();
    expect(r.success && r.data.quota).toBeUndefined();
  });

  it("keeps Azure ML's compute name rule", () => {
    expect(errors({ workspace: 'v', name: 'A1-b', cluster: 'c' })).toEqual([]);
    expect(errors({ workspace: 'v', name: 'x', cluster: 'c' })).toEqual(['name: must be 2 to 16 characters long (it has 1)']);
    expect(errors({ workspace: 'v', name: '9lives', cluster: 'c' })).toEqual(['name: must start with a letter']);
    expect(errors({ workspace: 'v', name: 'gpu-', cluster: 'c' })).toEqual(['name: must end with a letter or digit']);
    expect(errors({ workspace: 'v', name: 'gpu pool', cluster: 'c' })[0]).toMatch(/found a space at position 4/);
  });

  it('refuses system and extension namespaces, and names that are not DNS labels', () => {
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', namespace: 'kube-system' })[0]).toMatch(/namespace: is a Kubernetes system namespace/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', namespace: 'azureml' })[0]).toMatch(/ML extension's own namespace/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', namespace: 'My_NS' })[0]).toMatch(/^namespace: namespace must contain only lowercase/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', namespace: 'default' })).toEqual([]);
  });

  it('validates quota values as quantities, GPUs as whole numbers, pods as a count; blanks are "no limit"', () => {
    const r = ok({ workspace: 'v', name: 'ab', cluster: 'c', quota: { cpu: '16', memory: '64Gi', gpu: 4, pods: '' } });
    expect(r.success && r.data.quota).toEqual({ cpu: '16', memory: '64Gi', gpu: '4' });
    expect(ok({ workspace: 'v', name: 'ab', cluster: 'c', quota: { cpu: '', memory: ' ' } }).data?.quota).toBeNull();
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', quota: { memory: '2 GB' } })[0]).toMatch(/^quota\.memory: "2 GB" is not a Kubernetes quantity/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', quota: { cpu: '0' } })[0]).toMatch(/^quota\.cpu: must be greater than zero/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', quota: { gpu: '1.5' } })[0]).toMatch(/^quota\.gpu: must be a whole number of GPUs/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', quota: { pods: '2.5' } })[0]).toMatch(/^quota\.pods: must be a whole number of pods/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', quota: { disk: '1' } })[0]).toMatch(/quota/);
  });

  it('refuses duplicate and malformed instance type names in the allowed list, and unknown fields', () => {
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', allowedInstanceTypes: ['gpu-1', 'gpu-1'] })).toEqual(['allowedInstanceTypes.1: "gpu-1" is listed twice']);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', allowedInstanceTypes: ['GPU'] })[0]).toMatch(/^allowedInstanceTypes\.0: instance type name must contain only lowercase/);
    expect(errors({ workspace: 'v', name: 'ab', cluster: 'c', identity: 'x' })[0]).toMatch(/identity/);
  });

  it('update: null removes the quota and means "all types"; absent keeps them', () => {
    const r = updateComputeInput.safeParse({ workspace: 'v', name: 'ab', quota: null, allowedInstanceTypes: null });
    expect(r.success && r.data).toMatchObject({ quota: null, allowedInstanceTypes: null });
    const k = updateComputeInput.safeParse({ workspace: 'v', name: 'ab' });
    expect(k.success && 'quota' in k.data && k.data.quota !== undefined).toBe(false);
  });
});

describe('quota and namespace helpers', () => {
  it('turns a quota into ResourceQuota hard limits on requests and the pod count', () => {
    expect(quotaToHard({ cpu: '16', memory: '64Gi', gpu: '4', pods: '20' })).toEqual({ 'requests.cpu': '16', 'requests.memory': '64Gi', 'requests.nvidia.com/gpu': '4', pods: '20' });
    expect(quotaToHard({ gpu: '2' })).toEqual({ 'requests.nvidia.com/gpu': '2' });
  });
  it('gives amounts in base units, null for no limit', () => {
    expect(quotaAmounts({ cpu: '500m', memory: '1Gi' })).toEqual({ cpu: 0.5, memory: 2 ** 30, gpu: null, pods: null });
    expect(quotaAmounts(null)).toEqual({ cpu: null, memory: null, gpu: null, pods: null });
  });
  it('derives a lower-case namespace from workspace and target', () => {
    expect(defaultNamespaceFor('vision', 'GPU-A')).toBe('vision-gpu-a');
    expect(defaultNamespaceFor('a'.repeat(60), 'target')).toBe(`${'a'.repeat(60)}-ta`);
    expect(defaultNamespaceFor('a'.repeat(62), 'xy')).toBe('a'.repeat(62));
  });
});

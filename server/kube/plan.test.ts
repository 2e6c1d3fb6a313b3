import { describe, expect, it } from 'vitest';
import type { KubeClient } from './client';
import { kubeErrorFromNetwork, kubeErrorFromResponse } from './errors';
import { applyPlan, applySteps, kubeObject, planError, refOf, type KubeObject } from './plan';

const cm = (name: string, namespace = 'azureml'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} });

/** A client whose PATCHes answer from `answer` (by object name); nothing else is called. */
function fakeClient(answer: (name: string) => unknown): KubeClient {
  return {
    request: async (_method: string, path: string) => {
      const r = answer(path.split('/').pop()!);
      if (r instanceof Error) throw r;
      return r;
    },
  } as unknown as KubeClient;
}

describe('one object type', () => {
  it('takes typed manifests as KubeObjects after checking what the API server needs', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'ns' }, stringData: { k: 'v' } };
    expect(kubeObject(secret)).toBe(secret);
    expect(() => kubeObject({ apiVersion: 'v1', kind: 'Secret', metadata: {} })).toThrow(/Secret \(no name\) lacks apiVersion, kind or metadata.name/);
    expect(refOf(cm('x'))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'azureml' });
    expect(refOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } })).toEqual({ apiVersion: 'v1', kind: 'Namespace', name: 'n' });
  });
});

describe('applyPlan verdicts', () => {
  it('reports the stored resourceVersion of a real apply, not of a dry run', async () => {
    const client = fakeClient(() => ({ metadata: { uid: 'u1', resourceVersion: '42' } }));
    expect((await applyPlan(client, applySteps([cm('x')]))).verdicts[0]).toMatchObject({ outcome: 'applied', uid: 'u1', resourceVersion: '42' });
    const dry = (await applyPlan(client, applySteps([cm('x')]), { dryRun: true })).verdicts[0];
    expect(dry.outcome).toBe('applied');
    expect(dry.resourceVersion).toBeUndefined();
  });

  it('keeps the reason and the API server\'s words of a refusal, naming the object', async () => {
    const status = JSON.stringify({ kind: 'Status', message: 'configmaps "x" is forbidden: frozen by policy', reason: 'Forbidden', code: 403 });
    const r = await applyPlan(fakeClient(() => kubeErrorFromResponse(403, status, 'apply ConfigMap azureml/x')), applySteps([cm('x')]));
    expect(r.verdicts[0]).toMatchObject({ outcome: 'refused', reason: 'forbidden', message: 'configmaps "x" is forbidden: frozen by policy' });
    const e = planError(r)!;
    expect(e.reason).toBe('forbidden');
    expect(e.message).toBe('the API server refused ConfigMap azureml/x: configmaps "x" is forbidden: frozen by policy');
  });

  it('keeps the network reason and message when the API server cannot be asked, and skips the rest', async () => {
    const refused = kubeErrorFromNetwork(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'https://k8s.example.com:6443');
    const r = await applyPlan(fakeClient(() => refused), applySteps([cm('x'), cm('y')]));
    expect(r.unreachable).toBe(true);
    expect(r.verdicts.map((v) => v.outcome)).toEqual(['unreachable', 'skipped']);
    const e = planError(r)!;
    expect(e.reason).toBe('connection_refused');
    expect(e.message).toBe(refused.message);
    expect(planError(await applyPlan(fakeClient(() => ({})), applySteps([cm('x')])))).toBeUndefined();
  });
});

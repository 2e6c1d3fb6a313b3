import { describe, expect, it } from 'vitest';
import { parseImage, registryPrefixProblem, rewriteImage } from './images';
import { checkRouterPlacement } from './placement';
import { parseExtensionSettings } from './settings';

describe('image references', () => {
  it('splits registry, repository, tag and digest', () => {
    expect(parseImage('nginx:1.28-alpine')).toEqual({ ok: true, image: { registry: undefined, repository: 'nginx', tag: '1.28-alpine', digest: undefined } });
    expect(parseImage('registry.local:5000/team/app@sha256:' + 'a'.repeat(64))).toMatchObject({
      ok: true, image: { registry: 'registry.local:5000', repository: 'team/app', tag: undefined },
    });
    expect(parseImage('localhost/app:v1')).toMatchObject({ ok: true, image: { registry: 'localhost', repository: 'app' } });
    expect(parseImage('app:bad tag').ok).toBe(false);
  });

  it('rewrites to the mirror, keeping the repository path as written', () => {
    expect(rewriteImage('nginx:1.28-alpine', 'mirror.example.com/ml/')).toBe('mirror.example.com/ml/nginx:1.28-alpine');
    expect(rewriteImage('nvcr.io/nvidia/k8s-device-plugin:v0.17.1', 'mirror.example.com:5000'))
      .toBe('mirror.example.com:5000/nvidia/k8s-device-plugin:v0.17.1');
    expect(rewriteImage('nginx:1.28-alpine')).toBe('nginx:1.28-alpine');
  });

  it('checks the registry prefix', () => {
    expect(registryPrefixProblem('mirror.example.com/ml')).toBeUndefined();
    expect(registryPrefixProblem('mirror example')).toMatch(/is not a registry host/);
    expect(registryPrefixProblem('mirror.example.com/ML')).toMatch(/"ML" is not a valid repository path component/);
  });
});

describe('router placement (E40002 before install, with names)', () => {
  const settings = (extra: Record<string, unknown>) => {
    const r = parseExtensionSettings({ enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: true, ...extra });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };
  const nodes = [
    { name: 'a', labels: { pool: 'ml' } },
    { name: 'b', labels: { pool: 'ml' }, taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' as const }] },
    { name: 'c', labels: { pool: 'ml' }, unschedulable: true },
    { name: 'd', labels: { pool: 'web' } },
    { name: 'e', labels: { pool: 'ml' } },
  ];

  it('HA needs three eligible nodes and says which qualify and why others do not', () => {
    const r = checkRouterPlacement(settings({ nodeSelector: { pool: 'ml' } }), nodes);
    expect(r.ok).toBe(false);
    expect(r.eligible).toEqual(['a', 'e']);
    expect(r.excluded).toEqual({ b: 'taint sku=gpu:NoSchedule', c: 'cordoned', d: 'label pool=ml missing' });
    expect(r.message).toMatch(/needs 3 schedulable node\(s\) matching nodeSelector pool=ml .* only 2 qualify: a, e\. Set inferenceRouterHA=false/);
  });

  it('a single replica fits, unless nodeSelector leaves no node', () => {
    expect(checkRouterPlacement(settings({ inferenceRouterHA: false, nodeSelector: { pool: 'ml' } }), nodes).ok).toBe(true);
    const none = checkRouterPlacement(settings({ inferenceRouterHA: false, nodeSelector: { pool: 'batch' } }), nodes);
    expect(none.ok).toBe(false);
    expect(none.message).toMatch(/only 0 qualify\. Label or add a node, or relax nodeSelector/);
  });
});

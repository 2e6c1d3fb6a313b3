import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseKubeconfig, reduceKubeconfig } from './kubeconfig';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function config(users: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'prod', cluster: { server: 'https://prod.example.com:6443', 'certificate-authority-data': CA } },
      { name: 'lab', cluster: { server: 'https://10.0.0.5:6443', 'insecure-skip-tls-verify': true } },
    ],
    users,
    contexts: [
      { name: 'prod-admin', context: { cluster: 'prod', user: 'admin' } },
      { name: 'lab', context: { cluster: 'lab', user: 'lab-user', namespace: 'ml' } },
    ],
    ...extra,
  });
}

const ADMIN = { name: 'admin', user: { token: 'secret-prod-token' } };
const LAB = { name: 'lab-user', user: { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' } };

describe('kubeconfig parsing', () => {
  it('lists every context with its server and how it authenticates', () => {
    const r = parseKubeconfig(config([ADMIN, LAB], { 'current-context': 'lab' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.currentContext).toBe('lab');
    expect(r.value.contexts.map((c) => [c.name, c.server, c.auth])).toEqual([
      ['prod-admin', 'https://prod.example.com:6443', 'token'],
      ['lab', 'https://10.0.0.5:6443', 'clientCertificate'],
    ]);
    expect(r.value.contexts[1].warnings.join()).toMatch(/insecure-skip-tls-verify/);
  });

  it('refuses exec plugins, auth-providers and file references, saying what to use instead', () => {
    const exec = parseKubeconfig(config([{ name: 'admin', user: { exec: { command: 'az', args: ['aks'] } } }, LAB]));
    expect(exec.ok && exec.value.contexts[0].problems.join()).toMatch(/exec plugin.*run a program on the Harbormaster server/);
    const files = parseKubeconfig(config([{ name: 'admin', user: { 'client-certificate': '/home/me/.kube/c.crt', 'client-key': '/home/me/.kube/c.key' } }, LAB]));
    expect(files.ok && files.value.contexts[0].problems.join()).toMatch(/refers to files.*client-certificate-data/);
    const provider = parseKubeconfig(config([{ name: 'admin', user: { 'auth-provider': { name: 'oidc' } } }, LAB]));
    expect(provider.ok && provider.value.contexts[0].problems.join()).toMatch(/auth-provider/);
  });

  it('explains input that is not a kubeconfig', () => {
    expect(parseKubeconfig('')).toEqual({ ok: false, message: 'the kubeconfig is empty' });
    expect(parseKubeconfig('apiVersion: v1\nkind: Pod\n')).toMatchObject({ ok: false, message: expect.stringMatching(/Pod, not a kubeconfig/) });
    expect(parseKubeconfig('clusters: [\n')).toMatchObject({ ok: false, message: expect.stringMatching(/not valid YAML/) });
  });
});

describe('reducing a kubeconfig to the chosen context', () => {
  it('keeps only that context\'s cluster and user, so other contexts\' secrets are never stored', () => {
    const r = reduceKubeconfig(config([ADMIN, LAB]), 'lab');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.clusters).toEqual([{ name: 'lab', cluster: { server: 'https://10.0.0.5:6443', 'insecure-skip-tls-verify': true } }]);
    expect(r.config.users).toEqual([LAB]);
    expect(r.config['current-context']).toBe('lab');
    expect(JSON.stringify(r.config)).not.toContain('secret-prod-token');
  });

  it('uses current-context by default and asks for a choice when there is none', () => {
    const withCurrent = reduceKubeconfig(config([ADMIN, LAB], { 'current-context': 'prod-admin' }));
    expect(withCurrent.ok && withCurrent.context.name).toBe('prod-admin');
    const none = reduceKubeconfig(config([ADMIN, LAB]));
    expect(none).toMatchObject({ ok: false, field: 'context', message: expect.stringMatching(/2 contexts.*prod-admin, lab/) });
    expect(reduceKubeconfig(config([ADMIN, LAB]), 'staging')).toMatchObject({ ok: false, field: 'context', message: expect.stringMatching(/"staging" is not in the kubeconfig/) });
  });

  it('refuses a context that cannot be used, with the reason', () => {
    const r = reduceKubeconfig(config([{ name: 'admin', user: { exec: { command: 'kubelogin' } } }, LAB]), 'prod-admin');
    expect(r).toMatchObject({ ok: false, field: 'kubeconfig', message: expect.stringMatching(/prod-admin.*exec plugin/) });
  });
});

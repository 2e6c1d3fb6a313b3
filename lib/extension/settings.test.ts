import { describe, expect, it } from 'vitest';
import type { ExtensionSettings } from '@/lib/domain';
import {
  DEFAULT_ROUTER_IMAGE,
  fromAzureConfigurationSettings,
  guardedChanges,
  parseExtensionSettings,
  toAzureConfigurationSettings,
  type SettingsResult,
} from './settings';

function errorsOf(r: SettingsResult) {
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
}
function valueOf(r: SettingsResult) {
  if (!r.ok) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`);
  return r.value;
}

const inference = { enableInference: true, inferenceRouterServiceType: 'loadBalancer', sslSecret: 'fe-tls', sslCname: 'ml.example.com' };

describe('defaults', () => {
  it('an empty object gives training on, inference off, HA router, Azure ML secure defaults', () => {
    const v = valueOf(parseExtensionSettings({}));
    expect(v).toEqual({
      enableTraining: true,
      enableInference: false,
      inferenceRouterServiceType: 'loadBalancer',
      allowInsecureConnections: false,
      inferenceRouterHA: true,
      nodeSelector: {},
      installNvidiaDevicePlugin: false,
      routerImage: DEFAULT_ROUTER_IMAGE,
    });
  });

  it('empty text boxes from a form count as unset', () => {
    const v = valueOf(parseExtensionSettings({ sslSecret: '', imageRegistry: '', proxy: { httpProxy: '' } }));
    expect(v.sslSecret).toBeUndefined();
    expect(v.imageRegistry).toBeUndefined();
    expect(v.proxy).toBeUndefined();
  });
});

describe('inference and TLS rules', () => {
  it('requires inferenceRouterServiceType when inference is enabled', () => {
    const e = errorsOf(parseExtensionSettings({ ...inference, inferenceRouterServiceType: undefined }));
    expect(e.inferenceRouterServiceType).toMatch(/required when enableInference is true/);
  });

  it('accepts Azure ML example spelling "LoadBalancer" and stores the documented one', () => {
    const v = valueOf(parseExtensionSettings({ ...inference, inferenceRouterServiceType: 'LoadBalancer' }));
    expect(v.inferenceRouterServiceType).toBe('loadBalancer');
  });

  it('refuses an unknown service type with the allowed values', () => {
    const e = errorsOf(parseExtensionSettings({ ...inference, inferenceRouterServiceType: 'ingress' }));
    expect(e.inferenceRouterServiceType).toBe('must be one of loadBalancer, nodePort, clusterIP');
  });

  it('requires a TLS source and sslCname unless allowInsecureConnections', () => {
    const e = errorsOf(parseExtensionSettings({ enableInference: true, inferenceRouterServiceType: 'nodePort' }));
    expect(e.sslSecret).toMatch(/TLS is required unless allowInsecureConnections is true/);
    expect(e.sslCname).toMatch(/required unless allowInsecureConnections is true/);
  });

  it('an uploaded certificate satisfies the TLS source but not both at once', () => {
    const ok = parseExtensionSettings(
      { enableInference: true, inferenceRouterServiceType: 'clusterIP', sslCname: 'ml.example.com' },
      { tlsCertificateUploaded: true },
    );
    expect(ok.ok).toBe(true);
    const both = errorsOf(parseExtensionSettings(inference, { tlsCertificateUploaded: true }));
    expect(both.sslSecret).toBe('use either sslSecret or an uploaded certificate, not both');
  });

  it('insecure inference needs no certificate but warns on a public load balancer', () => {
    const r = parseExtensionSettings({ enableInference: true, inferenceRouterServiceType: 'loadBalancer', allowInsecureConnections: true });
    expect(r.ok).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/travel unencrypted/);
  });

  it('internal load balancer: only azure, only with loadBalancer', () => {
    expect(errorsOf(parseExtensionSettings({ ...inference, internalLoadBalancerProvider: 'aws' })).internalLoadBalancerProvider).toMatch(/only "azure" is supported/);
    expect(errorsOf(parseExtensionSettings({ ...inference, inferenceRouterServiceType: 'nodePort', internalLoadBalancerProvider: 'azure' })).internalLoadBalancerProvider)
      .toBe('applies only to inferenceRouterServiceType=loadBalancer, not nodePort');
  });

  it('sslCname must be a concrete FQDN', () => {
    expect(errorsOf(parseExtensionSettings({ ...inference, sslCname: '*.example.com' })).sslCname).toMatch(/not a wildcard/);
    expect(errorsOf(parseExtensionSettings({ ...inference, sslCname: '10.0.0.4' })).sslCname).toMatch(/not an IP address/);
    expect(errorsOf(parseExtensionSettings({ ...inference, sslCname: 'scoring' })).sslCname).toMatch(/fully qualified/);
  });

  it('training and inference both off is refused', () => {
    expect(errorsOf(parseExtensionSettings({ enableTraining: false })).enableTraining).toMatch(/nothing to run/);
  });

  it('HA router warns about the 3-node requirement', () => {
    const r = parseExtensionSettings({ ...inference, nodeSelector: { pool: 'ml' } });
    expect(r.warnings.join('\n')).toMatch(/at least 3 schedulable nodes matching nodeSelector/);
  });
});

describe('field syntax with precise paths', () => {
  it('nodeSelector keys and values use label syntax; the path names the key', () => {
    const e = errorsOf(parseExtensionSettings({ nodeSelector: { 'Bad Key': 'x', 'kubernetes.io/os': 'linux!', 'a/b/c': 'ok' } }));
    expect(e['nodeSelector.Bad Key']).toMatch(/must contain only letters, digits/);
    expect(e['nodeSelector.kubernetes.io/os']).toMatch(/label value "linux!"/);
    expect(e['nodeSelector.a/b/c']).toMatch(/at most one '\/'/);
    expect(valueOf(parseExtensionSettings({ nodeSelector: { 'agentpool': 'gpu', 'example.com/tier': '' } })).nodeSelector)
      .toEqual({ agentpool: 'gpu', 'example.com/tier': '' });
  });

  it('routerImage, imageRegistry and imagePullSecret are checked', () => {
    const e = errorsOf(parseExtensionSettings({ routerImage: 'Nginx:latest', imageRegistry: 'https://mirror.example.com', imagePullSecret: 'Pull_Secret' }));
    expect(e.routerImage).toMatch(/"Nginx" is not a valid repository name component/);
    expect(e.imageRegistry).toBe('write the registry without a scheme, e.g. "mirror.example.com"');
    expect(e.imagePullSecret).toMatch(/^Secret name must contain only lowercase/);
  });

  it('proxy errors point into proxy.*', () => {
    const e = errorsOf(parseExtensionSettings({ proxy: { httpsProxy: 'proxy.corp:3128', noProxy: 'localhost' } }));
    expect(e['proxy.httpsProxy']).toBe('"proxy.corp:3128" has no scheme: write http://proxy.corp:3128');
    expect(e['proxy.noProxy']).toMatch(/^NO_PROXY is missing 127\.0\.0\.1, \.svc, \.svc\.cluster\.local, kubernetes\.default\.svc\./);
  });

  it('NO_PROXY is checked against the cluster CIDRs when known', () => {
    const proxy = { httpsProxy: 'http://proxy.corp:3128', noProxy: '127.0.0.1,localhost,.svc,.svc.cluster.local,kubernetes.default.svc' };
    expect(parseExtensionSettings({ proxy }).ok).toBe(true);
    const e = errorsOf(parseExtensionSettings({ proxy }, { clusterNetwork: { serviceCidrs: ['10.0.0.0/16'] } }));
    expect(e['proxy.noProxy']).toMatch(/missing 10\.0\.0\.0\/16/);
  });

  it('refuses unknown keys and explains Azure ML keys it does not implement', () => {
    const e = errorsOf(parseExtensionSettings({ enableInferance: true, installVolcano: true, sslCertPemFile: '/tmp/c.pem', proxy: { noproxy: 'x' } }));
    expect(e.enableInferance).toBe('unknown setting "enableInferance"');
    expect(e.installVolcano).toMatch(/^installVolcano is not supported: Harbormaster runs jobs as batch\/v1 Jobs/);
    expect(e.sslCertPemFile).toMatch(/upload the certificate/);
    expect(e['proxy.noproxy']).toBe('unknown setting "noproxy"');
  });

  it('accepts Azure ML keys set to what Harbormaster does anyway, and drops them', () => {
    const v = valueOf(parseExtensionSettings({ installVolcano: false, installPromOp: 'False' }));
    expect(v).not.toHaveProperty('installVolcano');
    expect(v).not.toHaveProperty('installPromOp');
  });
});

describe('Azure ML configurationSettings round trip', () => {
  it('reads az k8s-extension --config values, nodeSelector.* included', () => {
    const input = fromAzureConfigurationSettings({
      enableTraining: 'True',
      enableInference: 'True',
      inferenceRouterServiceType: 'LoadBalancer',
      allowInsecureConnections: 'False',
      sslSecret: 'azureml-tls',
      sslCname: 'ml.contoso.com',
      inferenceRouterHA: 'False',
      'nodeSelector.agentpool': 'ml',
      installVolcano: 'False',
    });
    const v = valueOf(parseExtensionSettings(input));
    expect(v).toMatchObject({ enableInference: true, inferenceRouterHA: false, inferenceRouterServiceType: 'loadBalancer', nodeSelector: { agentpool: 'ml' } });
    expect(toAzureConfigurationSettings(v)).toEqual({
      enableTraining: 'True',
      enableInference: 'True',
      allowInsecureConnections: 'False',
      inferenceRouterHA: 'False',
      installNvidiaDevicePlugin: 'False',
      inferenceRouterServiceType: 'loadBalancer',
      sslSecret: 'azureml-tls',
      sslCname: 'ml.contoso.com',
      'nodeSelector.agentpool': 'ml',
    });
  });
});

describe('guardedChanges', () => {
  const live = valueOf(parseExtensionSettings({ ...inference, installNvidiaDevicePlugin: true, nodeSelector: { pool: 'ml', zone: 'a' } }));

  it('no change, no confirmation', () => {
    expect(guardedChanges(live, live)).toEqual([]);
  });

  it('lists each change Azure ML warns against, with its consequence', () => {
    const next: ExtensionSettings = {
      ...live,
      enableTraining: false,
      installNvidiaDevicePlugin: false,
      allowInsecureConnections: true,
      inferenceRouterServiceType: 'clusterIP',
      nodeSelector: { zone: 'a' },
    };
    const changes = guardedChanges(live, next);
    expect(changes.map((c) => c.field).sort()).toEqual(
      ['allowInsecureConnections', 'enableTraining', 'inferenceRouterServiceType', 'installNvidiaDevicePlugin', 'nodeSelector.pool'].sort(),
    );
    expect(changes.every((c) => c.azureMlWarns)).toBe(true);
    const byField = Object.fromEntries(changes.map((c) => [c.field, c]));
    expect(byField.allowInsecureConnections.consequence).toMatch(/from https:\/\/ to http:\/\//);
    expect(byField['nodeSelector.pool']).toMatchObject({ from: 'ml', to: null });
    expect(byField.installNvidiaDevicePlugin.consequence).toMatch(/stop advertising nvidia\.com\/gpu/);
  });

  it('internal load balancer toggles and disabling inference are flagged', () => {
    const changes = guardedChanges(live, { ...live, internalLoadBalancerProvider: 'azure' });
    expect(changes).toEqual([expect.objectContaining({ field: 'internalLoadBalancerProvider', from: null, to: 'azure' })]);
    expect(guardedChanges(live, { ...live, enableInference: false }).map((c) => c.field)).toEqual(['enableInference']);
  });

  it('turning things on, or changing the router type while inference was off, needs no confirmation', () => {
    const off = valueOf(parseExtensionSettings({ installNvidiaDevicePlugin: false }));
    expect(guardedChanges(off, { ...off, installNvidiaDevicePlugin: true, enableInference: true, inferenceRouterServiceType: 'nodePort', allowInsecureConnections: true, nodeSelector: { a: 'b' } })).toEqual([]);
  });
});

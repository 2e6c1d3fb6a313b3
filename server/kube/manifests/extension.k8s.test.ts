// The extension bundle checked by a real API server: every object goes through server-side apply with
// dryRun=All, so schema errors, invalid enum values and admission failures surface here rather than at install.
// Namespaced objects are retargeted to a throw-away namespace (the content, not the namespace, is under test).
import { describe, expect, it } from 'vitest';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '@/lib/domain';
import { parseExtensionSettings } from '@/lib/extension/settings';
import { k8sSkipReason, kubeConfig, testNamespace } from '@/testbed/test-helpers';
import { kubeObject, type KubeObject } from '../plan';
import { extensionBundle } from './extension';
import { instanceTypeCrd, instanceTypeCrdModel } from './instance-type-crd';
import { workloadEgressPolicy } from './extension-network';
import { workloadRoleBinding } from './extension-rbac';

describe.skipIf(k8sSkipReason)('extension bundle against the API server (server-side apply, dry run)', () => {
  const ns = testNamespace('ext-bundle');

  async function dryRunApply(objects: KubeObject[]): Promise<string[]> {
    const api = KubernetesObjectApi.makeApiClient(kubeConfig());
    const failures: string[] = [];
    for (const o of objects) {
      let body = o.metadata.namespace ? { ...o, metadata: { ...o.metadata, namespace: ns.name } } : o;
      // client-node's serializer drops wire-only schema keys (x-kubernetes-int-or-string) of the wire-form CRD;
      // its model form serializes back to the same wire object (see instance-type-crd.ts).
      if (o.kind === 'CustomResourceDefinition') body = { ...kubeObject(instanceTypeCrdModel()), metadata: o.metadata };
      try {
        await api.patch(body, undefined, 'All', FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
      } catch (e) {
        const err = e as { body?: string; message?: string };
        failures.push(`${o.kind}/${o.metadata.name}: ${err.body ?? err.message}`);
      }
    }
    return failures;
  }

  it('accepts every object of a full install (HA router over TLS, GPU plugin, proxy)', async () => {
    const r = parseExtensionSettings(
      {
        enableInference: true,
        inferenceRouterServiceType: 'loadBalancer',
        internalLoadBalancerProvider: 'azure',
        sslCname: 'ml.example.com',
        installNvidiaDevicePlugin: true,
        nodeSelector: { 'kubernetes.azure.com/agentpool': 'gpupool' },
        imagePullSecret: 'mirror-pull',
        imageRegistry: 'mirror.example.com/ml',
      },
      { tlsCertificateUploaded: true },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const bundle = extensionBundle({
      settings: r.value,
      version: '0.1.0',
      crd: instanceTypeCrd(),
      tls: { certPem: 'cert', keyPem: 'key' },
      endpoints: [{ name: 'ep', keys: ['0123456789abcdef0123'], timeoutMs: 5000, deployments: [{ name: 'blue', upstream: '10.0.0.1:80', weight: 100 }] }],
    });
    expect(await dryRunApply(bundle.objects)).toEqual([]);
  });

  it('accepts the insecure single-replica variant, the workload egress policy and a target RoleBinding', async () => {
    const r = parseExtensionSettings({ enableInference: true, inferenceRouterServiceType: 'nodePort', allowInsecureConnections: true, inferenceRouterHA: false });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const bundle = extensionBundle({ settings: r.value, version: '0.1.0', crd: instanceTypeCrd() });
    const egress = workloadEgressPolicy({ namespace: ns.name, allowCidrs: ['10.20.0.0/16', 'fd00::/64'], proxy: { httpsProxy: 'http://10.0.0.5:3128' }, apiServer: '10.0.0.1:6443' });
    const binding = workloadRoleBinding({ workspace: 'w', name: 'c', cluster: 'k', namespace: ns.name, serviceAccountName: 'default' });
    expect(await dryRunApply([...bundle.objects, ...egress.policies, binding])).toEqual([]);
  });
});

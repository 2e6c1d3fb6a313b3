import { describe, expect, it } from 'vitest';
import type { ExtensionSettings } from '@/lib/domain';
import { parseExtensionSettings } from '@/lib/extension/settings';
import { extensionBundle, extensionComponents, redactSecrets, uninstallPlan, type ExtensionBundleInput } from './extension';
import type { KubeObject } from '../plan';
import { instanceTypeCrd } from './instance-type-crd';
import { ROUTER_RELOADER_SCRIPT } from '../router/reloader';
import { workloadEgressPolicy } from './extension-network';
import { workloadRoleBinding } from './extension-rbac';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

function settings(input: Record<string, unknown>, ctx = {}): ExtensionSettings {
  const r = parseExtensionSettings(input, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}
const uploaded = { tlsCertificateUploaded: true };
const secureInference = { enableInference: true, inferenceRouterServiceType: 'loadBalancer', sslCname: 'ml.example.com' };

function bundle(s: ExtensionSettings, extra: Partial<ExtensionBundleInput> = {}) {
  return extensionBundle({ settings: s, version: '0.3.1', crd: instanceTypeCrd(), ...extra });
}
const find = (objects: KubeObject[], kind: string, name?: string) => {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind} ${name ?? ''} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as KubeObject & { spec: any; data?: any; stringData?: any; type?: string };
};
const kinds = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('extensionBundle', () => {
  it('training only: namespace, InstanceType CRD, workload RBAC and the network baseline; no router', () => {
    const b = bundle(settings({}));
    expect(kinds(b.objects)).toEqual([
      'Namespace/azureml',
      'CustomResourceDefinition/instancetypes.amlarc.azureml.com',
      'ClusterRole/harbormaster-workload',
      'NetworkPolicy/harbormaster-default-deny-ingress',
    ]);
    expect(extensionComponents(b)).toEqual([]);
  });

  it('labels every object as managed by Harbormaster with the extension version', () => {
    const b = bundle(settings({ ...secureInference, installNvidiaDevicePlugin: true }, uploaded), { tls: { certPem: CERT, keyPem: KEY } });
    for (const o of b.objects) {
      expect(o.metadata.labels, `${o.kind}/${o.metadata.name}`).toMatchObject({
        'app.kubernetes.io/managed-by': 'harbormaster',
        'harbormaster.io/extension-version': '0.3.1',
      });
    }
    expect(() => extensionBundle({ settings: settings({}), version: '1.0/beta', crd: instanceTypeCrd() })).toThrow(/cannot be a label value/);
  });

  it('HA router over TLS with an uploaded certificate', () => {
    const b = bundle(settings({ ...secureInference, internalLoadBalancerProvider: 'azure', nodeSelector: { pool: 'ml' }, imageRegistry: 'mirror.example.com/ml', imagePullSecret: 'mirror-pull' }, uploaded),
      { tls: { certPem: CERT, keyPem: KEY } });
    expect(kinds(b.objects)).toEqual([
      'Namespace/azureml',
      'CustomResourceDefinition/instancetypes.amlarc.azureml.com',
      'ClusterRole/harbormaster-workload',
      'ServiceAccount/azureml-fe',
      'Secret/azureml-fe-tls',
      'ConfigMap/azureml-fe-config',
      'Secret/azureml-fe-keys',
      'Deployment/azureml-fe',
      'Service/azureml-fe',
      'PodDisruptionBudget/azureml-fe',
      'NetworkPolicy/harbormaster-default-deny-ingress',
      'NetworkPolicy/azureml-fe-ingress',
    ]);
    const tlsSecret = find(b.objects, 'Secret', 'azureml-fe-tls');
    expect(tlsSecret.type).toBe('kubernetes.io/tls');
    expect(tlsSecret.stringData).toEqual({ 'tls.crt': CERT, 'tls.key': KEY });

    const dep = find(b.objects, 'Deployment', 'azureml-fe');
    const pod = dep.spec.template.spec;
    expect(dep.spec.replicas).toBe(3);
    expect(dep.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', pool: 'ml' });
    expect(pod.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
    expect(pod.automountServiceAccountToken).toBe(false);
    const c = pod.containers[0];
    expect(c.image).toBe('mirror.example.com/ml/nginx:1.28-alpine');
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(c.ports.map((p: { name: string }) => p.name)).toEqual(['https', 'health']);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'tls').secret).toMatchObject({ secretName: 'azureml-fe-tls' });
    // The entrypoint reloads nginx when config, keys or certificate change (so no checksum annotation rolls the pods).
    expect(c.command).toEqual(['sh', '-c', ROUTER_RELOADER_SCRIPT, 'router-reloader']);
    expect(c.env).toEqual([
      { name: 'ROUTER_CONF', value: '/etc/harbormaster/router/nginx.conf' },
      { name: 'ROUTER_WATCH', value: '/etc/harbormaster/router /etc/harbormaster/router-keys /etc/harbormaster/router-tls' },
      { name: 'ROUTER_POLL_SECONDS', value: '2' },
    ]);
    expect(dep.spec.template.metadata.annotations).toBeUndefined();
    // Mounted as whole volumes (no subPath: the kubelet never updates those), read-only.
    expect(c.volumeMounts.filter((m: { subPath?: string }) => m.subPath)).toEqual([]);

    const svc = find(b.objects, 'Service', 'azureml-fe');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' });
    expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);

    const conf = find(b.objects, 'ConfigMap', 'azureml-fe-config').data['nginx.conf'] as string;
    expect(conf).toContain('listen 8443 ssl;');
    expect(conf).toContain('ssl_certificate /etc/harbormaster/router-tls/tls.crt;');
    expect(conf).not.toContain('listen 8080');
    expect(extensionComponents(b)).toEqual([{ kind: 'Deployment', namespace: 'azureml', name: 'azureml-fe', replicas: 3 }]);
  });

  it('a single router replica when inferenceRouterHA=false: surge rollout, preferred spreading, no PDB', () => {
    const b = bundle(settings({ ...secureInference, inferenceRouterHA: false, inferenceRouterServiceType: 'nodePort' }, uploaded), { tls: { certPem: CERT, keyPem: KEY } });
    const dep = find(b.objects, 'Deployment', 'azureml-fe');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(dep.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(b.objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    const svc = find(b.objects, 'Service', 'azureml-fe');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.metadata.annotations).toBeUndefined();
  });

  it('mounts an existing sslSecret in Azure ML layout by default, or kubernetes.io/tls layout when told', () => {
    const s = settings({ ...secureInference, sslSecret: 'my-tls' });
    const volume = (b: ReturnType<typeof bundle>) =>
      find(b.objects, 'Deployment', 'azureml-fe').spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tls').secret;
    const azure = bundle(s);
    expect(azure.objects.some((o) => o.metadata.name === 'azureml-fe-tls')).toBe(false);
    expect(volume(azure)).toMatchObject({ secretName: 'my-tls', items: [{ key: 'cert.pem', path: 'tls.crt' }, { key: 'key.pem', path: 'tls.key' }] });
    expect(volume(bundle(s, { sslSecretKeys: { cert: 'tls.crt', key: 'tls.key' } })).items).toEqual([{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }]);
  });

  it('plain HTTP on port 80 when allowInsecureConnections=true', () => {
    const b = bundle(settings({ enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: true }));
    const svc = find(b.objects, 'Service', 'azureml-fe');
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    expect(find(b.objects, 'ConfigMap', 'azureml-fe-config').data['nginx.conf']).toContain('listen 8080;');
    expect(find(b.objects, 'Deployment', 'azureml-fe').spec.template.spec.volumes.map((v: { name: string }) => v.name)).toEqual(['config', 'keys', 'run']);
    expect(find(b.objects, 'NetworkPolicy', 'azureml-fe-ingress').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 }]);
  });

  it('keys go to the keys Secret; a change of routes, keys or certificate is reloaded in place, not rolled out', () => {
    const s = settings({ ...secureInference, sslSecret: 'my-tls' });
    const endpoint = (key: string, weight: number) => ({
      name: 'ep', keys: [key], timeoutMs: 5000,
      deployments: [{ name: 'blue', upstream: '10.0.0.1:80', weight }, { name: 'green', upstream: '10.0.0.2:80', weight: 100 - weight }],
    });
    const objects = (st: ExtensionSettings, extra: Partial<ExtensionBundleInput>) => {
      const o = bundle(st, extra).objects;
      return {
        template: JSON.stringify(find(o, 'Deployment', 'azureml-fe').spec.template),
        conf: find(o, 'ConfigMap', 'azureml-fe-config').data['nginx.conf'] as string,
        keys: find(o, 'Secret', 'azureml-fe-keys').stringData['endpoint-keys.map'] as string,
      };
    };
    const base = objects(s, { endpoints: [endpoint('key-aaaaaaaaaaaaaaaaaaaa', 90)] });
    const traffic = objects(s, { endpoints: [endpoint('key-aaaaaaaaaaaaaaaaaaaa', 50)] });
    const keys = objects(s, { endpoints: [endpoint('key-bbbbbbbbbbbbbbbbbbbb', 90)] });
    const none = objects(s, { endpoints: [] });
    const rotated = objects(s, { endpoints: [endpoint('key-aaaaaaaaaaaaaaaaaaaa', 90)], tlsRevision: '4711' });
    // The mounted files do change (the router reloads them) …
    expect(traffic.conf).not.toBe(base.conf);
    expect(none.conf).not.toBe(base.conf);
    expect(keys.keys).not.toBe(base.keys);
    // … and the pod template does not, so the pods are not rolled.
    for (const changed of [traffic, keys, none, rotated]) expect(changed.template).toBe(base.template);
    // What a reload cannot change is in the template and still rolls it: another certificate Secret, plain HTTP.
    expect(objects(settings({ ...secureInference, sslSecret: 'other-tls' }), {}).template).not.toBe(base.template);
    expect(objects(settings({ enableInference: true, inferenceRouterServiceType: 'clusterIP', allowInsecureConnections: true }), {}).template).not.toBe(base.template);

    const b = bundle(s, { endpoints: [endpoint('key-aaaaaaaaaaaaaaaaaaaa', 90)] });
    expect(JSON.stringify(find(b.objects, 'ConfigMap', 'azureml-fe-config'))).not.toContain('key-aaaaaaaaaaaaaaaaaaaa');
    expect(find(b.objects, 'Secret', 'azureml-fe-keys').stringData['endpoint-keys.map']).toContain('"Bearer key-aaaaaaaaaaaaaaaaaaaa" ep;');
  });

  it('NVIDIA device plugin on GPU nodes only, tolerating GPU taints, inside the extension nodeSelector', () => {
    const b = bundle(settings({ installNvidiaDevicePlugin: true, nodeSelector: { pool: 'ml' }, imageRegistry: 'mirror.example.com' }));
    const ds = find(b.objects, 'DaemonSet', 'nvidia-device-plugin-daemonset');
    const pod = ds.spec.template.spec;
    expect(pod.tolerations).toEqual(expect.arrayContaining([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
    ]));
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', pool: 'ml' });
    const terms = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toContainEqual({ matchExpressions: [{ key: 'accelerator', operator: 'In', values: ['nvidia'] }] });
    expect(terms).toContainEqual({ matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] });
    expect(pod.containers[0].image).toBe('mirror.example.com/nvidia/k8s-device-plugin:v0.17.1');
    expect(pod.volumes[0].hostPath.path).toBe('/var/lib/kubelet/device-plugins');
    expect(extensionComponents(b)).toEqual([{ kind: 'DaemonSet', namespace: 'azureml', name: 'nvidia-device-plugin-daemonset' }]);
  });

  it('refuses a crd that is not a CRD', () => {
    expect(() => extensionBundle({ settings: settings({}), version: '1', crd: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }))
      .toThrow('crd must be a CustomResourceDefinition, got ConfigMap');
  });
});

describe('uninstallPlan', () => {
  const b = bundle(settings({ ...secureInference, installNvidiaDevicePlugin: true }, uploaded), { tls: { certPem: CERT, keyPem: KEY } });

  it('keeps the CRD (and so the instance types), the workload ClusterRole and the namespace unless purge', () => {
    const plan = uninstallPlan(b, { purge: false });
    expect(plan.keep.map((k) => `${k.ref.kind}/${k.ref.name}`)).toEqual([
      'ClusterRole/harbormaster-workload',
      'CustomResourceDefinition/instancetypes.amlarc.azureml.com',
      'Namespace/azureml',
    ]);
    expect(plan.keep[1].reason).toMatch(/deletes every InstanceType/);
    expect(plan.delete.map((r) => r.kind)).not.toContain('CustomResourceDefinition');
    // Workloads before their config: the router Deployment goes before its ConfigMap and Secrets.
    const order = plan.delete.map((r) => `${r.kind}/${r.name}`);
    expect(order.indexOf('Deployment/azureml-fe')).toBeLessThan(order.indexOf('ConfigMap/azureml-fe-config'));
    expect(plan.delete.every((r) => r.namespace === 'azureml')).toBe(true);
  });

  it('purge deletes everything, cluster-scoped objects last', () => {
    const plan = uninstallPlan(b, { purge: true });
    expect(plan.keep).toEqual([]);
    expect(plan.delete).toHaveLength(b.objects.length);
    expect(plan.delete.slice(-3).map((r) => r.kind)).toEqual(['ClusterRole', 'CustomResourceDefinition', 'Namespace']);
  });
});

describe('workloadEgressPolicy', () => {
  it('allows DNS, the namespace itself, the proxy by IP and listed CIDRs; only for Harbormaster pods', () => {
    const { policies, warnings } = workloadEgressPolicy({
      namespace: 'team-a',
      allowCidrs: ['10.20.0.0/16'],
      proxy: { httpProxy: 'http://10.0.0.5:3128', httpsProxy: 'http://10.0.0.5:3128', noProxy: 'localhost' },
      apiServer: '10.0.0.1:6443',
    });
    expect(warnings).toEqual([]);
    const p = policies[0] as KubeObject & { spec: any };
    expect(p.metadata).toMatchObject({ name: 'harbormaster-workload-egress', namespace: 'team-a' });
    expect(p.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/managed-by': 'harbormaster' } });
    expect(p.spec.policyTypes).toEqual(['Egress']);
    expect(p.spec.egress).toEqual([
      { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
      { to: [{ podSelector: {} }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] },
      { to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ protocol: 'TCP', port: 3128 }] },
      { to: [{ ipBlock: { cidr: '10.0.0.1/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] },
    ]);
  });

  it('says what NetworkPolicy cannot do: host names for proxy, registry and hosts', () => {
    const { warnings } = workloadEgressPolicy({
      namespace: 'team-a', allowCidrs: [], proxy: { httpsProxy: 'http://proxy.corp:3128' }, registry: 'myacr.azurecr.io', allowHosts: ['files.example.com'],
    });
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/^the proxy proxy\.corp is a host name: NetworkPolicy matches IP addresses only/);
    expect(warnings[1]).toMatch(/image pulls are made by the node's container runtime and are not affected/);
    expect(warnings[2]).toMatch(/Kubernetes API server is not allowed/);
    expect(warnings[3]).toMatch(/^files\.example\.com cannot be allowed by NetworkPolicy/);
  });

  it('refuses malformed CIDRs', () => {
    expect(() => workloadEgressPolicy({ namespace: 'a', allowCidrs: ['10.0.0.1/16', 'x'] })).toThrow(
      'allowCidrs: "10.0.0.1/16" has host bits set; the block is 10.0.0.0/16; "x" is not a CIDR block: "x" is not an IP address',
    );
  });
});

describe('helpers', () => {
  it('redactSecrets hides Secret values only', () => {
    const b = bundle(settings(secureInference, uploaded), { tls: { certPem: CERT, keyPem: KEY } });
    const red = redactSecrets(b.objects);
    expect(find(red, 'Secret', 'azureml-fe-tls').stringData).toEqual({ 'tls.crt': '<redacted>', 'tls.key': '<redacted>' });
    expect(JSON.stringify(red)).not.toContain('MIIE');
    expect(find(b.objects, 'Secret', 'azureml-fe-tls').stringData['tls.key']).toBe(KEY); // original untouched
    expect(find(red, 'ConfigMap', 'azureml-fe-config')).toBe(find(b.objects, 'ConfigMap', 'azureml-fe-config'));
  });

  it('workloadRoleBinding binds a target ServiceAccount to the workload ClusterRole in its namespace', () => {
    const rb = workloadRoleBinding({ workspace: 'vision', name: 'gpu-west', cluster: 'aks', namespace: 'vision-train', serviceAccountName: 'hm-gpu-west' }) as KubeObject & { roleRef: unknown; subjects: unknown };
    expect(rb.metadata.namespace).toBe('vision-train');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'harbormaster-workload' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hm-gpu-west', namespace: 'vision-train' }]);
  });
});

// Harbormaster's ML extension on the local cluster, end to end through the install/uninstall actions:
// validation before anything is applied, install with TLS and router pods Ready, re-runs that change nothing,
// settings changes (pruning, guarded changes), an interrupted install completed by a re-run, uninstall with
// and without purge, and Azure ML's extension detected and left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AdmissionregistrationV1Api, ApiextensionsV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, PolicyV1Api, RbacAuthorizationV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { createCast, type Cast } from '@/test/fixtures';
import { k8sSkipReason, kubeConfig, waitFor } from '@/testbed/test-helpers';
import { createPki, fullChain, opensslDate, type Issued, type Pki } from '../kube/router/test-pki';
import { instanceTypeCrdModel } from '../kube/manifests/instance-type-crd';
import { dropAllClusterCaches } from '../kube/cache';
import { runAction } from '../actions/run';
import { clusterClient, extensionRow, getClusterRow } from './clusters';
import { getExtensionView, planInstall, recordInstall, type ExtensionStep } from './extension';
import { runExtensionOperation } from './extension-installer';
import { getObject } from '../kube/apply';
import type { ObjectRef } from '../kube/plan';
import { installAndWait, registerTestCluster, rejection, uninstall, purgeAndWait } from './clusters.k8s-support';

const CNAME = 'ml.test.harbormaster.local';
const NAME = 'tb-ext';
const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;

describe.skipIf(k8sSkipReason)('the ML extension on the local cluster', () => {
  let cast: Cast;
  let dir: string;
  let pki: Pki;
  let leaf: Issued;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let ext: ApiextensionsV1Api;
  const tlsSettings = { enableInference: true, inferenceRouterServiceType: 'loadBalancer', sslCname: CNAME, inferenceRouterHA: true };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-ext-'));
    pki = createPki(dir);
    leaf = pki.issue('leaf', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    const kc = kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    ext = kc.makeApiClient(ApiextensionsV1Api);
    cast = await createCast();
    await registerTestCluster(cast, NAME);
  });
  afterAll(async () => {
    await purgeAndWait(cast, NAME);
    dropAllClusterCaches();
    await cast?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function rvs(refs: ObjectRef[]): Promise<Record<string, string>> {
    const row = await getClusterRow(cast.db.db, NAME);
    const client = clusterClient(row);
    try {
      const out: Record<string, string> = {};
      for (const r of refs) {
        const o = await getObject<{ metadata: { resourceVersion: string } }>(client, r);
        out[`${r.kind}/${r.namespace ?? ''}/${r.name}`] = o?.metadata.resourceVersion ?? 'missing';
      }
      return out;
    } finally {
      client.close();
    }
  }

  it('refuses bad certificates and an incomplete NO_PROXY before anything is applied', async () => {
    const install = (input: Record<string, unknown>) => rejection(runAction('clusters.extension.install', { name: NAME, ...input }, cast.caller('admin')));

    const other = pki.issue('other', { cn: CNAME, sans: [`DNS:${CNAME}`] });
    const mismatched = await install({ settings: tlsSettings, tls: { certPem: fullChain(pki, leaf), keyPem: other.keyPem } });
    expect(mismatched.message).toMatch(/the private key does not match certificate #1 .*, the server certificate/);
    expect(mismatched.fieldErrors).toContainEqual({ path: 'tls.keyPem', message: expect.stringMatching(/does not match/) });

    const past = new Date(Date.now() - 10 * 86_400_000);
    const expired = pki.issue('expired', { cn: CNAME, sans: [`DNS:${CNAME}`], startDate: opensslDate(new Date(past.getTime() - 86_400_000)), endDate: opensslDate(past) });
    expect((await install({ settings: tlsSettings, tls: { certPem: fullChain(pki, expired), keyPem: expired.keyPem } })).message).toMatch(/the server certificate expired on/);

    const wrongSan = pki.issue('wrong-san', { cn: 'other.example.com', sans: ['DNS:other.example.com'] });
    const san = await install({ settings: tlsSettings, tls: { certPem: fullChain(pki, wrongSan), keyPem: wrongSan.keyPem } });
    expect(san.message).toMatch(/does not cover sslCname ml.test.harbormaster.local: its DNS names are other.example.com/);
    expect(san.fieldErrors).toContainEqual({ path: 'settings.sslCname', message: expect.any(String) });

    const reversed = pki.root.certPem + pki.intermediate.certPem + leaf.certPem;
    expect((await install({ settings: tlsSettings, tls: { certPem: reversed, keyPem: leaf.keyPem } })).message).toMatch(/order it leaf → intermediate → root|private key belongs to/);

    const noLoopback = await install({ settings: { proxy: { httpsProxy: 'http://10.1.2.3:3128', noProxy: 'localhost,.svc,.svc.cluster.local,kubernetes.default.svc,10.0.0.0/24' } } });
    expect(noLoopback.fieldErrors).toContainEqual({ path: 'settings.proxy.noProxy', message: expect.stringMatching(/NO_PROXY is missing 127\.0\.0\.1\b.*exit code 137/) });
    const noServiceCidr = await install({ settings: { proxy: { httpsProxy: 'http://10.1.2.3:3128', noProxy: '127.0.0.1,localhost,.svc,.svc.cluster.local,kubernetes.default.svc' } } });
    expect(noServiceCidr.message).toMatch(/NO_PROXY is missing 10\.0\.0\.0\/24\. Add: 10\.0\.0\.0\/24 \(the cluster's service CIDR/);

    // Nothing reached the cluster.
    await expect(core.readNamespace({ name: 'azureml' })).rejects.toSatisfy(isNotFound);
  });

  it('installs with TLS: every object accepted, progress recorded, router pods Ready on three nodes', async () => {
    const { result, ext: row } = await installAndWait(cast, NAME, { settings: tlsSettings, tls: { certPem: fullChain(pki, leaf), keyPem: leaf.keyPem } });
    expect(result.extension.status).toBe('installing');
    expect(row.status).toBe('installed');
    const steps = row.steps as ExtensionStep[];
    expect(steps.filter((s) => s.status !== 'done' && s.status !== 'skipped')).toEqual([]);
    expect(steps.find((s) => s.key === 'rollout:Deployment:azureml:azureml-fe')?.detail).toBe('3 of 3 ready');
    const applied = row.applied as ObjectRef[];
    expect(applied.map((r) => `${r.kind}/${r.name}`)).toEqual(expect.arrayContaining([
      'Namespace/azureml', 'CustomResourceDefinition/instancetypes.amlarc.azureml.com', 'ClusterRole/harbormaster-workload', 'Secret/azureml-fe-tls', 'ConfigMap/azureml-fe-config',
      'Deployment/azureml-fe', 'Service/azureml-fe', 'PodDisruptionBudget/azureml-fe', 'NetworkPolicy/harbormaster-default-deny-ingress',
    ]));
    expect(Object.values(await rvs(applied))).not.toContain('missing');

    const pods = (await core.listNamespacedPod({ namespace: 'azureml', labelSelector: 'app.kubernetes.io/name=azureml-fe' })).items;
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3);
    const secret = await core.readNamespacedSecret({ name: 'azureml-fe-tls', namespace: 'azureml' });
    expect(Buffer.from(secret.data!['tls.crt'], 'base64').toString()).toBe(fullChain(pki, leaf));

    // The CRD validates what Azure ML validates.
    const co = kubeConfig().makeApiClient(CustomObjectsApi);
    const it = (name: string, limits: Record<string, unknown>) => ({ apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'InstanceType', metadata: { name }, spec: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi', ...limits } } } });
    await co.createClusterCustomObject({ group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes', body: it('ext-test-gpu', { 'nvidia.com/gpu': 1 }) });
    await expect(co.createClusterCustomObject({ group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes', body: it('ext-test-half', { 'nvidia.com/gpu': '0.5' }) })).rejects.toThrow();

    const view = await getExtensionView(cast.db.db, await getClusterRow(cast.db.db, NAME));
    expect(view).toMatchObject({ flavor: 'harbormaster', status: 'installed', version: '0.1.0', tls: { source: 'uploaded', subject: `CN=${CNAME}` } });
    expect(JSON.stringify(view)).not.toContain('PRIVATE KEY');
  });

  it('re-running a finished install changes no object (no resourceVersion moves)', async () => {
    const before = (await extensionRow(cast.db.db, (await getClusterRow(cast.db.db, NAME)).id))!;
    const rv1 = await rvs(before.applied as ObjectRef[]);
    const { ext: row } = await installAndWait(cast, NAME, { settings: tlsSettings });
    expect(row.status).toBe('installed');
    expect(await rvs(row.applied as ObjectRef[])).toEqual(rv1);
    expect((row.steps as ExtensionStep[]).filter((s) => s.key.startsWith('apply:')).map((s) => s.detail)).toEqual((row.steps as ExtensionStep[]).filter((s) => s.key.startsWith('apply:')).map(() => 'unchanged'));
  });

  it('changes settings: fewer router replicas prune the PodDisruptionBudget; guarded changes need confirmation', async () => {
    const { ext: row } = await installAndWait(cast, NAME, { settings: { ...tlsSettings, inferenceRouterHA: false } });
    expect(row.status).toBe('installed');
    await waitFor(async () => (await apps.readNamespacedDeployment({ name: 'azureml-fe', namespace: 'azureml' })).status?.replicas === 1, { what: 'router scaled to 1' });
    await expect(kubeConfig().makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: 'azureml-fe', namespace: 'azureml' })).rejects.toSatisfy(isNotFound);

    const insecure = { ...tlsSettings, inferenceRouterHA: false, allowInsecureConnections: true };
    const refused = await rejection(runAction('clusters.extension.install', { name: NAME, settings: insecure }, cast.caller('admin')));
    expect(refused.message).toMatch(/need confirm: true — allowInsecureConnections: false → true \(the router switches from HTTPS to plain HTTP/);
    const { ext: changed } = await installAndWait(cast, NAME, { settings: insecure, confirm: true });
    expect(changed.status).toBe('installed');
    const svc = await core.readNamespacedService({ name: 'azureml-fe', namespace: 'azureml' });
    expect(svc.spec?.ports?.map((p) => p.port)).toEqual([80]);
    await expect(core.readNamespacedSecret({ name: 'azureml-fe-tls', namespace: 'azureml' })).rejects.toSatisfy(isNotFound);
  });

  it('names the object and the API server\'s message when the cluster refuses an object, and completes once it is allowed', async () => {
    const admission = kubeConfig().makeApiClient(AdmissionregistrationV1Api);
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name: 'hm-test-no-router-config' },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }] },
          validations: [{ expression: "object.metadata.name != 'azureml-fe-config'", message: 'router configuration is frozen by policy hm-test' }],
        },
      },
    });
    await admission.createValidatingAdmissionPolicyBinding({
      body: { metadata: { name: 'hm-test-no-router-config' }, spec: { policyName: 'hm-test-no-router-config', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'azureml' } } } } },
    });
    try {
      // The policy takes effect asynchronously: wait until the API server applies it.
      await waitFor(
        () => core.patchNamespacedConfigMap({ name: 'azureml-fe-config', namespace: 'azureml', dryRun: 'All', body: { data: { probe: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)).then(() => false, () => true),
        { what: 'the admission policy in force' },
      );
      const { ext: failed } = await installAndWait(cast, NAME, { settings: { ...tlsSettings, inferenceRouterHA: false, allowInsecureConnections: true, routerImage: 'nginx:1.28.1-alpine' } });
      expect(failed.status).toBe('failed');
      const step = (failed.steps as ExtensionStep[]).find((x) => x.status === 'failed');
      expect(step?.title).toBe('Apply ConfigMap azureml/azureml-fe-config');
      expect(failed.message).toMatch(/^Apply ConfigMap azureml\/azureml-fe-config: .*router configuration is frozen by policy hm-test/);
    } finally {
      await admission.deleteValidatingAdmissionPolicyBinding({ name: 'hm-test-no-router-config' });
      await admission.deleteValidatingAdmissionPolicy({ name: 'hm-test-no-router-config' });
    }
    const { ext: done } = await waitFor(async () => {
      const r = await installAndWait(cast, NAME, { settings: { ...tlsSettings, inferenceRouterHA: false, allowInsecureConnections: true, routerImage: 'nginx:1.28.1-alpine' } });
      return r.ext.status === 'installed' ? r : undefined;
    }, { what: 'the install to pass once the policy is gone', timeoutMs: 30_000, intervalMs: 1000 });
    expect(done.status).toBe('installed');
  });

  it('uninstalls without purge: removes the router and keeps the CRD and the users\' instance types', async () => {
    const r = await uninstall(cast, NAME, false);
    expect(r.deleted).toEqual(expect.arrayContaining(['Deployment azureml/azureml-fe', 'Service azureml/azureml-fe', 'ConfigMap azureml/azureml-fe-config']));
    expect(r.kept.map((k) => k.object)).toEqual(expect.arrayContaining(['CustomResourceDefinition instancetypes.amlarc.azureml.com', 'Namespace azureml', 'ClusterRole harbormaster-workload']));
    expect(r.message).toMatch(/your instance types stay; uninstall with purge to delete them too/);
    await expect(apps.readNamespacedDeployment({ name: 'azureml-fe', namespace: 'azureml' })).rejects.toSatisfy(isNotFound);
    const co = kubeConfig().makeApiClient(CustomObjectsApi);
    expect(await co.getClusterCustomObject({ group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes', name: 'ext-test-gpu' })).toBeTruthy();
    const view = await getExtensionView(cast.db.db, await getClusterRow(cast.db.db, NAME));
    expect(view.status).toBe('notInstalled');
  });

  it('completes an install interrupted half-way when it is run again', async () => {
    const row = await getClusterRow(cast.db.db, NAME);
    let op: string | undefined;
    const install = { settings: tlsSettings, tls: { certPem: fullChain(pki, leaf), keyPem: leaf.keyPem } };
    const plan = await planInstall(cast.db.db, row, install, { dryRun: false });
    await cast.db.db.transaction(async (tx) => {
      op = (await recordInstall(tx, row, plan, install, { dryRun: false, requestedBy: 'test' })).operationId;
    });
    await runExtensionOperation(cast.db.db, row.id, op!, { interruptAfterApplies: 4 });
    const half = (await extensionRow(cast.db.db, row.id))!;
    expect(half.status).toBe('installing');
    expect((half.steps as ExtensionStep[]).filter((s) => s.key.startsWith('apply:') && s.status === 'done')).toHaveLength(4);
    await expect(apps.readNamespacedDeployment({ name: 'azureml-fe', namespace: 'azureml' })).rejects.toSatisfy(isNotFound);

    const { ext: done } = await installAndWait(cast, NAME, { settings: tlsSettings });
    expect(done.status).toBe('installed');
    expect((await apps.readNamespacedDeployment({ name: 'azureml-fe', namespace: 'azureml' })).status?.readyReplicas).toBe(3);
  });

  it('uninstalls with purge leaving nothing behind', async () => {
    const r = await uninstall(cast, NAME, true);
    expect(r.kept).toEqual([]);
    expect(r.message).toMatch(/the InstanceType CRD and with it every InstanceType on tb-ext, the workload ClusterRole and namespace azureml are deleted/);
    await waitFor(async () => ext.readCustomResourceDefinition({ name: 'instancetypes.amlarc.azureml.com' }).then(() => false, isNotFound), { what: 'CRD gone', timeoutMs: 30_000 });
    await waitFor(async () => core.readNamespace({ name: 'azureml' }).then(() => false, isNotFound), { what: 'namespace azureml gone', timeoutMs: 90_000 });
    const roles = await kubeConfig().makeApiClient(RbacAuthorizationV1Api).listClusterRole({ labelSelector: 'app.kubernetes.io/part-of=harbormaster-ml-extension' });
    expect(roles.items).toEqual([]);
    const crds = await ext.listCustomResourceDefinition({ labelSelector: 'app.kubernetes.io/managed-by=harbormaster' });
    expect(crds.items).toEqual([]);
  });

  it('detects Azure ML\'s extension, shows its instance types and never installs over it', async () => {
    const amlJobs = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'amljobs.amlarc.azureml.com' },
      spec: { group: 'amlarc.azureml.com', scope: 'Namespaced', names: { kind: 'AmlJob', plural: 'amljobs', singular: 'amljob', listKind: 'AmlJobList' }, versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } }] },
    };
    await ext.createCustomResourceDefinition({ body: amlJobs as never });
    const itCrd = instanceTypeCrdModel();
    itCrd.metadata = { name: itCrd.metadata!.name };
    await ext.createCustomResourceDefinition({ body: itCrd });
    await core.createNamespace({ body: { metadata: { name: 'azureml' } } });
    await apps.createNamespacedDeployment({
      namespace: 'azureml',
      body: { metadata: { name: 'aml-operator' }, spec: { replicas: 1, selector: { matchLabels: { app: 'aml-operator' } }, template: { metadata: { labels: { app: 'aml-operator' } }, spec: { containers: [{ name: 'op', image: 'mcr.microsoft.com/azureml/amlarc/aml-operator:1.1.69' }] } } } },
    });
    try {
      await waitFor(() => ext.readCustomResourceDefinition({ name: 'instancetypes.amlarc.azureml.com' }).then((c) => c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True')), { what: 'CRD established' });
      await kubeConfig().makeApiClient(CustomObjectsApi).createClusterCustomObject({
        group: 'amlarc.azureml.com', version: 'v1alpha1', plural: 'instancetypes',
        body: { apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'InstanceType', metadata: { name: 'azure-gpu' }, spec: { nodeSelector: { accelerator: 'nvidia' }, resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi', 'nvidia.com/gpu': 1 } } } },
      });
      const refused = await rejection(runAction('clusters.extension.install', { name: NAME, settings: {} }, cast.caller('admin')));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toMatch(/the Azure ML extension \(Microsoft.AzureML.Kubernetes\) is installed: CRD amljobs.amlarc.azureml.com, aml-operator.*never installs its own extension over it/);
      const un = await rejection(uninstall(cast, NAME, true));
      expect(un.message).toMatch(/Harbormaster did not install it/);
      const view = await waitFor(async () => {
        const v = await getExtensionView(cast.db.db, await getClusterRow(cast.db.db, NAME));
        return v.flavor === 'azureml' && v.azureMl?.instanceTypes.some((i) => i.name === 'azure-gpu') ? v : undefined;
      }, { what: 'Azure ML extension in the view', timeoutMs: 20_000 });
      expect(view.status).toBe('installed');
      expect(view.azureMl?.instanceTypes.map((i) => i.name)).toEqual(['defaultinstancetype', 'azure-gpu']);
      expect(await core.readNamespace({ name: 'azureml' }).then((n) => n.metadata?.labels?.['app.kubernetes.io/part-of'])).toBeUndefined();
    } finally {
      await ext.deleteCustomResourceDefinition({ name: 'amljobs.amlarc.azureml.com' }).catch(() => undefined);
      await ext.deleteCustomResourceDefinition({ name: 'instancetypes.amlarc.azureml.com' }).catch(() => undefined);
      await core.deleteNamespace({ name: 'azureml' }).catch(() => undefined);
      await waitFor(async () => core.readNamespace({ name: 'azureml' }).then(() => false, isNotFound), { what: 'namespace azureml gone', timeoutMs: 90_000 });
    }
  });
});

import type { V1Container, V1Deployment, V1EnvVar, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { LABELS, type ComputeTargetRef, type ExtensionSettings, type InstanceTypeSpec } from '@/lib/domain';
import { ENDPOINT_DEFAULTS, type OnlineDeploymentSpec } from '@/lib/endpoints/spec';
import { validateDns1123Label, validateLabelValue } from '@/lib/k8s-names';
import type { KubeObject } from '../plan';
import { FETCH_CODE_SCRIPT, FETCH_GIT_SCRIPT } from './launcher.job';
import {
  checkResourcesFit,
  deploymentObjectName,
  INFERENCE_CONTAINER,
  ManifestError,
  onlineDeploymentManifests,
  type OnlineDeploymentManifestInput,
} from './online-deployment';

const cpuSmall: InstanceTypeSpec = {
  name: 'cpu-small',
  nodeSelector: { pool: 'cpu' },
  resources: { requests: { cpu: '700m', memory: '1500Mi' }, limits: { cpu: 2, memory: '2Gi' } },
};
const gpu: InstanceTypeSpec = {
  name: 'gpu',
  nodeSelector: { pool: 'gpu' },
  resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 1 } },
};
const target: ComputeTargetRef = { workspace: 'vision', name: 'k8s-compute', cluster: 'aks-westeurope', namespace: 'ml-team', serviceAccountName: 'hm-k8s-compute' };
const settings: ExtensionSettings = {
  enableTraining: true,
  enableInference: true,
  inferenceRouterServiceType: 'clusterIP',
  allowInsecureConnections: true,
  inferenceRouterHA: false,
  nodeSelector: { 'ml-node': 'true' },
  installNvidiaDevicePlugin: false,
  routerImage: 'nginx:1.28-alpine',
};

/** The blue deployment of Azure ML's kubernetes example (reference §7). */
function blueSpec(over: Partial<OnlineDeploymentSpec> = {}): OnlineDeploymentSpec {
  return {
    name: 'blue',
    endpointName: 'my-endpoint',
    tags: {},
    model: { kind: 'path', path: '../model-1/model/' },
    codeConfiguration: { code: '../model-1/onlinescoring/', scoringScript: 'score.py' },
    environment: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' },
    environmentVariables: {},
    instanceType: 'cpu-small',
    instanceCount: 1,
    resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
    scaleSettings: { type: 'default' },
    requestSettings: { requestTimeoutMs: 3000, maxConcurrentRequestsPerInstance: 2, maxQueueWaitMs: 3000 },
    livenessProbe: { periodSeconds: 11, initialDelaySeconds: 12, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 31 },
    readinessProbe: { periodSeconds: 7, initialDelaySeconds: 5, timeoutSeconds: 4, successThreshold: 2, failureThreshold: 9 },
    appInsightsEnabled: false,
    ...over,
  };
}

const code = { kind: 'fetch' as const, url: 'https://harbormaster.example/api/v1/code/abc.tar.gz', secretName: 'my-endpoint-blue-code' };
const model = { kind: 'pvc' as const, claimName: 'models', subPath: 'sklearn/1' };

function render(spec: OnlineDeploymentSpec, extra: Partial<OnlineDeploymentManifestInput> = {}) {
  return onlineDeploymentManifests({ spec, endpointName: 'my-endpoint', target, instanceType: cpuSmall, settings, code, model, ...extra });
}
const find = <T,>(objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind) as unknown as T;
const deploymentOf = (objs: KubeObject[]) => find<V1Deployment>(objs, 'Deployment');
const serviceOf = (objs: KubeObject[]) => find<V1Service>(objs, 'Service');
const hpaOf = (objs: KubeObject[]) => find<V2HorizontalPodAutoscaler | undefined>(objs, 'HorizontalPodAutoscaler');
const containerOf = (d: V1Deployment) => d.spec!.template.spec!.containers.find((c) => c.name === INFERENCE_CONTAINER)!;
const envOf = (c: V1Container) => Object.fromEntries((c.env ?? []).map((e: V1EnvVar) => [e.name, e.value ?? e.valueFrom]));

const expectedLabels = (deployment: string) => ({
  'app.kubernetes.io/managed-by': 'harbormaster',
  'harbormaster.io/workspace': 'vision',
  'harbormaster.io/compute': 'k8s-compute',
  'harbormaster.io/endpoint': 'my-endpoint',
  'harbormaster.io/deployment': deployment,
});

function expectLabelledAndSelected(objs: KubeObject[], deployment: string) {
  for (const o of objs) {
    expect(o.metadata.labels, `${o.kind} labels`).toEqual(expectedLabels(deployment));
    expect(o.metadata.namespace).toBe('ml-team');
  }
  const d = deploymentOf(objs);
  const podLabels = d.spec!.template.metadata!.labels!;
  expect(podLabels).toEqual(expectedLabels(deployment));
  const selector = { [LABELS.endpoint]: 'my-endpoint', [LABELS.deployment]: deployment };
  expect(d.spec!.selector.matchLabels).toEqual(selector);
  // The Service selects exactly this deployment's pods, and only by labels the pods carry.
  const svc = serviceOf(objs);
  expect(svc.spec!.selector).toEqual(selector);
  for (const [k, v] of Object.entries(svc.spec!.selector!)) expect(podLabels[k]).toBe(v);
}

describe('blue: scoring script, scale_settings default', () => {
  const r = render(blueSpec());
  const d = deploymentOf(r.objects);
  const c = containerOf(d);
  const pod = d.spec!.template.spec!;

  it('is a Deployment and a Service named <endpoint>-<deployment>, no HPA', () => {
    expect(r.objectName).toBe('my-endpoint-blue');
    expect(r.objects.map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)).toEqual(['apps/v1/Deployment/my-endpoint-blue', 'v1/Service/my-endpoint-blue']);
    expect(hpaOf(r.objects)).toBeUndefined();
    expect(r.port).toBe(5001);
    expect(r.warnings).toEqual([]);
  });

  it('labels every object per DESIGN §4; the Service selects the pods', () => expectLabelledAndSelected(r.objects, 'blue'));

  it('runs instance_count replicas, rolling one new pod in before one goes', () => {
    expect(d.spec!.replicas).toBe(1);
    expect(d.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it("serves Azure ML's inference server on 5001 named http behind Service port 80", () => {
    expect(c.ports).toEqual([{ name: 'http', containerPort: 5001, protocol: 'TCP' }]);
    expect(serviceOf(r.objects).spec).toEqual({
      type: 'ClusterIP',
      selector: { 'harbormaster.io/endpoint': 'my-endpoint', 'harbormaster.io/deployment': 'blue' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(c.image).toBe('mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest');
  });

  it('probes / on the http port with the numbers of the spec', () => {
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/', port: 'http' }, periodSeconds: 11, initialDelaySeconds: 12, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 31 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 'http' }, periodSeconds: 7, initialDelaySeconds: 5, timeoutSeconds: 4, successThreshold: 2, failureThreshold: 9 });
  });

  it("takes the deployment's requests and limits", () => {
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '200m', memory: '200Mi' } });
  });

  it("sets Azure ML's inference server environment", () => {
    const env = envOf(c);
    expect(env).toMatchObject({
      AML_APP_ROOT: '/var/azureml-app',
      AZUREML_ENTRY_SCRIPT: 'score.py',
      AZUREML_MODEL_DIR: '/var/azureml-app/azureml-models',
      MODEL_FILE_PATH: '/var/azureml-app/azureml-models',
      WORKER_COUNT: '2',
      SCORING_TIMEOUT_MS: '3000',
      AML_APP_INSIGHTS_ENABLED: 'false',
    });
  });

  it('fetches the code into /var/azureml-app with the job launcher script', () => {
    expect(pod.initContainers).toHaveLength(1);
    const init = pod.initContainers![0];
    expect(init.command).toEqual(['/bin/sh', '-c', FETCH_CODE_SCRIPT]);
    expect(init.image).toBe('docker.io/curlimages/curl:8.11.1');
    expect(envOf(init)).toMatchObject({
      HM_CODE_URL: code.url,
      HM_CODE_DIR: '/var/azureml-app',
      HM_CODE_TOKEN: { secretKeyRef: { name: 'my-endpoint-blue-code', key: 'token' } },
    });
    expect(init.volumeMounts).toEqual([{ name: 'code', mountPath: '/var/azureml-app' }]);
    expect(pod.volumes).toContainEqual({ name: 'code', emptyDir: {} });
    expect(c.volumeMounts).toContainEqual({ name: 'code', mountPath: '/var/azureml-app' });
  });

  it('runs as the compute target, placed like jobs, without an API token', () => {
    expect(pod.serviceAccountName).toBe('hm-k8s-compute');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.nodeSelector).toEqual({ 'ml-node': 'true', pool: 'cpu' });
    expect(pod.tolerations).toEqual([
      { key: 'ml.azure.com/amlarc', operator: 'Equal', value: 'true' },
      { key: 'ml.azure.com/amlarc-workload', operator: 'Equal', value: 'true' },
      { key: 'ml.azure.com/workspace', operator: 'Equal', value: 'vision' },
      { key: 'ml.azure.com/compute', operator: 'Equal', value: 'k8s-compute' },
    ]);
    expect(pod.imagePullSecrets).toBeUndefined();
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });
});

describe('green: target_utilization', () => {
  const spec = blueSpec({
    name: 'green',
    scaleSettings: { type: 'target_utilization', minInstances: 1, maxInstances: 3, targetUtilizationPercentage: 70, pollingIntervalSeconds: 10 },
  });
  const r = render(spec);

  it('adds an HPA on CPU with min/max instances and the target percentage; the Deployment starts at min', () => {
    expect(r.objects.map((o) => o.kind)).toEqual(['Deployment', 'Service', 'HorizontalPodAutoscaler']);
    expect(deploymentOf(r.objects).spec!.replicas).toBe(1);
    const hpa = hpaOf(r.objects)!;
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata!.name).toBe('my-endpoint-green');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'my-endpoint-green' },
      minReplicas: 1,
      maxReplicas: 3,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
  });

  it('labels all three objects', () => expectLabelledAndSelected(r.objects, 'green'));

  it('warns that a polling_interval other than the default is recorded, not honoured', () => {
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^scale_settings\.polling_interval: 10 s is recorded/);
    const atDefault = render({ ...spec, scaleSettings: { ...spec.scaleSettings, pollingIntervalSeconds: ENDPOINT_DEFAULTS.targetUtilization.pollingIntervalSeconds } as OnlineDeploymentSpec['scaleSettings'] });
    expect(atDefault.warnings).toEqual([]);
  });

  it('starts at min_instances when it is above 1', () => {
    const two = render({ ...spec, scaleSettings: { type: 'target_utilization', minInstances: 2, maxInstances: 5, targetUtilizationPercentage: 55, pollingIntervalSeconds: 1 } });
    expect(deploymentOf(two.objects).spec!.replicas).toBe(2);
    expect(hpaOf(two.objects)!.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
  });

  it('refuses an HPA without any CPU request', () => {
    const noCpu: InstanceTypeSpec = { name: 'odd', nodeSelector: {}, resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } };
    expect(() => render({ ...spec, resources: undefined }, { instanceType: noCpu })).toThrow(ManifestError);
    expect(() => render({ ...spec, resources: undefined }, { instanceType: noCpu })).toThrow(/resources\.requests\.cpu/);
  });
});

describe('custom container with inference_config', () => {
  const spec = blueSpec({
    name: 'triton',
    codeConfiguration: undefined,
    environment: {
      image: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      inferenceConfig: {
        scoringRoute: { port: 8000, path: '/v2/models/m/infer' },
        livenessRoute: { port: 8000, path: '/v2/health/live' },
        readinessRoute: { port: 8002, path: '/v2/health/ready' },
      },
    },
  });
  const r = render(spec, { code: undefined });
  const d = deploymentOf(r.objects);
  const c = containerOf(d);

  it('listens on the scoring port and probes the routes of inference_config', () => {
    expect(r.port).toBe(8000);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(c.livenessProbe!.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(c.readinessProbe!.httpGet).toEqual({ path: '/v2/health/ready', port: 8002 });
    expect(c.readinessProbe!.failureThreshold).toBe(9);
    expect(serviceOf(r.objects).spec!.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it("keeps the image's files: no code volume, no entry script, no init container", () => {
    expect(d.spec!.template.spec!.initContainers).toBeUndefined();
    expect(c.volumeMounts!.map((m) => m.mountPath)).toEqual(['/var/azureml-app/azureml-models']);
    expect(envOf(c).AZUREML_ENTRY_SCRIPT).toBeUndefined();
    expect(envOf(c).AML_APP_ROOT).toBeUndefined();
  });

  it('uses 5001 and / when inference_config is absent', () => {
    const plain = render({ ...spec, environment: { image: 'registry.example.com/scorer:1' } }, { code: undefined });
    const pc = containerOf(deploymentOf(plain.objects));
    expect(plain.port).toBe(5001);
    expect(pc.livenessProbe!.httpGet).toEqual({ path: '/', port: 'http' });
  });

  it('keeps NET_BIND_SERVICE for a port below 1024', () => {
    const low = render({ ...spec, environment: { image: 'registry.example.com/scorer:1', inferenceConfig: { scoringRoute: { port: 80, path: '/score' }, livenessRoute: { port: 80, path: '/' }, readinessRoute: { port: 80, path: '/' } } } }, { code: undefined });
    expect(containerOf(deploymentOf(low.objects)).securityContext!.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  });

  it('refuses code for a custom container, and a scoring script without code', () => {
    expect(() => render(spec, { code })).toThrow(/code_configuration/);
    expect(() => render(blueSpec(), { code: undefined })).toThrow(/code_configuration\.code/);
  });
});

describe('GPU instance type with tainted nodes', () => {
  const r = render(blueSpec({ name: 'gpu', instanceType: 'gpu', resources: undefined }), {
    instanceType: gpu,
    tolerations: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }, { key: 'sku', value: 'a100', effect: 'NoExecute' }],
    resourceGroup: 'rg-ml',
  });
  const pod = deploymentOf(r.objects).spec!.template.spec!;

  it('tolerates the taints of the nodes and the Azure ML ones', () => {
    expect(pod.tolerations).toEqual([
      { key: 'ml.azure.com/amlarc', operator: 'Equal', value: 'true' },
      { key: 'ml.azure.com/amlarc-workload', operator: 'Equal', value: 'true' },
      { key: 'ml.azure.com/resource-group', operator: 'Equal', value: 'rg-ml' },
      { key: 'ml.azure.com/workspace', operator: 'Equal', value: 'vision' },
      { key: 'ml.azure.com/compute', operator: 'Equal', value: 'k8s-compute' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'sku', operator: 'Equal', value: 'a100', effect: 'NoExecute' },
    ]);
    expect(pod.nodeSelector).toEqual({ 'ml-node': 'true', pool: 'gpu' });
  });

  it("takes the instance type's resources, the GPU requested as its limit", () => {
    expect(containerOf(deploymentOf(r.objects)).resources).toEqual({
      requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' },
    });
  });

  it("a deployment's own resources get a GPU only when they ask for one, and the instance type's cpu/memory limits", () => {
    const own = render(blueSpec({ resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { 'nvidia.com/gpu': 1 } } }), { instanceType: gpu });
    expect(containerOf(deploymentOf(own.objects)).resources).toEqual({
      requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' },
    });
    const none = render(blueSpec({ resources: { requests: { cpu: '2', memory: '8Gi' }, limits: {} } }), { instanceType: gpu });
    expect(containerOf(deploymentOf(none.objects)).resources!.limits).toEqual({ cpu: '8', memory: '32Gi' });
  });

  it('refuses an instance type whose nodeSelector contradicts the extension', () => {
    const clash: InstanceTypeSpec = { ...gpu, nodeSelector: { 'ml-node': 'false' } };
    expect(() => render(blueSpec(), { instanceType: clash })).toThrow(/instance_type: .*ml-node=false.*ml-node=true/);
  });
});

describe('object names', () => {
  it('is <endpoint>-<deployment> when that is a valid name', () => {
    expect(deploymentObjectName('my-endpoint', 'blue')).toBe('my-endpoint-blue');
  });

  it('shortens long names to ≤ 63 characters with a stable hash', () => {
    const endpoint = 'fraud-detection-scoring-endpoint'; // 32, the longest Azure ML allows
    const a = deploymentObjectName(endpoint, 'challenger-model-2026-11-rc-0001');
    const b = deploymentObjectName(endpoint, 'challenger-model-2026-11-rc-0002');
    expect(a.length).toBeLessThanOrEqual(63);
    expect(validateDns1123Label(a)).toBeNull();
    expect(a).toMatch(/^fraud-detection-scoring-endpoint-challenger-model-2026-1-[a-z0-9]{6}$/);
    expect(a).toHaveLength(63);
    expect(deploymentObjectName(endpoint, 'challenger-model-2026-11-rc-0001')).toBe(a);
    expect(b).not.toBe(a);
  });

  it('lower-cases with a hash so names differing in case do not meet', () => {
    const upper = deploymentObjectName('My-Endpoint', 'Blue');
    expect(upper).toMatch(/^my-endpoint-blue-[a-z0-9]{6}$/);
    expect(upper).not.toBe(deploymentObjectName('my-endpoint', 'blue'));
  });

  it('names and labels every object of a long deployment validly', () => {
    const spec = blueSpec({ name: 'challenger-model-2026-11-rc-0001', endpointName: 'fraud-detection-scoring-endpoint' });
    const r = onlineDeploymentManifests({ spec, endpointName: 'fraud-detection-scoring-endpoint', target, instanceType: cpuSmall, settings, code, model });
    for (const o of r.objects) {
      expect(o.metadata.name).toBe(r.objectName);
      expect(r.objectName.length).toBeLessThanOrEqual(63);
      for (const v of Object.values(o.metadata.labels!)) expect(validateLabelValue(v)).toBeNull();
    }
  });

  it('refuses a deployment of another endpoint', () => {
    expect(() => render(blueSpec({ endpointName: 'other' }))).toThrow(/endpoint_name/);
  });
});

describe('imageRegistry', () => {
  const mirrored = { ...settings, imageRegistry: 'mirror.example.com/ml', imagePullSecret: 'mirror-pull' };

  it('rewrites curated environments and the code fetcher, and pulls with the secret', () => {
    const spec = blueSpec({ environment: { image: 'mcr.microsoft.com/azureml/curated/sklearn-1.5:latest', reference: 'azureml:AzureML-sklearn-1.5@latest' } });
    const pod = deploymentOf(render(spec, { settings: mirrored }).objects).spec!.template.spec!;
    expect(pod.containers[0].image).toBe('mirror.example.com/ml/azureml/curated/sklearn-1.5:latest');
    expect(pod.initContainers![0].image).toBe('mirror.example.com/ml/curlimages/curl:8.11.1');
    expect(pod.imagePullSecrets).toEqual([{ name: 'mirror-pull' }]);
  });

  it("leaves the user's own image as written (as for jobs)", () => {
    const pod = deploymentOf(render(blueSpec(), { settings: mirrored }).objects).spec!.template.spec!;
    expect(pod.containers[0].image).toBe('mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest');
  });

  it('fetches git code with the git image from the mirror', () => {
    const pod = deploymentOf(render(blueSpec(), { settings: mirrored, code: { kind: 'git', url: 'https://github.com/Azure/azureml-examples', ref: 'main' } }).objects).spec!.template.spec!;
    const init = pod.initContainers![0];
    expect(init.image).toBe('mirror.example.com/ml/alpine/git:2.47.2');
    expect(init.command).toEqual(['/bin/sh', '-c', FETCH_GIT_SCRIPT]);
    expect(envOf(init)).toMatchObject({ HM_GIT_URL: 'https://github.com/Azure/azureml-examples', HM_GIT_REF: 'main', HM_CODE_DIR: '/var/azureml-app' });
  });
});

describe('model', () => {
  it('mounts a PVC read-only at model_mount_path with its subPath', () => {
    const r = render(blueSpec({ modelMountPath: '/models/fraud' }), { model: { kind: 'pvc', claimName: 'model-store', subPath: 'fraud/3' } });
    const d = deploymentOf(r.objects);
    const c = containerOf(d);
    expect(d.spec!.template.spec!.volumes).toContainEqual({ name: 'model', persistentVolumeClaim: { claimName: 'model-store', readOnly: true } });
    expect(c.volumeMounts).toContainEqual({ name: 'model', mountPath: '/models/fraud', readOnly: true, subPath: 'fraud/3' });
    expect(envOf(c)).toMatchObject({ AZUREML_MODEL_DIR: '/models/fraud', MODEL_FILE_PATH: '/models/fraud' });
  });

  it('records a URI in AZUREML_MODEL_URI and warns it is not fetched', () => {
    const r = render(blueSpec(), { model: { kind: 'uri', uri: 'https://store.example/model.pkl' } });
    const c = containerOf(deploymentOf(r.objects));
    expect(envOf(c).AZUREML_MODEL_URI).toBe('https://store.example/model.pkl');
    expect(envOf(c).AZUREML_MODEL_DIR).toBeUndefined();
    expect(r.warnings).toEqual([expect.stringMatching(/^model: https:\/\/store\.example\/model\.pkl is recorded .*not fetched/)]);
  });

  it('refuses a model nobody resolved', () => {
    expect(() => render(blueSpec(), { model: undefined })).toThrow(ManifestError);
  });

  it('needs no model when the spec has none', () => {
    const r = render(blueSpec({ model: undefined }), { model: undefined });
    expect(envOf(containerOf(deploymentOf(r.objects))).AZUREML_MODEL_DIR).toBeUndefined();
  });
});

describe('environment, annotations, probes', () => {
  it("lets the user's environment_variables win over Azure ML's", () => {
    const c = containerOf(deploymentOf(render(blueSpec({ environmentVariables: { WORKER_COUNT: '8', MODE: 'fast' } })).objects));
    expect((c.env ?? []).filter((e) => e.name === 'WORKER_COUNT')).toEqual([{ name: 'WORKER_COUNT', value: '8' }]);
    expect(envOf(c).MODE).toBe('fast');
  });

  it('puts the annotations given (and sim tags) on the pod template', () => {
    const r = render(blueSpec({ tags: { 'harbormaster.io/sim-exit-code': '3', team: 'x' } }), { annotations: { 'harbormaster.io/sim-run-seconds': '20' } });
    expect(deploymentOf(r.objects).spec!.template.metadata!.annotations).toEqual({ 'harbormaster.io/sim-exit-code': '3', 'harbormaster.io/sim-run-seconds': '20' });
  });

  it('uses 1 as the liveness success threshold (Kubernetes requires it) and says so', () => {
    const r = render(blueSpec({ livenessProbe: { ...blueSpec().livenessProbe, successThreshold: 3 } }));
    expect(containerOf(deploymentOf(r.objects)).livenessProbe!.successThreshold).toBe(1);
    expect(r.warnings).toEqual([expect.stringMatching(/^liveness_probe\.success_threshold/)]);
  });

  it('passes the proxy to the server and the code fetcher', () => {
    const proxied = { ...settings, proxy: { httpsProxy: 'http://proxy.corp:3128', noProxy: '10.0.0.0/8', caBundleConfigMap: 'corp-ca' } };
    const pod = deploymentOf(render(blueSpec(), { settings: proxied }).objects).spec!.template.spec!;
    expect(envOf(pod.containers[0])).toMatchObject({ HTTPS_PROXY: 'http://proxy.corp:3128', https_proxy: 'http://proxy.corp:3128' });
    expect(envOf(pod.containers[0]).NO_PROXY).toBe('10.0.0.0/8,localhost,127.0.0.1,.svc,.svc.cluster.local,kubernetes.default.svc');
    expect(envOf(pod.initContainers![0])).toMatchObject({ HTTPS_PROXY: 'http://proxy.corp:3128', CURL_CA_BUNDLE: '/etc/harbormaster/proxy-ca/ca.crt' });
    expect(pod.volumes).toContainEqual({ name: 'proxy-ca', configMap: { name: 'corp-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
  });
});

describe('checkResourcesFit', () => {
  it('accepts requests and limits within the instance type', () => {
    expect(checkResourcesFit({ requests: { cpu: '1500m', memory: '1Gi' }, limits: { cpu: 2, memory: '2Gi' } }, cpuSmall)).toEqual([]);
    expect(checkResourcesFit(undefined, cpuSmall)).toEqual([]);
    expect(checkResourcesFit({ requests: { cpu: '4' }, limits: { 'nvidia.com/gpu': 1 } }, gpu)).toEqual([]);
  });

  it('refuses a CPU request above the limit, with both numbers', () => {
    expect(checkResourcesFit({ requests: { cpu: '3', memory: '1Gi' }, limits: {} }, cpuSmall)).toEqual([
      { path: 'resources.requests.cpu', message: 'resources.requests.cpu 3 is more than instance type "cpu-small" allows (limit 2)' },
    ]);
  });

  it('refuses a memory limit above the limit, compared by value', () => {
    expect(checkResourcesFit({ requests: { memory: '1500Mi' }, limits: { memory: '4Gi' } }, cpuSmall)).toEqual([
      { path: 'resources.limits.memory', message: 'resources.limits.memory 4Gi is more than instance type "cpu-small" allows (limit 2Gi)' },
    ]);
    // 2048Mi is 2Gi: equal is fine.
    expect(checkResourcesFit({ requests: { memory: '2048Mi' }, limits: { memory: '2048Mi' } }, cpuSmall)).toEqual([]);
  });

  it('refuses more GPUs than the instance type has (none counts as 0)', () => {
    expect(checkResourcesFit({ requests: {}, limits: { 'nvidia.com/gpu': 2 } }, gpu)).toEqual([
      { path: 'resources.limits.nvidia.com/gpu', message: 'resources.limits.nvidia.com/gpu 2 is more than instance type "gpu" allows (limit 1)' },
    ]);
    expect(checkResourcesFit({ requests: {}, limits: { 'nvidia.com/gpu': 1 } }, cpuSmall)).toEqual([
      { path: 'resources.limits.nvidia.com/gpu', message: 'resources.limits.nvidia.com/gpu 1 is more than instance type "cpu-small" allows (limit 0)' },
    ]);
  });

  it('refuses a request above its own limit, and a value that is not a quantity', () => {
    expect(checkResourcesFit({ requests: { cpu: '1500m' }, limits: { cpu: '1' } }, cpuSmall)).toEqual([
      { path: 'resources.requests.cpu', message: 'resources.requests.cpu 1500m is more than resources.limits.cpu 1: a request cannot exceed its limit' },
    ]);
    const bad = checkResourcesFit({ requests: { memory: '2 GB' }, limits: {} }, cpuSmall);
    expect(bad.map((p) => p.path)).toEqual(['resources.requests.memory']);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_DEFAULTS, type DeploymentParseResult, type EndpointParseResult, type OnlineDeploymentSpec } from '@/lib/endpoints/spec';
import { conformanceDir } from '@/test/conformance';
import type { JobIssue } from './issues';
import { normalizeDeployment, normalizeEndpoint, parseDeploymentYaml, parseEndpointYaml } from './online-spec';
import { loadPyYaml } from './yaml';

type Result = EndpointParseResult | DeploymentParseResult;

function ok<R extends Result>(r: R): Extract<R, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r as Extract<R, { ok: true }>;
}
function refused(r: Result): JobIssue[] {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.spec)}`);
  return r.errors;
}
/** The error at `path` (fails when there is none). */
function errorAt(r: Result, at: string): string {
  const e = refused(r).find((x) => x.path === at);
  if (!e) throw new Error(`no error at ${at}: ${JSON.stringify(refused(r))}`);
  return e.message;
}
const paths = (r: Result) => refused(r).map((e) => e.path).sort();
const warningAt = (r: Result, at: string) => ok(r).warnings.find((w) => w.path === at)?.message;

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/endpoints/', import.meta.url));
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

const DEFAULT_PROBE = { periodSeconds: 10, initialDelaySeconds: 10, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 30 };
const DEFAULT_REQUESTS = { requestTimeoutMs: 5000, maxConcurrentRequestsPerInstance: 1, maxQueueWaitMs: 500 };

const ENDPOINT = { name: 'my-endpoint', compute: 'azureml:k8s-inference', auth_mode: 'key' };
const endpoint = (patch: Record<string, unknown>) => normalizeEndpoint({ ...ENDPOINT, ...patch });
const DEPLOYMENT = {
  name: 'blue',
  endpoint_name: 'my-endpoint',
  model: { path: 'model' },
  code_configuration: { code: 'src', scoring_script: 'score.py' },
  environment: { image: 'ghcr.io/example/sklearn:1' },
};
const deployment = (patch: Record<string, unknown>, opts = {}) => normalizeDeployment({ ...DEPLOYMENT, ...patch }, opts);

describe('fixtures → exact specs', () => {
  it('endpoint.yml', () => {
    const r = ok(parseEndpointYaml(fixture('endpoint.yml')));
    expect(r.spec).toEqual({
      name: 'my-endpoint',
      compute: 'k8s-inference',
      authMode: 'key',
      description: 'sklearn regression, blue/green',
      tags: { tag1: 'endpoint-tag1-value' },
    });
    expect(r.warnings).toEqual([]);
  });

  it('blue-deployment.yml', () => {
    const r = ok(parseDeploymentYaml(fixture('blue-deployment.yml'), { endpointName: 'my-endpoint' }));
    expect(r.spec).toEqual({
      name: 'blue',
      endpointName: 'my-endpoint',
      tags: { tag1: 'deployment-tag1-value' },
      model: { kind: 'path', path: '../model-1/model/' },
      codeConfiguration: { code: '../model-1/onlinescoring/', scoringScript: 'score.py' },
      environment: { image: 'ghcr.io/example/sklearn-regression-inference:1.0' },
      environmentVariables: {},
      instanceCount: 1,
      resources: { requests: { cpu: '0.1', memory: '0.1Gi' }, limits: { cpu: '0.2', memory: '200Mi' } },
      scaleSettings: { type: 'default' },
      requestSettings: { requestTimeoutMs: 3000, maxConcurrentRequestsPerInstance: 1, maxQueueWaitMs: 3000 },
      livenessProbe: DEFAULT_PROBE,
      readinessProbe: DEFAULT_PROBE,
      appInsightsEnabled: false,
    } satisfies OnlineDeploymentSpec);
    expect(r.warnings).toEqual([]);
  });

  it('green-deployment.yml', () => {
    const r = ok(parseDeploymentYaml(fixture('green-deployment.yml')));
    expect(r.spec).toEqual({
      name: 'green',
      endpointName: 'my-endpoint',
      tags: {},
      model: { kind: 'path', path: '../model-2/model/' },
      codeConfiguration: { code: '../model-2/onlinescoring/', scoringScript: 'score.py' },
      environment: { image: 'ghcr.io/example/sklearn-regression-inference:1.0' },
      environmentVariables: {},
      instanceType: 'defaultinstancetype',
      instanceCount: 1,
      resources: { requests: { cpu: '0.1', memory: '0.1Gi' }, limits: {} },
      scaleSettings: { type: 'target_utilization', minInstances: 1, maxInstances: 3, targetUtilizationPercentage: 70, pollingIntervalSeconds: 10 },
      requestSettings: DEFAULT_REQUESTS,
      livenessProbe: DEFAULT_PROBE,
      readinessProbe: DEFAULT_PROBE,
      appInsightsEnabled: true,
    } satisfies OnlineDeploymentSpec);
    expect(r.warnings.map((w) => w.path)).toEqual(['app_insights_enabled']);
  });

  it('custom-container-deployment.yml: inference_config routes, a registered model, probes merged with the defaults', () => {
    const r = ok(parseDeploymentYaml(fixture('custom-container-deployment.yml'), { endpointName: 'my-endpoint' }));
    expect(r.spec).toEqual({
      name: 'tfserving',
      endpointName: 'my-endpoint',
      tags: {},
      model: { kind: 'registered', name: 'half-plus-two', version: '1' },
      modelMountPath: '/var/tfserving-model-mount',
      environment: {
        image: 'docker.io/tensorflow/serving:2.14.1',
        inferenceConfig: {
          scoringRoute: { port: 8501, path: '/v1/models/half_plus_two:predict' },
          livenessRoute: { port: 8501, path: '/v1/models/half_plus_two' },
          readinessRoute: { port: 8501, path: '/v1/models/half_plus_two' },
        },
      },
      environmentVariables: { MODEL_BASE_PATH: '/var/tfserving-model-mount/half_plus_two', MODEL_NAME: 'half_plus_two' },
      instanceType: 'defaultinstancetype',
      instanceCount: 2,
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      scaleSettings: { type: 'default' },
      requestSettings: DEFAULT_REQUESTS,
      livenessProbe: { ...DEFAULT_PROBE, initialDelaySeconds: 30, periodSeconds: 5 },
      readinessProbe: { ...DEFAULT_PROBE, failureThreshold: 10 },
      appInsightsEnabled: false,
    } satisfies OnlineDeploymentSpec);
    expect(r.warnings).toEqual([]);
  });

  it('managed-endpoint.yml maps onto the compute target given, and is refused at compute without one', () => {
    const r = ok(parseEndpointYaml(fixture('managed-endpoint.yml'), { compute: 'k8s-inference' }));
    expect(r.spec).toEqual({ name: 'my-managed-endpoint', compute: 'k8s-inference', authMode: 'key', tags: {} });
    expect(errorAt(parseEndpointYaml(fixture('managed-endpoint.yml')), 'compute')).toMatch(/name the Kubernetes compute target/);
    // a compute in the file wins over the option
    expect(ok(parseEndpointYaml(fixture('endpoint.yml'), { compute: 'other' })).spec.compute).toBe('k8s-inference');
  });

  it('managed-deployment.yml maps, with warnings for what changes nothing', () => {
    const r = ok(parseDeploymentYaml(fixture('managed-deployment.yml'), { endpointName: 'my-managed-endpoint' }));
    expect(r.spec).toEqual({
      name: 'blue',
      endpointName: 'my-managed-endpoint',
      tags: {},
      model: { kind: 'path', path: '../../model-1/model/' },
      codeConfiguration: { code: '../../model-1/onlinescoring/', scoringScript: 'score.py' },
      environment: { image: 'ghcr.io/example/sklearn-regression-inference:1.0' },
      environmentVariables: {},
      instanceType: 'defaultinstancetype',
      instanceCount: 1,
      scaleSettings: { type: 'default' },
      requestSettings: { requestTimeoutMs: 90000, maxConcurrentRequestsPerInstance: 4, maxQueueWaitMs: 500 },
      livenessProbe: DEFAULT_PROBE,
      readinessProbe: DEFAULT_PROBE,
      appInsightsEnabled: false,
    } satisfies OnlineDeploymentSpec);
    expect(r.warnings.map((w) => w.path).sort()).toEqual(['egress_public_network_access', 'type']);
  });

  it('a custom container without inference_config gets Azure ML\'s routes (5001, /score, /, /)', () => {
    const r = ok(deployment({ code_configuration: undefined }));
    expect(r.spec.environment).toEqual({
      image: 'ghcr.io/example/sklearn:1',
      inferenceConfig: {
        scoringRoute: { port: ENDPOINT_DEFAULTS.port, path: '/score' },
        livenessRoute: { port: 5001, path: '/' },
        readinessRoute: { port: 5001, path: '/' },
      },
    });
    expect(ok(deployment({})).spec.environment).toEqual({ image: 'ghcr.io/example/sklearn:1' });
  });
});

describe('the conformance corpus (Azure/azureml-examples, cli/endpoints/online/kubernetes)', () => {
  const dir = conformanceDir();
  const files = fs.readdirSync(dir).filter((f) => /^cli__endpoints__online__kubernetes__.*\.ya?ml$/.test(f));
  /** Exactly what each file is refused at (empty: it imports). */
  const EXPECTED: Record<string, string[]> = {
    'cli__endpoints__online__kubernetes__kubernetes-endpoint.yml': [],
    'cli__endpoints__online__kubernetes__kubernetes-blue-deployment.yml': ['environment.conda_file'],
    'cli__endpoints__online__kubernetes__kubernetes-green-deployment.yml': ['environment.conda_file'],
  };

  it('holds the three Kubernetes online files', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const f of files) {
    it(`${f}: ${EXPECTED[f]?.length ? `refused at ${EXPECTED[f].join(', ')}` : 'imports'}`, () => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const r = /endpoint\.ya?ml$/.test(f) ? parseEndpointYaml(text) : parseDeploymentYaml(text, { endpointName: 'my-endpoint' });
      const expected = EXPECTED[f] ?? ['(unknown file: add it to EXPECTED)'];
      if (expected.length === 0) {
        expect(r.ok, JSON.stringify(r)).toBe(true);
      } else {
        expect(paths(r)).toEqual(expected);
        for (const e of refused(r)) expect(e.message).toMatch(/^not supported: conda_file needs an image build/);
      }
    });
  }

  it('the examples import once conda_file is replaced by an image that holds it', () => {
    const text = fs.readFileSync(path.join(dir, 'cli__endpoints__online__kubernetes__kubernetes-green-deployment.yml'), 'utf8');
    const r = ok(parseDeploymentYaml(text.replace(/^ {2}conda_file: .*\n/m, '')));
    expect(r.spec.environment).toEqual({ image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' });
    expect(r.spec.scaleSettings).toEqual({ type: 'target_utilization', minInstances: 1, maxInstances: 3, targetUtilizationPercentage: 70, pollingIntervalSeconds: 10 });
  });
});

describe('endpoints: accepted and refused', () => {
  it('auth_mode: key in any case (and camelCase), default key; aml_token and aad_token refused', () => {
    for (const m of ['key', 'Key', 'KEY', undefined]) expect(ok(endpoint({ auth_mode: m })).spec.authMode).toBe('key');
    expect(errorAt(endpoint({ auth_mode: 'aml_token' }), 'auth_mode')).toBe(
      '"aml_token" is not served here: Harbormaster\'s inference router authenticates with endpoint keys only; use auth_mode: key (the default)',
    );
    expect(errorAt(endpoint({ auth_mode: 'AMLToken' }), 'auth_mode')).toMatch(/^"aml_token" is not served here/);
    expect(errorAt(endpoint({ auth_mode: 'aad_token' }), 'auth_mode')).toMatch(/^"aad_token" is not served here/);
    expect(errorAt(endpoint({ auth_mode: 'token' }), 'auth_mode')).toMatch(/"token" is not allowed; use one of: key, aml_token, aad_token/);
  });

  it('traffic: integers 0–100 summing to 100 or 0', () => {
    expect(ok(endpoint({ traffic: { blue: 90, green: 10 } })).spec.traffic).toEqual({ blue: 90, green: 10 });
    expect(ok(endpoint({ traffic: { blue: 0, green: 0 } })).spec.traffic).toEqual({ blue: 0, green: 0 });
    expect(ok(endpoint({ traffic: { blue: '100' } })).spec.traffic).toEqual({ blue: 100 });
    expect('traffic' in ok(endpoint({})).spec).toBe(false);
    const r = endpoint({ traffic: { blue: 80, green: 10 } });
    expect(paths(r)).toEqual(['traffic']);
    expect(errorAt(r, 'traffic')).toBe('the percentages add up to 90 (blue=80, green=10); they must add up to 100 (or all be 0)');
    const neg = endpoint({ traffic: { blue: 110, green: -10 } });
    expect(paths(neg)).toEqual(['traffic.blue', 'traffic.green']);
    expect(errorAt(neg, 'traffic.green')).toBe('must be a percentage from 0 to 100, not -10');
    expect(errorAt(endpoint({ traffic: { blue: 50.5, green: 49.5 } }), 'traffic.blue')).toMatch(/must be a whole number, not 50.5/);
    expect(errorAt(endpoint({ traffic: { '1bad': 100 } }), 'traffic.1bad')).toMatch(/is not a valid deployment name/);
  });

  it('traffic from YAML: the sum names the received values', () => {
    const r = parseEndpointYaml('name: my-endpoint\ncompute: azureml:k8s\ntraffic:\n  blue: 90\n');
    expect(errorAt(r, 'traffic')).toBe('the percentages add up to 90 (blue=90); they must add up to 100 (or all be 0)');
  });

  it('mirror_traffic: one deployment, 0–50 %, not also in live traffic', () => {
    expect(ok(endpoint({ traffic: { blue: 100, green: 0 }, mirror_traffic: { green: 20 } })).spec.mirrorTraffic).toEqual({ green: 20 });
    expect(errorAt(endpoint({ mirror_traffic: { green: 60 } }), 'mirror_traffic.green')).toBe(
      "must be a percentage from 0 to 50 (Azure ML's limit for mirrored traffic), not 60",
    );
    expect(errorAt(endpoint({ mirror_traffic: { green: 10, red: 10 } }), 'mirror_traffic')).toMatch(/names 2 deployments \(green, red\)/);
    expect(errorAt(endpoint({ traffic: { blue: 50, green: 50 }, mirror_traffic: { green: 10 } }), 'mirror_traffic.green')).toMatch(
      /already receives 50% of live traffic/,
    );
  });

  it('names: Azure ML\'s online endpoint rule, with the rule in the message', () => {
    for (const bad of ['ab', '1endpoint', 'my_endpoint', 'endpoint-', 'a'.repeat(33)]) {
      expect(errorAt(endpoint({ name: bad }), 'name')).toBe(
        `"${bad}" is not a valid endpoint name: 3 to 32 characters: letters, digits and "-", starting with a letter and not ending with "-" (Azure ML's rule for online endpoints)`,
      );
    }
    expect(ok(endpoint({ name: 'a'.repeat(32) })).spec.name).toBe('a'.repeat(32));
  });

  it('compute: azureml:<name>, bare, or an ARM id', () => {
    expect(ok(endpoint({ compute: 'k8s' })).spec.compute).toBe('k8s');
    expect(
      ok(endpoint({ compute: 'azureml:/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/k8s-1' })).spec
        .compute,
    ).toBe('k8s-1');
    expect(errorAt(endpoint({ compute: 'azureml:a b' }), 'compute')).toMatch(/"azureml:a b" is not a compute target/);
  });

  it('unknown fields: refused naming the field, with did-you-mean', () => {
    const r = endpoint({ auth_mod: 'key' });
    expect(paths(r)).toEqual(['auth_mod']);
    expect(errorAt(r, 'auth_mod')).toMatch(/^unknown field "auth_mod" \(did you mean "auth_mode"\?\); fields allowed here: \$schema, name, compute, auth_mode/);
  });

  it('identity refused; public_network_access disabled refused, enabled ignored', () => {
    expect(errorAt(endpoint({ identity: { type: 'system_assigned' } }), 'identity')).toMatch(/^not supported: Harbormaster has no Azure managed identities/);
    expect(errorAt(endpoint({ public_network_access: 'disabled' }), 'public_network_access')).toMatch(/^disabled cannot be honoured/);
    expect(warningAt(endpoint({ public_network_access: 'Enabled' }), 'public_network_access')).toMatch(/is ignored/);
  });

  it('read-only fields are accepted and ignored with a warning', () => {
    const r = ok(endpoint({ id: 'x', provisioning_state: 'Succeeded', scoring_uri: 'http://x/score', openapi_uri: 'http://x/swagger.json', kind: 'K8S' }));
    expect(r.spec).toEqual({ name: 'my-endpoint', compute: 'k8s-inference', authMode: 'key', tags: {} });
    expect(r.warnings.map((w) => w.path)).toEqual(['id', 'provisioning_state', 'scoring_uri', 'openapi_uri', 'kind']);
  });

  it('tags: values as Python writes them; nested values refused', () => {
    const r = ok(parseEndpointYaml('name: my-endpoint\ncompute: azureml:k8s\ntags: {a: 1, b: 1.0, c: true, d: x, e: 2024-01-02, f:}\n'));
    expect(r.spec.tags).toEqual({ a: '1', b: '1.0', c: 'True', d: 'x', e: '2024-01-02' });
    expect(r.warnings.map((w) => w.path)).toEqual(['tags.f']);
    expect(errorAt(endpoint({ tags: { a: { b: 1 } } }), 'tags.a')).toMatch(/must be text .* not a mapping/);
  });

  it('the same document as YAML and as JSON gives the same spec', () => {
    for (const name of ['endpoint.yml', 'managed-endpoint.yml']) {
      const text = fixture(name);
      const loaded = loadPyYaml(text);
      if (!loaded.ok) throw new Error('fixture does not load');
      const json = JSON.parse(JSON.stringify(loaded.value));
      expect(normalizeEndpoint(json, { compute: 'k8s' })).toEqual(parseEndpointYaml(text, { compute: 'k8s' }));
    }
  });
});

describe('deployments: accepted and refused', () => {
  it('endpoint_name must match the endpoint of the URL, or be absent', () => {
    expect(ok(deployment({ endpoint_name: undefined }, { endpointName: 'ep-1' })).spec.endpointName).toBe('ep-1');
    expect(errorAt(deployment({}, { endpointName: 'other-endpoint' }), 'endpoint_name')).toBe(
      '"my-endpoint" does not match the endpoint "other-endpoint" this deployment is being created in; write endpoint_name: other-endpoint, or leave it out',
    );
    expect(errorAt(deployment({ endpoint_name: undefined }), 'endpoint_name')).toMatch(/^is required/);
  });

  it('bad deployment names', () => {
    expect(errorAt(deployment({ name: 'b' }), 'name')).toMatch(/^"b" is not a valid deployment name: 3 to 32 characters/);
    expect(errorAt(deployment({ name: 'blue_1' }), 'name')).toMatch(/^"blue_1" is not a valid deployment name/);
  });

  it('model references: azureml:<name>:<version>, @latest, ARM ids; registry and unversioned refused', () => {
    expect(ok(deployment({ model: 'azureml:iris:3' })).spec.model).toEqual({ kind: 'registered', name: 'iris', version: '3' });
    expect(ok(deployment({ model: 'azureml:iris@latest' })).spec.model).toEqual({ kind: 'registered', name: 'iris', label: 'latest' });
    expect(
      ok(deployment({ model: 'azureml:/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/iris/versions/2' })).spec
        .model,
    ).toEqual({ kind: 'registered', name: 'iris', version: '2' });
    expect(errorAt(deployment({ model: 'azureml://registries/azureml/models/phi-3/versions/1' }), 'model')).toMatch(
      /is in an Azure ML registry \(or the model catalog\): registry assets are not supported for Kubernetes deployments/,
    );
    expect(errorAt(deployment({ model: 'azureml:iris' }), 'model')).toMatch(/names no version/);
    expect(errorAt(deployment({ model: 'azureml:iris:v1' }), 'model')).toMatch(/"v1" is not a model version/);
    expect(errorAt(deployment({ model: 'azureml:iris@prod' }), 'model')).toMatch(/only the label "latest"/);
    expect(errorAt(deployment({ model: 'model/' }), 'model')).toMatch(/is not a model reference: write azureml:<name>:<version>/);
    expect('model' in ok(deployment({ model: undefined })).spec).toBe(false);
  });

  it('inline models: path checked as a model file checks it; registry paths refused', () => {
    expect(ok(deployment({ model: { path: 'azureml://datastores/blobs/paths/iris' } })).spec.model).toEqual({
      kind: 'path',
      path: 'azureml://datastores/blobs/paths/iris',
    });
    expect(errorAt(deployment({ model: { path: 'azureml://registries/azureml/models/x/versions/1' } }), 'model.path')).toMatch(/Azure ML registry/);
    expect(errorAt(deployment({ model: {} }), 'model.path')).toMatch(/^is required/);
    expect(errorAt(deployment({ model: { path: 'm', pth: 'x' } }), 'model.pth')).toMatch(/did you mean "path"/);
    expect(warningAt(deployment({ model: { name: 'iris', version: 1, path: 'm' } }), 'model.name')).toMatch(/records the path only/);
  });

  it('environment: conda_file and build refused as jobs refuse them; references kept for the service to resolve', () => {
    const r = deployment({ environment: { image: 'python:3.11', conda_file: 'conda.yml' } });
    expect(paths(r)).toEqual(['environment.conda_file']);
    expect(errorAt(r, 'environment.conda_file')).toMatch(/^not supported: conda_file needs an image build, which Harbormaster does not do/);
    expect(errorAt(deployment({ environment: { build: { path: 'docker' } } }), 'environment.build')).toMatch(/^not supported: image builds/);
    expect(ok(deployment({ environment: 'azureml:sklearn-env:4' })).spec.environment).toEqual({ image: '', reference: 'azureml:sklearn-env:4' });
    expect(errorAt(deployment({ environment: 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest' }), 'environment')).toMatch(
      /registry assets are not supported for Kubernetes deployments/,
    );
    expect(errorAt(deployment({ environment: 'python:3.11' }), 'environment')).toMatch(/for an image write environment: \{image: python:3.11\}/);
    expect(errorAt(deployment({ environment: { image: 'a b' } }), 'environment.image')).toMatch(/no spaces allowed/);
    expect(errorAt(deployment({ environment: undefined }), 'environment')).toMatch(/^is required/);
  });

  it('resources: gpu only in limits, requests not above limits, quantities as text', () => {
    const gpu = ok(deployment({ resources: { requests: { cpu: '1' }, limits: { cpu: '2', 'nvidia.com/gpu': '1' } } }));
    expect(gpu.spec.resources).toEqual({ requests: { cpu: '1' }, limits: { cpu: '2', 'nvidia.com/gpu': '1' } });
    expect(ok(deployment({ resources: { limits: { gpu: '2' } } })).spec.resources?.limits).toEqual({ 'nvidia.com/gpu': '2' });
    expect(errorAt(deployment({ resources: { requests: { 'nvidia.com/gpu': '1' } } }), 'resources.requests.nvidia.com/gpu')).toMatch(
      /^GPUs are set in resources.limits only/,
    );
    const over = deployment({ resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '0.2', memory: '4Gi' } } });
    expect(paths(over)).toEqual(['resources.requests.cpu']);
    expect(errorAt(over, 'resources.requests.cpu')).toBe('"500m" is more than the limit "0.2" (resources.limits.cpu); a request cannot exceed its limit');
    expect(errorAt(deployment({ resources: { requests: { cpu: 1 } } }), 'resources.requests.cpu')).toMatch(/must be text such as "1"/);
    expect(errorAt(deployment({ resources: { requests: { memory: '2 GB' } } }), 'resources.requests.memory')).toMatch(/is not a Kubernetes quantity/);
    expect(errorAt(deployment({ resources: { limits: { 'nvidia.com/gpu': '0.5' } } }), 'resources.limits.nvidia.com/gpu')).toMatch(/whole number of GPUs/);
    expect(errorAt(deployment({ resources: { requests: { disk: '1Gi' } } }), 'resources.requests.disk')).toMatch(/^unknown field "disk"/);
  });

  it('scale_settings: default or target_utilization with defaults; min_instances above max_instances refused', () => {
    expect(ok(deployment({ scale_settings: { type: 'target_utilization' } })).spec.scaleSettings).toEqual({
      type: 'target_utilization',
      minInstances: 1,
      maxInstances: 1,
      targetUtilizationPercentage: 70,
      pollingIntervalSeconds: 1,
    });
    expect(ok(deployment({ scale_settings: { type: 'TargetUtilization', max_instances: 4 } })).spec.scaleSettings).toMatchObject({ maxInstances: 4 });
    const r = deployment({ scale_settings: { type: 'target_utilization', min_instances: 5, max_instances: 3 } });
    expect(paths(r)).toEqual(['scale_settings.max_instances']);
    expect(errorAt(r, 'scale_settings.max_instances')).toBe('max_instances (3) is less than min_instances (5); max_instances must be at least min_instances');
    expect(errorAt(deployment({ scale_settings: { type: 'target_utilization', min_instances: 2 } }), 'scale_settings.min_instances')).toMatch(
      /max_instances \(1, the default\) is less than min_instances \(2\)/,
    );
    expect(errorAt(deployment({ scale_settings: { type: 'default', max_instances: 3 } }), 'scale_settings.max_instances')).toMatch(/^unknown field/);
    expect(errorAt(deployment({ scale_settings: { type: 'auto' } }), 'scale_settings.type')).toMatch(/use one of: default, target_utilization/);
  });

  it('request settings and probes: positive integers, defaults filled per field', () => {
    const r = ok(deployment({ request_settings: { max_concurrent_requests_per_instance: 8 }, readiness_probe: { period: 3 } }));
    expect(r.spec.requestSettings).toEqual({ requestTimeoutMs: 5000, maxConcurrentRequestsPerInstance: 8, maxQueueWaitMs: 500 });
    expect(r.spec.readinessProbe).toEqual({ ...DEFAULT_PROBE, periodSeconds: 3 });
    expect(r.spec.livenessProbe).toEqual(DEFAULT_PROBE);
    expect(errorAt(deployment({ liveness_probe: { timeout: 0 } }), 'liveness_probe.timeout')).toBe('must be at least 1, not 0');
    expect(errorAt(deployment({ request_settings: { request_timeout_ms: 'soon' } }), 'request_settings.request_timeout_ms')).toBe('must be an integer, not "soon"');
    expect(errorAt(deployment({ instance_count: 0 }), 'instance_count')).toMatch(/must be at least 1/);
  });

  it('data_collector refused; managed-only network fields refused when they would change behaviour', () => {
    expect(errorAt(deployment({ data_collector: { collections: {} } }), 'data_collector')).toMatch(/^not supported: Azure ML's data collector/);
    expect(errorAt(deployment({ egress_public_network_access: 'disabled' }), 'egress_public_network_access')).toMatch(/^disabled cannot be honoured/);
    expect(errorAt(deployment({ private_network_connection: true }), 'private_network_connection')).toMatch(/^true cannot be honoured/);
    expect(warningAt(deployment({ private_network_connection: false }), 'private_network_connection')).toMatch(/is ignored/);
    expect(errorAt(deployment({ instance_type: 'Standard_DS3_v2' }), 'instance_type')).toMatch(/^"Standard_DS3_v2" is an Azure VM size/);
    expect(errorAt(deployment({ with_package: true }), 'with_package')).toMatch(/^unknown field "with_package"/);
  });

  it('code_configuration needs code and scoring_script; registry code refused', () => {
    expect(paths(deployment({ code_configuration: { code: 'src' } }))).toEqual(['code_configuration.scoring_script']);
    expect(errorAt(deployment({ code_configuration: { code: 'azureml://registries/r/codes/c/versions/1', scoring_script: 's.py' } }), 'code_configuration.code')).toMatch(
      /registry assets are not supported/,
    );
    expect(ok(deployment({ code_configuration: { code: 'azureml:code-0123', scoring_script: 's.py' } })).spec.codeConfiguration).toEqual({
      code: 'azureml:code-0123',
      scoringScript: 's.py',
    });
  });

  it('environment variables: text as Python writes it, Kubernetes names', () => {
    const r = ok(parseDeploymentYaml(`${fixture('blue-deployment.yml')}environment_variables: {WORKERS: 4, RATIO: 0.50, DEBUG: false}\n`));
    expect(r.spec.environmentVariables).toEqual({ WORKERS: '4', RATIO: '0.5', DEBUG: 'False' });
    expect(errorAt(deployment({ environment_variables: { '1X': 'a' } }), 'environment_variables.1X')).toMatch(/not an environment variable name/);
  });

  it('unknown fields refused with did-you-mean; read-only ones warned', () => {
    expect(errorAt(deployment({ instance_cout: 2 }), 'instance_cout')).toMatch(/^unknown field "instance_cout" \(did you mean "instance_count"\?\)/);
    expect(ok(deployment({ provisioning_state: 'Succeeded' })).warnings.map((w) => w.path)).toEqual(['provisioning_state']);
  });

  it('the same document as YAML and as JSON gives the same spec', () => {
    for (const name of ['blue-deployment.yml', 'green-deployment.yml', 'custom-container-deployment.yml', 'managed-deployment.yml']) {
      const text = fixture(name);
      const loaded = loadPyYaml(text);
      if (!loaded.ok) throw new Error('fixture does not load');
      const json = JSON.parse(JSON.stringify(loaded.value));
      const y = ok(parseDeploymentYaml(text));
      expect(normalizeDeployment(json)).toEqual(y);
    }
  });
});

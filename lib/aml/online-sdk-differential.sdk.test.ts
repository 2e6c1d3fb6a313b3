// Differential test: Harbormaster's online endpoint and deployment parser (lib/aml/online-spec.ts) against the
// official Azure ML SDK (azure-ai-ml 1.35.2: load_online_endpoint / load_online_deployment, which pick the
// Kubernetes or managed schema as the CLI does, and for Kubernetes deployments refuse registry assets). A
// Kubernetes endpoint and deployment written as the azureml-examples ones (with an image instead of conda_file)
// and their one-field variants are given to both; verdicts must agree and each refusal must name the changed field.
// Harbormaster is stricter only in the cases marked `stricter`, each with its reason. The SDK side is a short
// script written next to the files at run time; it reuses test/aml-sdk/load_jobs.py (verdicts, field paths).

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { parseDeploymentYaml, parseEndpointYaml } from './online-spec';
import type { SdkVerdict } from '@/test/aml-sdk/sdk-venv';
import { differentialSuite, dumpYaml as dump, withField, type DifferentialCase as Case, type Doc } from '@/test/aml-sdk/differential';

const SDK_HELPERS = fileURLToPath(new URL('../../test/aml-sdk/', import.meta.url));

const LOADER = `
import sys
from pathlib import Path
from load_jobs import main, marshmallow_paths, verdict
from azure.ai.ml import load_online_deployment, load_online_endpoint
from azure.ai.ml._schema._endpoint.online.online_endpoint import KubernetesOnlineEndpointSchema, ManagedOnlineEndpointSchema
from azure.ai.ml._schema._deployment.online.online_deployment import KubernetesOnlineDeploymentSchema, ManagedOnlineDeploymentSchema

KIND = sys.argv.pop(2)
DICT_FIELDS = {"tags", "properties", "traffic", "mirror_traffic", "environment_variables"}

def endpoint_schema(data):
    return KubernetesOnlineEndpointSchema if isinstance(data, dict) and data.get("compute") else ManagedOnlineEndpointSchema

def deployment_schema(data):
    return KubernetesOnlineDeploymentSchema if isinstance(data, dict) and data.get("type") == "kubernetes" else ManagedOnlineDeploymentSchema

def check(path: Path):
    if KIND == "endpoint":
        return verdict(path, lambda p: load_online_endpoint(str(p)), lambda p: marshmallow_paths(p, endpoint_schema, DICT_FIELDS))
    return verdict(path, lambda p: load_online_deployment(str(p)), lambda p: marshmallow_paths(p, deployment_schema, DICT_FIELDS))

if __name__ == "__main__":
    main(check)
`;

function sdkOnline(kind: 'endpoint' | 'deployment') {
  return (python: string, files: string[], workDir: string): { version: string; results: SdkVerdict[] } => {
    const script = join(workDir, `load_online_${kind}.py`);
    writeFileSync(script, LOADER);
    const list = join(workDir, `files-${kind}.txt`);
    writeFileSync(list, files.join('\n') + '\n');
    const r = spawnSync(python, [script, list, kind], {
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, PYTHONPATH: SDK_HELPERS },
    });
    if (r.status !== 0) throw new Error(`load_online_${kind}.py failed (${r.status}): ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as { sdk_version: string; results: SdkVerdict[] };
    return { version: parsed.sdk_version, results: parsed.results };
  };
}

type Opts = { field?: string; stricter?: string };
const variant = (base: Doc, id: string, path: string, value: unknown, opts: Opts = {}): Case => ({
  id,
  text: dump(withField(base, path, value)),
  field: opts.field ?? path,
  stricter: opts.stricter,
});

// --- endpoints ------------------------------------------------------------------------------------

const ENDPOINT: Doc = {
  $schema: 'https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json',
  name: 'my-endpoint',
  compute: 'azureml:inferencecompute',
  auth_mode: 'Key',
  description: 'blue/green',
  tags: { tag1: 'endpoint-tag1-value' },
};
const ep = (id: string, path: string, value: unknown, opts?: Opts) => variant(ENDPOINT, id, path, value, opts);

const ROUTER_KEYS = "Harbormaster's inference router serves key auth only";
const NO_IDENTITY = 'Harbormaster has no Azure managed identities';
const SUM = 'Azure ML refuses traffic that adds up to neither 0 nor 100 when it applies it; the SDK checks only <= 100';
const NEGATIVE = 'the service refuses negative percentages; the SDK does not look';
const MIRROR = "Azure ML's service rules for mirror traffic (one deployment, at most 50 %, not also live)";
const SERVICE_NAME = "the Azure ML service's length rule for endpoint and deployment names (3 to 32 characters)";

const ENDPOINT_CASES: Case[] = [
  { id: 'ep-example', text: dump(ENDPOINT) },
  ep('ep-auth-key-lower', 'auth_mode', 'key'),
  ep('ep-auth-missing', 'auth_mode', undefined),
  ep('ep-traffic', 'traffic', { blue: 90, green: 10 }),
  ep('ep-traffic-zero', 'traffic', { blue: 0 }),
  ep('ep-traffic-string', 'traffic', { blue: '100' }),
  ep('ep-mirror', 'mirror_traffic', { green: 10 }),
  ep('ep-description-missing', 'description', undefined),
  ep('ep-tags-number', 'tags', { tier: 1 }),
  ep('ep-id-ignored', 'id', 'azureml:/subscriptions/x/endpoints/my-endpoint'),
  ep('ep-provisioning-state-ignored', 'provisioning_state', 'Succeeded'),
  ep('ep-scoring-uri-ignored', 'scoring_uri', 'http://1.2.3.4/api/v1/endpoint/my-endpoint/score'),
  // managedOnlineEndpoint shape (no compute) with the target given at import
  { id: 'ep-managed', text: dump({ $schema: 'https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json', name: 'my-endpoint', auth_mode: 'key' }) },

  ep('ep-unknown', 'auth_mod', 'key'),
  ep('ep-unknown-instance-type', 'instance_type', 'defaultinstancetype'),
  ep('ep-name-missing', 'name', undefined),
  ep('ep-name-number', 'name', 5),
  ep('ep-name-underscore', 'name', 'my_endpoint'),
  ep('ep-name-leading-digit', 'name', '1endpoint'),
  ep('ep-name-trailing-dash', 'name', 'endpoint-'),
  ep('ep-auth-bogus', 'auth_mode', 'password'),
  ep('ep-traffic-list', 'traffic', ['blue']),
  ep('ep-traffic-fraction', 'traffic', { blue: 'half' }, { field: 'traffic.blue' }),
  ep('ep-traffic-over', 'traffic', { blue: 90, green: 20 }),
  ep('ep-tags-list', 'tags', ['a']),
  ep('ep-description-number', 'description', 5),

  ep('ep-auth-aml-token', 'auth_mode', 'aml_token', { stricter: ROUTER_KEYS }),
  ep('ep-auth-aad-token', 'auth_mode', 'aad_token', { stricter: ROUTER_KEYS }),
  ep('ep-identity', 'identity', { type: 'system_assigned' }, { stricter: NO_IDENTITY }),
  ep('ep-traffic-90', 'traffic', { blue: 80, green: 10 }, { stricter: SUM }),
  ep('ep-traffic-negative', 'traffic', { blue: 110, green: -10 }, { stricter: NEGATIVE }),
  ep('ep-mirror-two', 'mirror_traffic', { green: 10, red: 10 }, { stricter: MIRROR }),
  ep('ep-mirror-60', 'mirror_traffic', { green: 60 }, { field: 'mirror_traffic.green', stricter: MIRROR }),
  ep('ep-name-short', 'name', 'ab', { stricter: SERVICE_NAME }),
  ep('ep-name-long', 'name', 'e'.repeat(33), { stricter: SERVICE_NAME }),
];

// --- deployments ----------------------------------------------------------------------------------

const DEPLOYMENT: Doc = {
  $schema: 'https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json',
  name: 'green',
  type: 'kubernetes',
  endpoint_name: 'my-endpoint',
  app_insights_enabled: true,
  model: { path: 'model' },
  code_configuration: { code: 'onlinescoring', scoring_script: 'score.py' },
  environment: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest' },
  instance_type: 'defaultinstancetype',
  resources: { requests: { cpu: '0.1', memory: '0.1Gi' } },
  scale_settings: { type: 'target_utilization', min_instances: 1, max_instances: 3, polling_interval: 10, target_utilization_percentage: 70 },
};
const dep = (id: string, path: string, value: unknown, opts?: Opts) => variant(DEPLOYMENT, id, path, value, opts);

const BUILD = 'Harbormaster builds no images (conda_file and build need an image build)';
const GPU_REQUESTS = 'GPUs are set in limits only, as instance types set them (Kubernetes requests exactly the limit)';
const OVER_LIMIT = 'Kubernetes refuses a request above its limit when the pod is created';
const MIN_MAX = 'the service refuses min_instances above max_instances';
const COLLECTOR = "the data collector needs Azure ML's collector sidecar and Blob storage";
const PROBES = 'Kubernetes refuses probe timings below 1 (the SDK does not look)';
const VERSIONLESS = 'a model reference without a version or @latest: the service cannot pick one';
const CODE_PARTS = 'a scoring script deployment needs both the code folder and the script';
const QUANTITY = 'not a Kubernetes quantity: the pod could not be created';

const DEPLOYMENT_CASES: Case[] = [
  { id: 'dep-example', text: dump(DEPLOYMENT) },
  dep('dep-scale-default', 'scale_settings', { type: 'default' }),
  dep('dep-scale-camel', 'scale_settings.type', 'TargetUtilization'),
  dep('dep-limits', 'resources.limits', { cpu: '0.2', memory: '200Mi', 'nvidia.com/gpu': '1' }),
  dep('dep-request-settings', 'request_settings', { request_timeout_ms: 3000, max_queue_wait_ms: 3000, max_concurrent_requests_per_instance: 2 }),
  dep('dep-probes', 'liveness_probe', { period: 5, initial_delay: 30, timeout: 3, success_threshold: 1, failure_threshold: 5 }),
  dep('dep-readiness', 'readiness_probe', { failure_threshold: 10 }),
  dep('dep-model-ref', 'model', 'azureml:sklearn-regression:1'),
  dep('dep-model-latest', 'model', 'azureml:sklearn-regression@latest'),
  dep('dep-env-ref', 'environment', 'azureml:sklearn-env:3'),
  dep('dep-env-vars', 'environment_variables', { WORKERS: '4' }),
  dep('dep-instance-count', 'instance_count', 2),
  dep('dep-model-mount-path', 'model_mount_path', '/var/models'),
  dep('dep-type-missing-instance-type', 'type', 'kubernetes'),
  dep('dep-custom-container', 'code_configuration', undefined),
  dep(
    'dep-inference-config',
    'environment.inference_config',
    { liveness_route: { port: 8501, path: '/v1/models/m' }, readiness_route: { port: 8501, path: '/v1/models/m' }, scoring_route: { port: 8501, path: '/v1/models/m:predict' } },
  ),
  dep('dep-provisioning-state', 'provisioning_state', 'Succeeded'),
  dep('dep-app-insights-false', 'app_insights_enabled', false),

  dep('dep-unknown', 'instance_cout', 2),
  dep('dep-with-package', 'with_package', true),
  dep('dep-name-missing', 'name', undefined),
  dep('dep-instance-count-string', 'instance_count', 'two'),
  dep('dep-instance-count-fraction', 'instance_count', 1.5, { stricter: 'marshmallow silently truncates 1.5 to 1; Harbormaster says so instead of guessing' }),
  dep('dep-scale-bogus', 'scale_settings.type', 'auto'),
  dep('dep-scale-default-extra', 'scale_settings', { type: 'default', max_instances: 3 }),
  dep('dep-requests-unknown', 'resources.requests.disk', '1Gi'),
  dep('dep-requests-number', 'resources.requests.cpu', 1),
  dep('dep-probe-unknown', 'liveness_probe', { periodSeconds: 5 }),
  dep('dep-request-settings-string', 'request_settings.request_timeout_ms', 'soon'),
  dep('dep-env-registry', 'environment', 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest'),
  dep('dep-model-registry', 'model', 'azureml://registries/azureml/models/phi-3/versions/1'),
  dep('dep-model-bare-path', 'model', 'model'),
  dep('dep-model-inline-registry', 'model.path', 'azureml://registries/azureml/models/phi-3/versions/1'),
  dep('dep-inference-config-partial', 'environment.inference_config', { scoring_route: { port: 8501, path: '/score' } }),
  dep('dep-app-insights-string', 'app_insights_enabled', 'sometimes'),

  dep('dep-conda-file', 'environment.conda_file', 'conda.yml', { stricter: BUILD }),
  dep('dep-build', 'environment', { build: { path: 'docker' } }, { stricter: BUILD }),
  dep('dep-gpu-requests', 'resources.requests', { cpu: '0.1', memory: '0.1Gi', 'nvidia.com/gpu': '1' }, { stricter: GPU_REQUESTS }),
  dep('dep-requests-over-limits', 'resources.limits', { cpu: '0.05' }, { field: 'resources.requests.cpu', stricter: OVER_LIMIT }),
  dep('dep-min-over-max', 'scale_settings.min_instances', 5, { field: 'scale_settings', stricter: MIN_MAX }),
  dep('dep-data-collector', 'data_collector', { collections: { model_inputs: { enabled: 'true' } } }, { stricter: COLLECTOR }),
  dep('dep-probe-zero', 'liveness_probe', { timeout: 0 }, { field: 'liveness_probe.timeout', stricter: PROBES }),
  dep('dep-model-versionless', 'model', 'azureml:sklearn-regression', { stricter: VERSIONLESS }),
  dep('dep-code-no-script', 'code_configuration.scoring_script', undefined, { field: 'code_configuration.scoring_script', stricter: CODE_PARTS }),
  dep('dep-memory-gb', 'resources.requests.memory', '2 GB', { stricter: QUANTITY }),
  dep('dep-name-underscore', 'name', 'green_1', { stricter: "Azure ML's deployment name rule (the service refuses it)" }),
];

const prepare = (dir: string) => {
  for (const sub of ['model', 'onlinescoring', 'docker']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'onlinescoring', 'score.py'), 'def init():\n    pass\n');
  writeFileSync(join(dir, 'conda.yml'), 'name: x\n');
};

differentialSuite({
  label: '[online-endpoint-sdk-differential]',
  title: 'Harbormaster and the Azure ML SDK judge online endpoint files alike',
  cases: ENDPOINT_CASES,
  fileName: 'endpoint.yml',
  prepare,
  sdk: sdkOnline('endpoint'),
  ours: (c) => parseEndpointYaml(c.text, { compute: 'inferencecompute' }),
  extra: () => {
    it('has realistic documents and variants', () => {
      expect(ENDPOINT_CASES.length).toBeGreaterThanOrEqual(30);
    });
  },
});

differentialSuite({
  label: '[online-deployment-sdk-differential]',
  title: 'Harbormaster and the Azure ML SDK judge online deployment files alike',
  cases: DEPLOYMENT_CASES,
  fileName: 'deployment.yml',
  prepare,
  sdk: sdkOnline('deployment'),
  ours: (c) => parseDeploymentYaml(c.text, { endpointName: 'my-endpoint' }),
  extra: () => {
    it('has realistic documents and variants', () => {
      expect(DEPLOYMENT_CASES.length).toBeGreaterThanOrEqual(40);
    });
  },
});

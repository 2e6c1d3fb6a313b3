// Differential test: Harbormaster's model parser (lib/aml/model-spec.ts) against the official Azure ML SDK
// (azure-ai-ml 1.35.2: load_model, then what ModelOperations.create_or_update checks locally — see
// test/aml-sdk/load_models.py). Realistic model files (custom_model from a local folder, mlflow_model from a
// job output, triton_model from an https URL, storage and datastore URIs) and their one-field variants are given
// to both; their verdicts must agree and each refusal must name the changed field. Harbormaster is stricter only
// in the cases marked `stricter`, each with its reason. The documents are written here, not read from ../shared.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseModelYaml } from './model-spec';
import { sdkModelVerdicts } from '@/test/aml-sdk/sdk-venv';
import { differentialSuite, dumpYaml as dump, withField, type DifferentialCase as Case, type Doc } from '@/test/aml-sdk/differential';

const SCHEMA = 'https://azuremlschemas.azureedge.net/latest/model.schema.json';

/** custom_model from a local folder next to the file, with everything a registry entry carries. */
const CUSTOM_LOCAL: Doc = {
  $schema: SCHEMA,
  name: 'iris-classifier',
  version: 1,
  type: 'custom_model',
  path: 'model',
  description: 'scikit-learn iris classifier',
  tags: { framework: 'sklearn', task: 'classification' },
  properties: { 'training-dataset': 'iris' },
  stage: 'Development',
};

/** mlflow_model registered from a finished job's output (the lineage case). */
const MLFLOW_JOB: Doc = {
  $schema: SCHEMA,
  name: 'credit-default',
  version: '3',
  type: 'mlflow_model',
  path: 'azureml://jobs/train-credit-7/outputs/artifacts/paths/model',
  description: 'credit default classifier, from job train-credit-7',
  tags: { framework: 'sklearn' },
  stage: 'Production',
  flavors: {
    python_function: { loader_module: 'mlflow.sklearn', python_version: '3.10.12', env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' } },
    sklearn: { sklearn_version: '1.3.0', serialization_format: 'cloudpickle', pickled_model: 'model.pkl' },
  },
};

/** triton_model repository over https. */
const TRITON_URL: Doc = {
  $schema: SCHEMA,
  name: 'densenet-onnx',
  version: 2,
  type: 'triton_model',
  path: 'https://azuremlexampledata.blob.core.windows.net/data/triton/models/',
  description: 'DenseNet ONNX model repository for Triton',
};

type Opts = { field?: string; stricter?: string };
const variant = (base: Doc, id: string, path: string, value: unknown, opts: Opts = {}): Case => ({
  id,
  text: dump(withField(base, path, value)),
  field: opts.field ?? path,
  stricter: opts.stricter,
});
const cus = (id: string, path: string, value: unknown, opts?: Opts) => variant(CUSTOM_LOCAL, id, path, value, opts);
const mlf = (id: string, path: string, value: unknown, opts?: Opts) => variant(MLFLOW_JOB, id, path, value, opts);
const tri = (id: string, path: string, value: unknown, opts?: Opts) => variant(TRITON_URL, id, path, value, opts);

// Reasons Harbormaster refuses what the SDK lets through.
const SERVICE_NAME = 'the Azure ML service refuses the name (REST pattern ^[a-zA-Z0-9][a-zA-Z0-9-_]{0,254}$)';
const SERVICE_VERSION = 'Azure ML model versions are positive integers (the service refuses others; data assets differ)';
const REGISTRY = 'registry assets are not supported for Kubernetes compute (the SDK: "Registry reference for models is not supported for K8SDeployment")';
const NOT_STORAGE = 'not storage Azure ML reads: the service cannot resolve it';
const NO_MLFLOW_STORE = 'runs:/ names artifacts in Azure ML\'s MLflow tracking store, which Harbormaster does not have';
const ASSET_AS_FILE = 'the SDK reads azureml:<name>:<version> as a local file of that name, which create_or_update then fails to upload';
const EMPTY_PATH = 'the SDK reads "" as "." and would upload the whole folder the file is in';
const RENDERED = "the SDK would store Python's rendering of the value (\"{'b': 1}\"), not what was written";
const TEMPLATES = 'deployment templates are registry assets; ' + REGISTRY;

const CASES: Case[] = [
  // ---------------------------------------------------------------- valid documents and alternatives
  { id: 'custom-local', text: dump(CUSTOM_LOCAL) },
  { id: 'mlflow-job-output', text: dump(MLFLOW_JOB) },
  { id: 'triton-url', text: dump(TRITON_URL) },
  // The two examples of the CLI's model YAML reference (reference-yaml-model).
  { id: 'doc-local-file', text: dump({ $schema: SCHEMA, name: 'local-file-example', path: 'mlflow-model/model.pkl', description: 'Model created from local file.' }) },
  { id: 'doc-local-mlflow', text: dump({ $schema: SCHEMA, name: 'local-mlflow-example', path: 'mlflow-model', type: 'mlflow_model', description: 'Model created from local MLflow model directory.' }) },
  cus('path-wasbs', 'path', 'wasbs://models@azuremlexamples.blob.core.windows.net/iris/model.pkl'),
  cus('path-abfss', 'path', 'abfss://models@azuremlexamples.dfs.core.windows.net/iris/'),
  cus('path-datastore', 'path', 'azureml://datastores/workspaceblobstore/paths/models/iris/'),
  cus('path-datastore-long', 'path', 'azureml://subscriptions/0000/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/models/iris'),
  cus('path-job-output-whole', 'path', 'azureml://jobs/train-iris-1/outputs/model'),
  cus('path-job-output-slash', 'path', 'azureml://jobs/train-iris-1/outputs/model/'),
  cus('path-local-dot', 'path', './model'),
  cus('path-local-file', 'path', 'model/model.pkl'),
  cus('path-absolute', 'path', '/mnt/models/iris'),
  cus('path-http', 'path', 'http://example.com/models/iris.pkl'),
  tri('triton-local', 'path', 'models'),
  mlf('mlflow-folder-url', 'path', 'https://azuremlexamples.blob.core.windows.net/models/credit.v2/'),
  mlf('mlflow-local-folder', 'path', 'mlflow-model'),
  cus('type-missing', 'type', undefined),
  cus('type-upper', 'type', 'MLFLOW_MODEL'),
  cus('type-mixed-case', 'type', 'Triton_Model'),
  cus('version-missing', 'version', undefined),
  cus('version-string', 'version', '12'),
  cus('version-empty', 'version', ''),
  cus('description-missing', 'description', undefined),
  cus('tags-numbers', 'tags', { accuracy: 0.97, epochs: 10, tuned: true }),
  cus('tags-null-value', 'tags', { framework: 'sklearn', owner: null }),
  cus('tags-empty', 'tags', {}),
  cus('properties-numbers', 'properties', { rows: 150 }),
  cus('stage-archived', 'stage', 'Archived'),
  cus('flavors-on-custom', 'flavors', { python_function: { loader_module: 'score' } }),
  mlf('flavors-empty', 'flavors', {}),
  mlf('flavor-empty', 'flavors', { python_function: {} }),
  mlf('job-name-ignored', 'job_name', 'train-credit-7'),
  cus('job-name-other', 'job_name', 'some-job'),
  cus('job-name-number', 'job_name', 5),
  cus('id-ignored', 'id', 'azureml:iris-classifier:1'),
  cus('creation-context-ignored', 'creation_context', { created_by: 'someone' }),
  cus('latest-version-ignored', 'latest_version', '4'),
  cus('utc-time-created-ignored', 'utc_time_created', '2024-01-31T10:00:00Z'),
  cus('intellectual-property-ignored', 'intellectual_property', { publisher: 'contoso', protection_level: 'all' }),
  cus('datastore', 'datastore', 'workspaceblobstore'),
  cus('system-metadata', 'system_metadata', { source: 'notebook' }),
  cus('schema-number', '$schema', 5),
  cus('schema-missing', '$schema', undefined),

  // ---------------------------------------------------------------- unknown fields
  cus('unknown-root', 'colour', 'red'),
  cus('unknown-model-uri', 'model_uri', 'model'),
  cus('unknown-display-name', 'display_name', 'Iris'),
  cus('unknown-auto-delete', 'auto_delete_setting', { condition: 'created_greater_than', value: '30d' }),
  cus('template-unknown-field', 'default_deployment_template', { colour: 'red' }),

  // ---------------------------------------------------------------- wrong types
  cus('name-number', 'name', 5),
  cus('name-list', 'name', ['iris']),
  cus('name-empty', 'name', ''),
  cus('version-list', 'version', [1]),
  cus('version-mapping', 'version', { major: 1 }),
  cus('version-null', 'version', null),
  cus('type-number', 'type', 5),
  cus('type-null', 'type', null),
  cus('path-number', 'path', 5),
  cus('path-null', 'path', null),
  cus('path-list', 'path', ['model']),
  cus('description-number', 'description', 5),
  cus('description-null', 'description', null),
  cus('stage-number', 'stage', 1),
  cus('stage-bool', 'stage', true),
  cus('tags-list', 'tags', ['sklearn']),
  cus('tags-string', 'tags', 'sklearn'),
  cus('tags-null', 'tags', null),
  cus('properties-list', 'properties', ['x']),
  mlf('flavors-list', 'flavors', ['python_function']),
  mlf('flavors-null', 'flavors', null),
  mlf('flavor-string', 'flavors', { python_function: 'mlflow.sklearn' }, { field: 'flavors.python_function' }),
  mlf('flavor-null', 'flavors', { python_function: null }, { field: 'flavors.python_function' }),
  cus('datastore-number', 'datastore', 5),
  cus('system-metadata-string', 'system_metadata', 'x'),
  cus('job-name-null', 'job_name', null),
  cus('id-null', 'id', null),
  cus('schema-null', '$schema', null),
  cus('templates-not-list', 'allowed_deployment_templates', 'x'),

  // ---------------------------------------------------------------- bad enum values
  cus('type-bogus', 'type', 'bogus'),
  cus('type-mlflow-short', 'type', 'mlflow'),
  cus('type-uri-folder', 'type', 'uri_folder'),

  // ---------------------------------------------------------------- missing required fields
  cus('name-missing', 'name', undefined),
  cus('path-missing', 'path', undefined),
  variant(withField(CUSTOM_LOCAL, 'name', undefined), 'name-and-path-missing', 'path', undefined, { field: 'name' }),

  // ---------------------------------------------------------------- mlflow_model must be a folder (SDK validate_ml_flow_folder)
  mlf('mlflow-local-file', 'path', 'mlflow-model/model.pkl'),
  mlf('mlflow-url-file', 'path', 'https://azuremlexamples.blob.core.windows.net/models/credit/model.pkl'),
  mlf('mlflow-job-output-file', 'path', 'azureml://jobs/train-credit-7/outputs/artifacts/paths/model/model.pkl'),

  // ---------------------------------------------------------------- Harbormaster stricter by design
  cus('name-space', 'name', 'iris classifier', { stricter: SERVICE_NAME }),
  cus('name-period', 'name', 'iris.v2', { stricter: SERVICE_NAME }),
  cus('name-leading-dash', 'name', '-iris', { stricter: SERVICE_NAME }),
  cus('name-too-long', 'name', 'm'.repeat(256), { stricter: SERVICE_NAME }),
  cus('version-semver', 'version', '1.0.0', { stricter: SERVICE_VERSION }),
  cus('version-fraction', 'version', 1.5, { stricter: SERVICE_VERSION }),
  cus('version-zero', 'version', 0, { stricter: SERVICE_VERSION }),
  cus('version-negative', 'version', -1, { stricter: SERVICE_VERSION }),
  cus('version-bool', 'version', true, { stricter: SERVICE_VERSION }),
  cus('version-word', 'version', 'v1', { stricter: SERVICE_VERSION }),
  cus('path-registry-version', 'path', 'azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/7', { stricter: REGISTRY }),
  cus('path-registry-label', 'path', 'azureml://registries/my-registry/models/iris-classifier/labels/latest', { stricter: REGISTRY }),
  mlf('path-mlflow-runs', 'path', 'runs:/train-credit-7/model', { stricter: NO_MLFLOW_STORE }),
  cus('path-s3', 'path', 's3://bucket/models/iris', { stricter: NOT_STORAGE }),
  cus('path-gs', 'path', 'gs://bucket/models/iris', { stricter: NOT_STORAGE }),
  cus('path-azureml-unknown', 'path', 'azureml://models/iris/versions/1', { stricter: NOT_STORAGE }),
  cus('path-job-output-no-paths', 'path', 'azureml://jobs/train-iris-1/outputs/model/iris', { stricter: NOT_STORAGE }),
  cus('path-wasbs-malformed', 'path', 'wasbs://models/iris', { stricter: NOT_STORAGE }),
  cus('path-asset-reference', 'path', 'azureml:iris-classifier:1', { stricter: ASSET_AS_FILE }),
  cus('path-empty', 'path', '', { stricter: EMPTY_PATH }),
  cus('tags-mapping-value', 'tags', { metrics: { accuracy: 0.97 } }, { field: 'tags.metrics', stricter: RENDERED }),
  cus('tags-list-value', 'tags', { labels: ['setosa', 'virginica'] }, { field: 'tags.labels', stricter: RENDERED }),
  cus('properties-mapping-value', 'properties', { data: { name: 'iris' } }, { field: 'properties.data', stricter: RENDERED }),
  cus('default-deployment-template', 'default_deployment_template', { asset_id: 'azureml://registries/r/deploymenttemplates/t/versions/1' }, { stricter: TEMPLATES }),
  cus('allowed-deployment-templates', 'allowed_deployment_templates', [{ asset_id: 'azureml://registries/r/deploymenttemplates/t/versions/1' }], { stricter: TEMPLATES }),
];

// YAML-level variants written by hand.
const TEXT_CASES: Case[] = [
  { id: 'yaml-duplicate-key', text: `${dump(CUSTOM_LOCAL)}stage: Production\n` },
  { id: 'yaml-stage-yes-is-bool', text: dump(CUSTOM_LOCAL).replace(/stage: .*/, 'stage: yes'), field: 'stage' },
  { id: 'yaml-description-date', text: dump(CUSTOM_LOCAL).replace(/description: .*/, 'description: 2024-01-31'), field: 'description' },
  { id: 'yaml-version-date', text: dump(CUSTOM_LOCAL).replace(/version: .*/, 'version: 2024-01-31'), field: 'version' },
  { id: 'yaml-version-float', text: dump(CUSTOM_LOCAL).replace(/version: .*/, 'version: 2.0'), field: 'version', stricter: SERVICE_VERSION },
  { id: 'yaml-version-octal', text: dump(CUSTOM_LOCAL).replace(/version: .*/, 'version: 010') },
  { id: 'yaml-tag-date', text: `${dump(withField(CUSTOM_LOCAL, 'tags', undefined))}tags: {released: 2024-01-31}\n` },
  {
    id: 'yaml-tag-datetime',
    text: `${dump(withField(CUSTOM_LOCAL, 'tags', undefined))}tags: {released: 2024-01-31T10:00:00Z}\n`,
    field: 'tags.released',
    stricter: "the SDK would store Python's rewriting of the date and time (\"2024-01-31 10:00:00+00:00\")",
  },
  { id: 'yaml-anchor-alias', text: `${dump(withField(CUSTOM_LOCAL, 'properties', undefined))}properties: &p {team: vision}\nextra: *p\n`, field: 'extra' },
  { id: 'yaml-merge-key', text: `${dump(withField(MLFLOW_JOB, 'flavors', undefined))}flavors:\n  python_function:\n    <<: {loader_module: mlflow.sklearn}\n    python_version: "3.10"\n` },
  { id: 'yaml-list-document', text: '- name: iris\n  path: model\n' },
  { id: 'yaml-empty', text: '# nothing here\n' },
];

const ALL = [...CASES, ...TEXT_CASES];

differentialSuite({
  label: '[model-sdk-differential]',
  title: 'Harbormaster and the Azure ML SDK judge model files alike',
  cases: ALL,
  fileName: 'model.yml',
  prepare: (dir) => {
    // The local folders the documents name exist (the SDK does not look, but keep the files honest).
    for (const sub of ['model', 'models/densenet/1', 'mlflow-model']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'model', 'model.pkl'), 'pickle');
    writeFileSync(join(dir, 'mlflow-model', 'model.pkl'), 'pickle');
    writeFileSync(join(dir, 'mlflow-model', 'MLmodel'), 'flavors: {}\n');
    writeFileSync(join(dir, 'models', 'densenet', 'config.pbtxt'), 'platform: "onnxruntime_onnx"\n');
  },
  sdk: sdkModelVerdicts,
  ours: (c) => parseModelYaml(c.text),
  extra: () => {
    it('has the realistic documents and at least 100 variants', () => {
      expect(ALL.length).toBeGreaterThanOrEqual(100);
      expect(ALL.filter((c) => c.stricter).every((c) => c.stricter!.length > 20)).toBe(true);
    });
  },
});

// Differential test: Harbormaster's job parser against the official Azure ML SDK (azure-ai-ml 1.35.2).
// Every conformance job file and ~130 one-field variants are given to both; their accept/refuse verdicts
// must agree, and each refusal must name the field that was changed. Harbormaster is stricter only in the
// cases listed in `stricter` below, each with its reason (the service refuses it, or the feature cannot run on
// Kubernetes, or the SDK would silently change the value). The SDK runs once, in one Python process, from a
// cached virtualenv (test/aml-sdk/sdk-venv.ts).

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseJobYaml } from './job-spec';
import { sdkVerdicts } from '@/test/aml-sdk/sdk-venv';
import { differentialSuite, dumpYaml as dump, withField, type DifferentialCase as Case, type Doc } from '@/test/aml-sdk/differential';
import { conformanceDir } from '@/test/conformance';

const CONFORMANCE = conformanceDir();

const COMMAND_BASE: Doc = {
  $schema: 'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
  type: 'command',
  code: 'src',
  command: 'python train.py --lr ${{inputs.lr}} --data ${{inputs.data}} --out ${{outputs.model}}',
  inputs: {
    lr: 0.01,
    data: { type: 'uri_file', path: 'https://azuremlexamples.blob.core.windows.net/datasets/iris.csv' },
  },
  outputs: { model: { type: 'uri_folder' } },
  environment: 'azureml:AzureML-sklearn-1.5@latest',
  compute: 'azureml:k8s-compute',
  resources: { instance_type: 'cpu-small', instance_count: 1 },
  limits: { timeout: 3600 },
  display_name: 'differential',
  experiment_name: 'differential',
};

const SWEEP_BASE: Doc = {
  $schema: 'https://azuremlschemas.azureedge.net/latest/sweepJob.schema.json',
  type: 'sweep',
  trial: {
    code: 'src',
    command: 'python main.py --data ${{inputs.data}} --lr ${{search_space.lr}} --boosting ${{search_space.boosting}}',
    environment: 'azureml:AzureML-lightgbm-3.3@latest',
  },
  inputs: { data: { type: 'uri_file', path: 'https://azuremlexamples.blob.core.windows.net/datasets/iris.csv' } },
  compute: 'azureml:k8s-compute',
  sampling_algorithm: 'random',
  search_space: {
    lr: { type: 'uniform', min_value: 0.01, max_value: 0.9 },
    boosting: { type: 'choice', values: ['gbdt', 'dart'] },
  },
  objective: { goal: 'minimize', primary_metric: 'test-multi_logloss' },
  limits: { max_total_trials: 20, max_concurrent_trials: 10, timeout: 7200 },
};

function variant(base: Doc, id: string, path: string, value: unknown, opts: { field?: string; stricter?: string } = {}): Case {
  return { id, text: dump(withField(base, path, value)), field: opts.field ?? path, stricter: opts.stricter };
}
const cmd = (id: string, path: string, value: unknown, opts?: { field?: string; stricter?: string }) => variant(COMMAND_BASE, id, path, value, opts);
const swp = (id: string, path: string, value: unknown, opts?: { field?: string; stricter?: string }) => variant(SWEEP_BASE, id, path, value, opts);
const cmdWith = (id: string, patch: (d: Doc) => void, opts: { field?: string; stricter?: string } = {}): Case => {
  const d = structuredClone(COMMAND_BASE);
  patch(d);
  return { id, text: dump(d), ...opts };
};
const swpWith = (id: string, patch: (d: Doc) => void, opts: { field?: string; stricter?: string } = {}): Case => {
  const d = structuredClone(SWEEP_BASE);
  patch(d);
  return { id, text: dump(d), ...opts };
};

// Reasons Harbormaster refuses what the SDK lets through.
const SERVICE = 'the Azure ML service refuses it at submission';
const UNSUPPORTED = 'feature Kubernetes compute (or Harbormaster) cannot honour; refused with the reason instead of ignored';
const TRUNCATION = 'the SDK silently truncates the value; Harbormaster never changes a value silently';

const CASES: Case[] = [
  // ---------------------------------------------------------------- valid documents and alternatives
  { id: 'command-base', text: dump(COMMAND_BASE) },
  { id: 'sweep-base', text: dump(SWEEP_BASE) },
  cmd('env-inline-image', 'environment', { image: 'python:3.11' }),
  cmd('env-curated-version', 'environment', 'azureml:AzureML-sklearn-1.5:1'),
  cmd('env-registry-version', 'environment', 'azureml://registries/azureml/environments/sklearn-1.5/versions/1'),
  cmd('env-registry-latest', 'environment', 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest'),
  cmd('env-workspace-version', 'environment', 'azureml:my-env:3'),
  cmd('env-workspace-latest', 'environment', 'azureml:my-env@latest'),
  cmd('env-workspace-no-version', 'environment', 'azureml:my-env'),
  cmd('env-inline-named', 'environment', { image: 'python:3.11', name: 'anonymous-anyway' }),
  cmd('env-inline-linux', 'environment', { image: 'python:3.11', os_type: 'linux' }),
  cmd('compute-bare', 'compute', 'k8s-compute'),
  cmd('input-wasbs', 'inputs.data.path', 'wasbs://datasets@azuremlexamples.blob.core.windows.net/iris.csv'),
  cmd('input-abfss', 'inputs.data.path', 'abfss://data@account.dfs.core.windows.net/iris.csv'),
  cmd('input-datastore', 'inputs.data.path', 'azureml://datastores/workspaceblobstore/paths/iris.csv'),
  cmd('input-asset', 'inputs.data.path', 'azureml:iris:1'),
  cmd('input-asset-latest', 'inputs.data.path', 'azureml:iris@latest'),
  cmd('input-job-output', 'inputs.data', { type: 'uri_folder', path: 'azureml://jobs/previous-job/outputs/model' }),
  cmd('input-local-file', 'inputs.data.path', 'data/iris.csv'),
  cmd('input-ro-mount', 'inputs.data.mode', 'ro_mount'),
  cmd('input-mode-case', 'inputs.data.mode', 'RO_MOUNT'),
  cmd('input-direct', 'inputs.data.mode', 'direct'),
  cmd('input-no-type', 'inputs.data', { path: 'https://azuremlexamples.blob.core.windows.net/datasets/' }),
  cmd('input-mltable', 'inputs.data', { type: 'mltable', path: 'azureml:iris-table:1' }),
  cmd('input-custom-model', 'inputs.data', { type: 'custom_model', path: 'azureml:my-model:2' }),
  cmd('input-mlflow-model', 'inputs.data', { type: 'mlflow_model', path: 'azureml:my-model@latest', mode: 'ro_mount' }),
  cmd('input-literal-value-form', 'inputs.lr', { value: 0.1 }),
  cmd('input-literal-string', 'inputs.lr', 'fast'),
  cmd('input-literal-bool', 'inputs.lr', true),
  cmd('input-bare-url-string', 'inputs.data', 'https://azuremlexamples.blob.core.windows.net/datasets/iris.csv'),
  cmd('output-empty', 'outputs.model', null),
  cmd('output-upload', 'outputs.model.mode', 'upload'),
  cmd('output-mount', 'outputs.model.mode', 'mount'),
  cmd('output-registered', 'outputs.model', { type: 'mlflow_model', name: 'iris-model', version: 3 }),
  cmd('tags-null-value', 'tags', { team: 'vision', owner: null }),
  cmd('properties', 'properties', { source: 'differential' }),
  cmd('env-vars-mixed', 'environment_variables', { A: 'x', B: 2, C: true, D: 0.5 }),
  cmd('count-string', 'resources.instance_count', '2'),
  cmd('count-float-integral', 'resources.instance_count', 2.0),
  cmd('shm-16g', 'resources.shm_size', '16g'),
  cmd('shm-512m', 'resources.shm_size', '512m'),
  cmd('shm-upper', 'resources.shm_size', '8G'),
  cmdWith('pytorch-2x2', (d) => {
    d.distribution = { type: 'pytorch', process_count_per_instance: 2 };
    d.resources = { instance_type: 'gpu', instance_count: 2 };
  }),
  cmd('pytorch-case', 'distribution', { type: 'PyTorch' }),
  cmdWith('tensorflow-2-workers', (d) => {
    d.distribution = { type: 'tensorflow', worker_count: 2 };
    d.resources = { instance_count: 2 };
  }),
  cmdWith('tensorflow-ps', (d) => {
    d.distribution = { type: 'tensorflow', worker_count: 2, parameter_server_count: 1 };
    d.resources = { instance_count: 3 };
  }),
  cmd('mpi-4', 'distribution', { type: 'mpi', process_count_per_instance: 4 }),
  cmd('mpi-string-count', 'distribution', { type: 'mpi', process_count_per_instance: '4' }),
  cmd('optional-block', 'command', 'python train.py --lr ${{inputs.lr}} --data ${{inputs.data}} --out ${{outputs.model}} $[[--extra ${{inputs.maybe}}]]'),
  cmd('legacy-braces', 'command', 'python train.py --lr {inputs.lr} --data ${{inputs.data}} --out ${{outputs.model}}'),
  cmd('unused-input', 'command', 'python train.py --data ${{inputs.data}}'),
  cmd('code-git', 'code', 'git+https://github.com/Azure/azureml-examples@main'),
  cmd('code-asset', 'code', 'azureml:my-code:1'),
  cmd('no-code', 'code', undefined),
  cmd('status-read-only', 'status', 'Running'),
  cmd('job-name', 'name', 'iris_train-01'),
  cmd('description', 'description', 'a description'),
  cmd('no-type', 'type', undefined),
  cmd('parent-job-name', 'parent_job_name', 'pipeline-1'),
  cmd('schema-not-a-string', '$schema', 5),

  // ---------------------------------------------------------------- unknown fields
  cmd('unknown-root', 'colour', 'red'),
  cmd('unknown-resources', 'resources.colour', 'red'),
  cmd('unknown-input', 'inputs.data.colour', 'red'),
  cmd('unknown-output', 'outputs.model.colour', 'red'),
  cmd('unknown-distribution', 'distribution', { type: 'pytorch', colour: 'red' }, { field: 'distribution' }),
  cmd('unknown-limits', 'limits.max_total_trials', 5),
  cmd('unknown-env', 'environment', { image: 'python', colour: 'red' }, { field: 'environment' }),
  swp('unknown-trial', 'trial.colour', 'red'),
  swp('unknown-search-param', 'search_space.lr.colour', 'red', { field: 'search_space.lr' }),
  swp('unknown-objective', 'objective.colour', 'red'),
  swp('trial-limits', 'trial.limits', { timeout: 60 }),

  // ---------------------------------------------------------------- wrong types
  cmd('command-number', 'command', 5),
  cmd('display-name-number', 'display_name', 5),
  cmd('experiment-list', 'experiment_name', ['a']),
  cmd('tag-number', 'tags', { a: 1 }, { field: 'tags.a' }),
  cmd('property-number', 'properties', { a: 1 }, { field: 'properties.a' }),
  cmd('count-word', 'resources.instance_count', 'two'),
  cmd('count-bool', 'resources.instance_count', true),
  cmd('timeout-word', 'limits.timeout', 'soon'),
  cmd('instance-type-number', 'resources.instance_type', 5),
  cmd('shm-number', 'resources.shm_size', 8),
  cmd('input-path-number', 'inputs.data.path', 5),
  cmd('env-vars-list', 'environment_variables', ['A', 'B']),
  cmd('compute-number', 'compute', 5),
  cmd('code-pre-ga', 'code', { local_path: 'src' }),
  cmd('env-bare-image', 'environment', 'python:3.11'),
  cmd('env-number', 'environment', 5),
  cmd('env-empty', 'environment', {}),
  cmd('pcpi-word', 'distribution', { type: 'pytorch', process_count_per_instance: 'two' }, { field: 'distribution' }),
  cmd('input-null', 'inputs.lr', null),
  cmd('output-string', 'outputs.model', 'folder'),
  cmd('no-command', 'command', undefined),
  cmd('no-environment', 'environment', undefined),
  cmd('inputs-list', 'inputs', ['lr']),
  cmd('distribution-no-type', 'distribution', { process_count_per_instance: 2 }, { field: 'distribution' }),

  // ---------------------------------------------------------------- bogus enum values
  cmd('output-mode-bogus', 'outputs.model.mode', 'bogus'),
  cmd('output-type-bogus', 'outputs.model.type', 'bogus'),
  cmd('input-type-bogus', 'inputs.data.type', 'bogus'),
  cmd('input-mode-bogus', 'inputs.data.mode', 'bogus'),
  cmd('model-mode-eval', 'inputs.data', { type: 'mlflow_model', path: 'azureml:m:1', mode: 'eval_mount' }, { field: 'inputs.data' }),
  cmd('distribution-horovod', 'distribution', { type: 'horovod' }, { field: 'distribution' }),
  cmd('type-pipeline', 'type', 'pipeline'),
  cmd('type-capitalised', 'type', 'Command'),
  cmd('type-bogus', 'type', 'bogus'),
  cmd('os-type-bogus', 'environment', { image: 'python', os_type: 'bsd' }, { field: 'environment' }),

  // ---------------------------------------------------------------- references and names
  cmd('unknown-input-ref', 'command', 'python train.py --lr ${{inputs.nope}} --data ${{inputs.data}}'),
  cmd('input-key-dash', 'inputs', { 'learning-rate': 0.1 }, { field: 'inputs' }),
  cmd('output-key-dash', 'outputs', { 'my-model': { type: 'uri_folder' } }, { field: 'outputs' }),

  // ---------------------------------------------------------------- Harbormaster stricter by design
  cmd('count-zero', 'resources.instance_count', 0, { stricter: SERVICE }),
  cmd('timeout-negative', 'limits.timeout', -5, { stricter: SERVICE }),
  cmd('timeout-zero', 'limits.timeout', 0, { stricter: SERVICE }),
  cmd('job-name-invalid', 'name', 'bad name!', { stricter: SERVICE }),
  cmd('unknown-output-ref', 'command', 'python train.py --lr ${{inputs.lr}} --data ${{inputs.data}} --out ${{outputs.nope}}', { stricter: SERVICE }),
  cmd('search-space-ref-in-command-job', 'command', 'python train.py --lr ${{search_space.lr}} --data ${{inputs.data}} --x ${{inputs.lr}}', { stricter: SERVICE }),
  cmd('parent-ref', 'command', 'python train.py ${{parent.inputs.x}} ${{inputs.lr}} ${{inputs.data}}', { stricter: SERVICE }),
  cmd('shm-word', 'resources.shm_size', 'lots', { stricter: SERVICE }),
  cmd('env-var-mapping', 'environment_variables', { A: { b: 1 } }, { field: 'environment_variables.A', stricter: SERVICE }),
  cmd('env-var-null', 'environment_variables', { A: null }, { field: 'environment_variables.A', stricter: SERVICE }),
  cmd('input-s3', 'inputs.data.path', 's3://bucket/iris.csv', { stricter: SERVICE }),
  cmd('env-var-name-with-space', 'environment_variables', { 'MY VAR': 'x' }, { field: 'environment_variables.MY VAR', stricter: 'Kubernetes refuses the environment variable name' }),
  cmd('count-fraction', 'resources.instance_count', 2.5, { stricter: TRUNCATION }),
  cmdWith('tensorflow-more-workers-than-instances', (d) => {
    d.distribution = { type: 'tensorflow', worker_count: 5 };
  }),
  cmdWith('tensorflow-idle-instances', (d) => {
    d.distribution = { type: 'tensorflow', worker_count: 1 };
    d.resources = { instance_count: 3 };
  }, { field: 'distribution.worker_count', stricter: 'instances without a TensorFlow task would run idle (paid for, doing nothing)' }),
  cmd('docker-args', 'resources.docker_args', '--ipc=host', { stricter: UNSUPPORTED }),
  cmd('locations', 'resources.locations', ['westeurope'], { stricter: UNSUPPORTED }),
  cmd('queue-settings', 'queue_settings', { job_tier: 'spot' }, { stricter: UNSUPPORTED }),
  cmd('distribution-ray', 'distribution', { type: 'ray' }, { field: 'distribution.type', stricter: UNSUPPORTED }),
  cmd('env-build', 'environment', { build: { path: 'docker-context' } }, { field: 'environment.build', stricter: UNSUPPORTED }),
  cmd('env-conda', 'environment', { image: 'python:3.11', conda_file: 'conda.yaml' }, { field: 'environment.conda_file', stricter: UNSUPPORTED }),
  cmd('env-windows', 'environment', { image: 'python:3.11', os_type: 'windows' }, { field: 'environment.os_type', stricter: UNSUPPORTED }),
  cmd('input-download', 'inputs.data.mode', 'download', { stricter: UNSUPPORTED }),
  cmd('output-path', 'outputs.model.path', 'azureml://datastores/workspaceblobstore/paths/model', { stricter: UNSUPPORTED }),
  cmd('output-direct', 'outputs.model.mode', 'direct', { stricter: UNSUPPORTED }),
  cmd('identity', 'identity', { type: 'user_identity' }, { stricter: UNSUPPORTED }),
  cmd('services', 'services', { ssh: { type: 'ssh' } }, { stricter: UNSUPPORTED }),
  cmd('compute-local', 'compute', 'local', { stricter: UNSUPPORTED }),
  cmd('path-on-compute', 'inputs.data.path_on_compute', 'data', { stricter: UNSUPPORTED }),

  // ---------------------------------------------------------------- sweep settings
  swpWith('grid-all-choice', (d) => {
    d.sampling_algorithm = 'grid';
    (d.search_space as Doc).lr = { type: 'choice', values: [0.01, 0.1] };
  }),
  swp('random-seeded', 'sampling_algorithm', { type: 'random', seed: 42 }),
  swp('random-logbase', 'sampling_algorithm', { type: 'random', seed: 1, logbase: 10 }),
  swp('random-case', 'sampling_algorithm', 'Random'),
  swp('sampling-bogus', 'sampling_algorithm', 'bogus'),
  swp('sampling-missing', 'sampling_algorithm', undefined),
  swp('search-type-bogus', 'search_space.lr.type', 'gaussian'),
  swp('uniform-missing-max', 'search_space.lr.max_value', undefined),
  swp('choice-not-list', 'search_space.boosting.values', 'gbdt'),
  swp('choice-mixed', 'search_space.boosting.values', [1, 'a', 0.5]),
  swp('choice-bool', 'search_space.boosting.values', ['gbdt', true], { field: 'search_space.boosting.values.1' }),
  swp('loguniform', 'search_space.lr', { type: 'loguniform', min_value: -6, max_value: -1 }),
  swp('quniform', 'search_space.lr', { type: 'quniform', min_value: 1, max_value: 10, q: 1 }),
  swp('qloguniform', 'search_space.lr', { type: 'qloguniform', min_value: 0, max_value: 3, q: 2 }),
  swp('normal', 'search_space.lr', { type: 'normal', mu: 0.5, sigma: 0.1 }),
  swp('lognormal', 'search_space.lr', { type: 'lognormal', mu: -2, sigma: 0.5 }),
  swp('qnormal', 'search_space.lr', { type: 'qnormal', mu: 10, sigma: 2, q: 1 }),
  swp('randint', 'search_space.lr', { type: 'randint', upper: 10 }),
  swp('randint-word', 'search_space.lr', { type: 'randint', upper: 'ten' }, { field: 'search_space.lr' }),
  swp('normal-missing-sigma', 'search_space.lr', { type: 'normal', mu: 0 }, { field: 'search_space.lr' }),
  swp('objective-missing', 'objective', undefined),
  swp('objective-goal-bogus', 'objective.goal', 'up'),
  swp('objective-goal-case', 'objective.goal', 'Maximize'),
  swp('objective-metric-missing', 'objective.primary_metric', undefined),
  swp('limits-missing', 'limits', undefined),
  swp('max-trials-missing', 'limits.max_total_trials', undefined),
  swp('max-trials-word', 'limits.max_total_trials', 'ten'),
  swp('trial-timeout', 'limits.trial_timeout', 600),
  swp('bandit', 'early_termination', { type: 'bandit', slack_factor: 0.1, evaluation_interval: 2, delay_evaluation: 5 }),
  swp('bandit-amount', 'early_termination', { type: 'bandit', slack_amount: 0.2 }),
  swp('median-stopping', 'early_termination', { type: 'median_stopping', evaluation_interval: 1 }),
  swp('median-stopping-camel', 'early_termination', { type: 'MedianStopping' }),
  swp('truncation', 'early_termination', { type: 'truncation_selection', truncation_percentage: 20 }),
  swp('truncation-missing-percentage', 'early_termination', { type: 'truncation_selection' }, { field: 'early_termination' }),
  swp('policy-bogus', 'early_termination', { type: 'hyperband' }, { field: 'early_termination' }),
  swp('sweep-resources', 'resources', { instance_type: 'cpu-small', instance_count: 1 }),
  swp('trial-resources', 'trial.resources', { instance_type: 'cpu-small' }),
  swp('trial-distribution', 'trial.distribution', { type: 'pytorch', process_count_per_instance: 1 }),
  swp('trial-missing', 'trial', undefined),
  swp('trial-command-missing', 'trial.command', undefined),
  swp('trial-unknown-input-ref', 'trial.command', 'python main.py --data ${{inputs.nope}} --lr ${{search_space.lr}} --boosting ${{search_space.boosting}}'),
  swp('search-key-dash', 'search_space', { 'learning-rate': { type: 'choice', values: [1] } }, { field: 'search_space' }),
  swp('search-space-missing', 'search_space', undefined),
  swp('sweep-output', 'outputs', { model: { type: 'mlflow_model' } }),
  swp('bayesian', 'sampling_algorithm', 'bayesian', { stricter: UNSUPPORTED }),
  swp('bayesian-object', 'sampling_algorithm', { type: 'bayesian' }, { field: 'sampling_algorithm', stricter: UNSUPPORTED }),
  swp('sobol', 'sampling_algorithm', { type: 'random', rule: 'sobol' }, { field: 'sampling_algorithm.rule', stricter: UNSUPPORTED }),
  swp('grid-with-uniform', 'sampling_algorithm', 'grid', { field: 'search_space.lr', stricter: SERVICE }),
  swp('unknown-search-ref', 'trial.command', 'python main.py --data ${{inputs.data}} --lr ${{search_space.nope}} --b ${{search_space.lr}} ${{search_space.boosting}}', { stricter: SERVICE }),
  swp('concurrent-zero', 'limits.max_concurrent_trials', 0, { stricter: SERVICE }),
  swp('uniform-inverted', 'search_space.lr', { type: 'uniform', min_value: 1, max_value: 0 }, { field: 'search_space.lr', stricter: SERVICE }),
  swp('bandit-two-slacks', 'early_termination', { type: 'bandit', slack_factor: 0.1, slack_amount: 0.2 }, { field: 'early_termination', stricter: SERVICE }),
  swp('truncation-100', 'early_termination', { type: 'truncation_selection', truncation_percentage: 100 }, { field: 'early_termination.truncation_percentage', stricter: SERVICE }),
  swp('nested-choice', 'search_space.boosting.values', [{ a: { type: 'choice', values: [1] } }], { field: 'search_space.boosting.values', stricter: UNSUPPORTED }),
  swp('sweep-queue-settings', 'queue_settings', { job_tier: 'spot' }, { stricter: UNSUPPORTED }),
  swp('choice-empty', 'search_space.boosting.values', [], { stricter: SERVICE }),
];

// YAML-level variants written by hand.
const TEXT_CASES: Case[] = [
  { id: 'yaml-duplicate-key', text: `${dump(COMMAND_BASE)}display_name: twice\n` },
  { id: 'yaml-yes-is-bool', text: dump(COMMAND_BASE).replace(/display_name: .*/, 'display_name: yes'), field: 'display_name' },
  { id: 'yaml-date-not-string', text: dump(COMMAND_BASE).replace(/display_name: .*/, 'display_name: 2024-01-31'), field: 'display_name' },
  { id: 'yaml-1e-5-is-string', text: dump(COMMAND_BASE).replace(/lr: .*/, 'lr: 1e-5') },
  { id: 'yaml-anchor-alias', text: `${dump(COMMAND_BASE)}tags: &t {team: vision}\nproperties: *t\n` },
  { id: 'yaml-merge-key', text: `${dump(withField(COMMAND_BASE, 'resources', undefined))}resources:\n  <<: {instance_type: cpu-small}\n  instance_count: 2\n` },
];

function conformanceCases(): Case[] {
  return readdirSync(CONFORMANCE)
    .filter((f) => f.includes('__jobs__'))
    .map((f) => ({
      id: `conformance:${f}`,
      text: readFileSync(join(CONFORMANCE, f), 'utf8'),
      // Refused only for a feature Kubernetes compute cannot run (r/iris builds a Docker image).
      stricter: f.includes('__r__iris__') ? UNSUPPORTED : undefined,
      field: f.includes('__r__iris__') ? 'environment.build' : f.includes('hello-iris') ? 'code' : undefined,
    }));
}

const ALL = [...conformanceCases(), ...CASES, ...TEXT_CASES];

differentialSuite({
  label: '[sdk-differential]',
  title: 'Harbormaster and the Azure ML SDK judge job files alike',
  cases: ALL,
  fileName: 'job.yml',
  prepare: (dir) => {
    // Local folders the documents name exist, so the SDK judges the document, not the disk.
    for (const sub of ['src', 'docker-context', 'data']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'data', 'iris.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'docker-context', 'Dockerfile'), 'FROM python:3.11\n');
    writeFileSync(join(dir, 'conda.yaml'), 'dependencies: [python=3.11]\n');
  },
  sdk: sdkVerdicts,
  ours: (c) => parseJobYaml(c.text, { dryRun: true }),
  extra: () => {
    it('has at least 60 generated variants besides the conformance files', () => {
      expect(CASES.length + TEXT_CASES.length).toBeGreaterThanOrEqual(60);
    });
  },
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobSpecSchema, normalizeJob, parseJobYaml, shmSizeToQuantity, type JobParseResult, type JobSpec } from './job-spec';
import { conformanceDir } from '@/test/conformance';

const CONFORMANCE = conformanceDir();
const jobFiles = readdirSync(CONFORMANCE).filter((f) => f.includes('__jobs__'));
const read = (f: string) => readFileSync(join(CONFORMANCE, f), 'utf8');

function ok(r: JobParseResult): { spec: JobSpec; warnings: { path: string; message: string }[] } {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r;
}
function refused(r: JobParseResult) {
  if (r.ok) throw new Error('accepted');
  return r.errors;
}

const BASE = `
type: command
code: src
command: python train.py --lr \${{inputs.lr}} --data \${{inputs.data}} --out \${{outputs.model}}
inputs:
  lr: 0.01
  data: {type: uri_file, path: https://azuremlexamples.blob.core.windows.net/datasets/iris.csv}
outputs:
  model: {type: uri_folder}
environment: azureml:AzureML-sklearn-1.5@latest
compute: azureml:k8s-compute
resources: {instance_type: cpu-small}
`;
/** BASE with the top-level `key:` line (and its block) replaced, or appended. */
function withTop(key: string, yaml: string): string {
  const lines = BASE.trim().split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${key}:`));
  if (start < 0) return `${BASE}${yaml}\n`;
  let end = start + 1;
  while (end < lines.length && lines[end].startsWith(' ')) end++;
  return [...lines.slice(0, start), yaml, ...lines.slice(end)].join('\n') + '\n';
}

describe('conformance files (Azure/azureml-examples)', () => {
  it('covers the job files of the corpus', () => {
    expect(jobFiles.length).toBeGreaterThanOrEqual(9);
  });

  for (const f of jobFiles) {
    it(`${f} parses to a valid spec or is refused with a field and reason`, () => {
      const r = parseJobYaml(read(f));
      if (f.includes('__r__iris__')) {
        expect(refused(r)).toEqual([{ path: 'environment.build', message: expect.stringMatching(/image builds .* not supported/) }]);
      } else if (f.includes('hello-iris')) {
        expect(refused(r)).toEqual([{ path: 'code', message: expect.stringMatching(/pre-GA .*write code: src/) }]);
      } else {
        expect(JobSpecSchema.safeParse(ok(r).spec).success).toBe(true);
      }
    });
  }

  it('resolves curated environments and types literal inputs as Azure ML substitutes them', () => {
    const { spec, warnings } = ok(parseJobYaml(read('cli__jobs__single-step__pytorch__cifar-distributed__job.yml')));
    if (spec.type !== 'command') throw new Error();
    expect(spec.environment).toEqual({
      image: 'mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest',
      source: 'curated',
      reference: 'azureml:AzureML-acpt-pytorch-2.2-cuda12.1@latest',
    });
    expect(spec.inputs.epochs).toEqual({ kind: 'literal', type: 'integer', value: 1, text: '1' });
    expect(spec.inputs.learning_rate).toMatchObject({ kind: 'literal', type: 'number', text: '0.2' });
    expect(spec.inputs.cifar).toMatchObject({ kind: 'data', type: 'uri_folder', mode: 'ro_mount', location: { kind: 'asset', name: 'cifar-10-example', label: 'latest' } });
    expect(spec.distribution).toEqual({ type: 'pytorch', processCountPerInstance: 1 });
    expect(spec.resources).toEqual({ instanceCount: 2, shmSize: '2Gi' });
    expect(spec.compute).toBe('gpu-cluster');
    expect(warnings).toEqual([{ path: 'code', message: expect.stringMatching(/local folder: its files must come with the real submission/) }]);
  });

  it('resolves registry curated environments and wasbs:// inputs', () => {
    const { spec } = ok(parseJobYaml(read('cli__jobs__single-step__scikit-learn__iris__job.yml')));
    if (spec.type !== 'command') throw new Error();
    expect(spec.environment.image).toBe('mcr.microsoft.com/azureml/curated/sklearn-1.5:latest');
    expect(spec.inputs.iris_csv).toMatchObject({ location: { kind: 'blob', httpsUrl: 'https://azuremlexamples.blob.core.windows.net/datasets/iris.csv' } });
    expect(spec.inputs.kernel).toMatchObject({ type: 'string', text: 'rbf' });
  });

  it('warns that a duplicate key drops a variable (hello-world-env-var)', () => {
    const { spec, warnings } = ok(parseJobYaml(read('cli__jobs__single-step__basics__hello-world-env-var.yml')));
    if (spec.type !== 'command') throw new Error();
    expect(spec.environmentVariables).toEqual({ AZUREML_COMPUTE_USE_COMMON_RUNTIME: 'false' });
    expect(warnings).toEqual([{ path: 'environment_variables', message: expect.stringMatching(/HELLO from the first one is dropped/) }]);
  });

  it('normalizes the LightGBM sweep', () => {
    const { spec } = ok(parseJobYaml(read('cli__jobs__single-step__lightgbm__iris__job-sweep.yml')));
    if (spec.type !== 'sweep') throw new Error();
    expect(spec.trial.environment.image).toBe('mcr.microsoft.com/azureml/curated/lightgbm-3.3:latest');
    expect(spec.searchSpace).toEqual({
      learning_rate: { type: 'uniform', minValue: 0.01, maxValue: 0.9 },
      boosting: { type: 'choice', values: [{ value: 'gbdt', text: 'gbdt' }, { value: 'dart', text: 'dart' }] },
    });
    expect(spec.samplingAlgorithm).toEqual({ type: 'random' });
    expect(spec.objective).toEqual({ goal: 'minimize', primaryMetric: 'test-multi_logloss' });
    expect(spec.limits).toEqual({ maxTotalTrials: 20, maxConcurrentTrials: 10, timeoutSeconds: 7200 });
  });
});

describe('refusals name the path down to the leaf', () => {
  it.each([
    ['an unknown top-level field', withTop('colour', 'colour: red'), 'colour', /unknown field "colour".*fields allowed here: .*command/],
    ['a typo, with a suggestion', withTop('enviroment_variables', 'enviroment_variables: {A: b}'), 'enviroment_variables', /did you mean "environment_variables"/],
    ['an unknown nested field', withTop('resources', 'resources: {instance_type: cpu, colour: red}'), 'resources.colour', /unknown field/],
    ['a bad output mode', withTop('outputs', 'outputs:\n  model: {type: uri_folder, mode: bogus}'), 'outputs.model.mode', /"bogus" is not allowed; use one of: mount, upload, rw_mount, direct/],
    ['a bad input type', withTop('inputs', 'inputs:\n  data: {type: uri_filez, path: x}'), 'inputs.data.type', /did you mean "uri_file"/],
    ['a wrong type', withTop('display_name', 'display_name: 5'), 'display_name', /must be a string, not 5 \(a number\)/],
    ['process_count_per_instance as a word', withTop('distribution', 'distribution: {type: pytorch, process_count_per_instance: two}'), 'distribution.process_count_per_instance', /must be an integer, not "two"/],
    ['instance_count 0', withTop('resources', 'resources: {instance_count: 0}'), 'resources.instance_count', /at least 1/],
    ['a fractional instance count', withTop('resources', 'resources: {instance_count: 2.5}'), 'resources.instance_count', /whole number.*truncate/],
    ['a negative timeout', withTop('limits', 'limits: {timeout: -5}'), 'limits.timeout', /positive number of seconds/],
    ['a tag that is not a string', withTop('tags', 'tags: {a: 1}'), 'tags.a', /must be a string/],
    ['an input name with a dash', withTop('inputs', 'inputs:\n  learning-rate: 0.1'), 'inputs.learning-rate', /letters, digits and underscores/],
    ['a null input', withTop('inputs', 'inputs:\n  lr:'), 'inputs.lr', /has no value/],
    ['a date where a string belongs', withTop('description', 'description: 2024-01-31'), 'description', /not a date; quote it/],
    ['a missing command', BASE.replace(/^command:.*$/m, ''), 'command', /is required/],
    ['a bare image as environment', withTop('environment', 'environment: python:3.11'), 'environment', /environment: \{image: python:3.11\}/],
    ['an unknown job type', withTop('type', 'type: pipeline'), 'type', /pipeline jobs are not supported/],
    ['a capitalised job type', withTop('type', 'type: Command'), 'type', /lower-case/],
  ])('%s', (_what, text, path, message) => {
    const errors = refused(parseJobYaml(text));
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each([
    ['image builds', withTop('environment', 'environment: {build: {path: docker-context}}'), 'environment.build', /image builds/],
    ['conda files', withTop('environment', 'environment: {image: python, conda_file: conda.yml}'), 'environment.conda_file', /image build/],
    ['queue_settings', withTop('queue_settings', 'queue_settings: {job_tier: spot}'), 'queue_settings', /AmlCompute only/],
    ['docker_args', withTop('resources', 'resources: {docker_args: --ipc=host}'), 'resources.docker_args', /docker_args cannot be applied/],
    ['ray', withTop('distribution', 'distribution: {type: ray}'), 'distribution.type', /Ray/],
    ['download mode', withTop('inputs', 'inputs:\n  lr: 1\n  data: {type: uri_file, path: https://x.test/a.csv, mode: download}'), 'inputs.data.mode', /download.*Init/],
    ['output paths', withTop('outputs', 'outputs:\n  model: {path: azureml://datastores/x/paths/y}'), 'outputs.model.path', /output volume/],
    ['local compute', withTop('compute', 'compute: local'), 'compute', /local/],
    ['identities', withTop('identity', 'identity: {type: managed}'), 'identity', /service account/],
    ['interactive services', withTop('services', 'services: {ssh: {type: ssh}}'), 'services', /interactive/],
    ['s3 paths', withTop('inputs', 'inputs:\n  lr: 1\n  data: {type: uri_file, path: s3://bucket/a.csv}'), 'inputs.data.path', /s3:\/\/ scheme/],
  ])('refuses %s with the field and the reason', (_what, text, path, message) => {
    const errors = refused(parseJobYaml(text));
    expect(errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('refuses a command that references an undeclared input or output, naming the command', () => {
    const errors = refused(parseJobYaml(withTop('command', 'command: python t.py ${{inputs.lr}} ${{inputs.data}} ${{inputs.nope}} ${{outputs.gone}}')));
    expect(errors).toEqual([
      { path: 'command', message: expect.stringMatching(/input "nope" that is not declared/) },
      { path: 'command', message: expect.stringMatching(/output "gone" that is not declared/) },
    ]);
  });

  it('runs more TensorFlow workers than instances (as Azure ML) and refuses instances left without a task', () => {
    const ok = parseJobYaml(withTop('distribution', 'distribution: {type: tensorflow, worker_count: 3}'));
    expect(ok.ok && ok.spec.type === 'command' && ok.spec.distribution).toEqual({ type: 'tensorflow', workerCount: 3, parameterServerCount: 0 });
    const errors = refused(parseJobYaml(`${BASE}resources: {instance_count: 3}\ndistribution: {type: tensorflow, worker_count: 1}\n`));
    expect(errors).toEqual([{ path: 'distribution.worker_count', message: expect.stringMatching(/leave 2 of resources.instance_count \(3\) instance\(s\) without a TensorFlow task/) }]);
  });

  it('reports every problem at once', () => {
    const errors = refused(parseJobYaml(`${BASE}colour: red\ndisplay_name: 5\n`));
    expect(errors.map((e) => e.path).sort()).toEqual(['colour', 'display_name']);
  });
});

describe('warnings', () => {
  it('warns about a declared input the command never uses', () => {
    const { warnings } = ok(parseJobYaml(withTop('command', 'command: python t.py ${{inputs.data}} ${{outputs.model}}')));
    expect(warnings).toContainEqual({ path: 'inputs.lr', message: expect.stringMatching(/declared but not used in command/) });
  });

  it('warns about local paths unless the submission brought them', () => {
    const text = withTop('inputs', 'inputs:\n  lr: 1\n  data: {type: uri_file, path: data/iris.csv}');
    expect(ok(parseJobYaml(text)).warnings.map((w) => w.path).sort()).toEqual(['code', 'inputs.data.path']);
    expect(ok(parseJobYaml(text, { hasLocalPath: (p) => p === 'src' || p === 'data/iris.csv' })).warnings).toEqual([]);
  });

  it('reports read-only fields as ignored', () => {
    const { warnings } = ok(parseJobYaml(`${BASE}status: Running\n`));
    expect(warnings).toContainEqual({ path: 'status', message: expect.stringMatching(/set by the service.*ignored/) });
  });

  it('hints that a bare URL string is not mounted', () => {
    const { spec, warnings } = ok(parseJobYaml(withTop('inputs', 'inputs:\n  lr: 1\n  data: https://x.test/iris.csv')));
    expect(spec.inputs.data).toMatchObject({ kind: 'literal', text: 'https://x.test/iris.csv' });
    expect(warnings).toContainEqual({ path: 'inputs.data', message: expect.stringMatching(/type: uri_file/) });
  });
});

describe('environments', () => {
  const envs = (name: string) => withTop('environment', `environment: ${name}`);

  it('resolves workspace environments through the caller', () => {
    const lookup = (ref: { name: string; version?: string }) => (ref.name === 'team-env' && ref.version === '3' ? { image: 'registry.example/team-env:3' } : undefined);
    const { spec } = ok(parseJobYaml(envs('azureml:team-env:3'), { environments: lookup }));
    expect(spec.type === 'command' && spec.environment).toEqual({ image: 'registry.example/team-env:3', source: 'workspace', reference: 'azureml:team-env:3' });
  });

  it('refuses an unknown workspace environment, or only warns in a dry run', () => {
    expect(refused(parseJobYaml(envs('azureml:missing@latest')))).toEqual([{ path: 'environment', message: expect.stringMatching(/"missing@latest" is not known in this workspace/) }]);
    const dry = ok(parseJobYaml(envs('azureml:missing@latest'), { dryRun: true }));
    expect(dry.spec.type === 'command' && dry.spec.environment.image).toBeNull();
    expect(dry.warnings).toContainEqual({ path: 'environment', message: expect.stringMatching(/not known/) });
  });

  it('takes inline images and warns about the fields an anonymous environment ignores', () => {
    const { spec, warnings } = ok(parseJobYaml(envs('{image: "python:3.11", name: mine}')));
    expect(spec.type === 'command' && spec.environment).toEqual({ image: 'python:3.11', source: 'inline' });
    expect(warnings).toContainEqual({ path: 'environment.name', message: expect.stringMatching(/anonymous/) });
  });
});

describe('values', () => {
  it('substitutes literals with Python str(): True, 1e-05, 10.0, and YAML 1.1 strings', () => {
    const text = withTop('inputs', 'inputs:\n  lr: 1.0e-5\n  data: {type: uri_file, path: https://x.test/a.csv}\n  flag: yes\n  epochs: 10.0\n  tag: 1e-5\n  n: 7');
    const { spec } = ok(parseJobYaml(text));
    expect(Object.fromEntries(Object.entries(spec.inputs).filter(([, i]) => i.kind === 'literal').map(([k, i]) => [k, i.kind === 'literal' && i.text]))).toEqual({
      lr: '1e-05',
      flag: 'True',
      epochs: '10.0',
      tag: '1e-5',
      n: '7',
    });
  });

  it('turns environment variable numbers and booleans into text', () => {
    const { spec } = ok(parseJobYaml(`${BASE}environment_variables: {A: 1, B: true, C: 0.5, D: text}\n`));
    expect(spec.type === 'command' && spec.environmentVariables).toEqual({ A: '1', B: 'True', C: '0.5', D: 'text' });
  });

  it.each([
    ['2g', '2Gi'],
    ['512m', '512Mi'],
    ['16G', '16Gi'],
    ['1.5g', '1536Mi'],
    ['8gb', '8Gi'],
    ['1000', '1000'],
  ])('shm_size %s is the quantity %s', (size, quantity) => {
    expect(shmSizeToQuantity(size)).toBe(quantity);
  });

  it('reads git code with a ref and refuses credentials in the URL', () => {
    const { spec } = ok(parseJobYaml(withTop('code', 'code: git+https://github.com/Azure/azureml-examples.git@v1.2')));
    expect(spec.type === 'command' && spec.code).toEqual({ kind: 'git', url: 'https://github.com/Azure/azureml-examples.git', ref: 'v1.2' });
    expect(refused(parseJobYaml(withTop('code', 'code: git+https://user:secret@github.com/a/b')))).toEqual([{ path: 'code', message: expect.stringMatching(/credentials/) }]);
  });
});

describe('normalizeJob (JSON and form input)', () => {
  it('accepts the same document as JSON', () => {
    const r = normalizeJob({
      command: 'echo ${{inputs.n}}',
      environment: { image: 'python:3.11' },
      inputs: { n: 3 },
      resources: { instance_count: '2', shm_size: '4g' },
      distribution: { type: 'PyTorch' },
    });
    const { spec } = ok(r);
    expect(spec.type === 'command' && [spec.resources, spec.distribution, spec.inputs.n]).toEqual([
      { instanceCount: 2, shmSize: '4Gi', instanceType: undefined },
      { type: 'pytorch', processCountPerInstance: 1 },
      { kind: 'literal', type: 'integer', value: 3, text: '3' },
    ]);
  });

  it('refuses non-objects and reports paths for nested errors', () => {
    expect(refused(normalizeJob('command: x'))[0].message).toMatch(/must be a mapping/);
    expect(refused(normalizeJob({ command: 'x', environment: { image: 'p' }, outputs: { m: { mode: 'bogus' } } }))).toEqual([
      { path: 'outputs.m.mode', message: expect.stringMatching(/not allowed/) },
    ]);
  });
});

describe('sweep jobs', () => {
  const SWEEP = `
type: sweep
trial:
  command: python main.py --lr \${{search_space.lr}} --b \${{search_space.b}}
  environment: {image: python:3.11}
sampling_algorithm: random
search_space:
  lr: {type: uniform, min_value: 0.01, max_value: 0.9}
  b: {type: choice, values: [1, 2.0, x]}
objective: {goal: Maximize, primary_metric: acc}
limits: {max_total_trials: 4}
`;

  it('keeps choice values with their Python text and defaults concurrency to the total', () => {
    const { spec } = ok(parseJobYaml(SWEEP));
    if (spec.type !== 'sweep') throw new Error();
    expect(spec.searchSpace.b).toEqual({ type: 'choice', values: [{ value: 1, text: '1' }, { value: 2, text: '2.0' }, { value: 'x', text: 'x' }] });
    expect(spec.objective.goal).toBe('maximize');
    expect(spec.limits.maxConcurrentTrials).toBe(4);
  });

  it('refuses grid sampling over continuous parameters, and bayesian sampling', () => {
    expect(refused(parseJobYaml(SWEEP.replace('sampling_algorithm: random', 'sampling_algorithm: grid')))).toEqual([
      { path: 'search_space.lr.type', message: expect.stringMatching(/grid sampling enumerates choice values only/) },
    ]);
    expect(refused(parseJobYaml(SWEEP.replace('sampling_algorithm: random', 'sampling_algorithm: bayesian')))).toEqual([
      { path: 'sampling_algorithm', message: expect.stringMatching(/bayesian/) },
    ]);
  });

  it('refuses unknown search_space references and warns about unused parameters', () => {
    const errors = refused(parseJobYaml(SWEEP.replace('${{search_space.b}}', '${{search_space.c}}')));
    expect(errors).toEqual([{ path: 'trial.command', message: expect.stringMatching(/"c", which is not a parameter of search_space/) }]);
    const { warnings } = ok(parseJobYaml(SWEEP.replace(' --b ${{search_space.b}}', '')));
    expect(warnings).toContainEqual({ path: 'search_space.b', message: expect.stringMatching(/not used in trial.command/) });
  });

  it('takes the sweep-level resources for every trial', () => {
    const { spec, warnings } = ok(parseJobYaml(`${SWEEP}resources: {instance_type: gpu, instance_count: 2}\n`.replace('  environment: {image: python:3.11}', '  environment: {image: python:3.11}\n  resources: {instance_type: cpu}')));
    expect(spec.type === 'sweep' && spec.trial.resources).toEqual({ instanceType: 'gpu', instanceCount: 2, shmSize: '2Gi' });
    expect(warnings).toContainEqual({ path: 'trial.resources', message: expect.stringMatching(/sweep-level resources apply/) });
  });

  it('checks early-termination policies', () => {
    expect(ok(parseJobYaml(`${SWEEP}early_termination: {type: bandit, slack_factor: 0.1}\n`)).spec).toMatchObject({
      earlyTermination: { type: 'bandit', slackFactor: 0.1, evaluationInterval: 1, delayEvaluation: 0 },
    });
    expect(refused(parseJobYaml(`${SWEEP}early_termination: {type: bandit}\n`))).toEqual([
      { path: 'early_termination', message: expect.stringMatching(/exactly one of slack_factor or slack_amount/) },
    ]);
  });
});

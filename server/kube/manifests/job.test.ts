import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { V1Container, V1EnvVar, V1Job, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ComputeTargetRef, ExtensionSettings, InstanceTypeSpec } from '@/lib/domain';
import { parseJobYaml, type CommandJobSpec, type JobSpec, type SweepJobSpec } from '@/lib/aml/job-spec';
import { validateDns1123Label, validateLabelValue } from '@/lib/k8s-names';
import { CODE_DIR, jobManifests, ManifestError, MAIN_CONTAINER, type JobManifestInput, type JobObject } from './job';
import { LAUNCHER_SCRIPT } from './launcher.job';
import { generateMpiSshKeys, mpiSshSecret } from './mpi-ssh.job';
import { jobObjectName, trialObjectName } from './names.job';
import { sweepPlan, sweepTrialManifests, TRIAL_PARAMETERS_ANNOTATION } from './sweep.job';
import { conformanceDir } from '@/test/conformance';

const CONFORMANCE = conformanceDir();

const cpu: InstanceTypeSpec = {
  name: 'cpu-small',
  nodeSelector: { pool: 'cpu' },
  resources: { requests: { cpu: '700m', memory: '1500Mi' }, limits: { cpu: 1, memory: '2Gi' } },
};
const gpu: InstanceTypeSpec = {
  name: 'gpu',
  nodeSelector: { pool: 'gpu' },
  resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 2 } },
};
const target: ComputeTargetRef = { workspace: 'vision', name: 'k8s-compute', cluster: 'aks-westeurope', namespace: 'ml-team', serviceAccountName: 'hm-k8s-compute' };
const settings: ExtensionSettings = {
  enableTraining: true,
  enableInference: false,
  inferenceRouterServiceType: 'clusterIP',
  allowInsecureConnections: true,
  inferenceRouterHA: false,
  nodeSelector: { 'ml-node': 'true' },
  installNvidiaDevicePlugin: false,
  routerImage: 'nginx:1.28-alpine',
};

function spec(yaml: string): JobSpec {
  const r = parseJobYaml(yaml, { dryRun: true });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
}
function command(yaml: string): CommandJobSpec {
  const s = spec(yaml);
  if (s.type !== 'command') throw new Error('not a command job');
  return s;
}

const codeFetch = { url: 'https://harbormaster.example/api/v1/jobs/j1/code.tar.gz', secretName: 'j1-code-token' };
function render(s: CommandJobSpec, extra: Partial<JobManifestInput> = {}): JobObject[] {
  return jobManifests({ spec: s, jobName: 'Train_Iris-01', instanceType: cpu, target, settings, codeFetch, ...extra });
}
const jobOf = (objs: JobObject[]) => objs.find((o) => o.kind === 'Job') as V1Job;
const serviceOf = (objs: JobObject[]) => objs.find((o) => o.kind === 'Service') as V1Service | undefined;
const mainOf = (job: V1Job) => job.spec!.template.spec!.containers.find((c) => c.name === MAIN_CONTAINER)!;
const envOf = (c: V1Container) => Object.fromEntries((c.env ?? []).map((e: V1EnvVar) => [e.name, e.value ?? e.valueFrom]));

const SIMPLE = `
command: python train.py --lr \${{inputs.lr}} --out \${{outputs.model}}
code: src
inputs: {lr: 0.01}
outputs: {model: {type: uri_folder}}
environment: {image: python:3.11}
resources: {instance_type: cpu-small, shm_size: 8g}
limits: {timeout: 3600}
environment_variables: {MODE: fast}
`;

describe('conformance job files render to Kubernetes objects', () => {
  const files = readdirSync(CONFORMANCE).filter((f) => f.includes('__jobs__'));
  for (const f of files) {
    const parsed = parseJobYaml(readFileSync(join(CONFORMANCE, f), 'utf8'), { dryRun: true });
    if (!parsed.ok) continue; // refusals are asserted in lib/aml/job-spec.test.ts
    it(f, () => {
      const s = parsed.spec;
      const cifar = { cifar: { kind: 'pvc' as const, claimName: 'cifar-10', subPath: 'v1' } };
      const objs =
        s.type === 'sweep'
          ? sweepTrialManifests({ spec: s, sweepName: 'lightgbm-sweep', trialIndex: 0, instanceType: cpu, target, settings, codeFetch }).objects
          : jobManifests({ spec: s, jobName: f.replace(/\.yml$/, ''), instanceType: s.distribution ? gpu : cpu, target, settings, codeFetch, inputs: cifar });
      const job = jobOf(objs);
      expect(job.apiVersion).toBe('batch/v1');
      expect(validateDns1123Label(job.metadata!.name)).toBeNull();
      const trial = s.type === 'sweep' ? s.trial : s;
      expect(mainOf(job).image).toBe(trial.environment.image);
      expect(job.spec!.completions).toBe(trial.resources.instanceCount);
      // The command reaching the container has no bindings left.
      expect(mainOf(job).command!.at(-1)).not.toMatch(/\$\{\{/);
      if (trial.resources.instanceCount > 1) expect(serviceOf(objs)?.spec?.clusterIP).toBe('None');
    });
  }
});

describe('single-node jobs', () => {
  const objs = render(command(SIMPLE));
  const job = jobOf(objs);
  const pod = job.spec!.template.spec!;
  const main = mainOf(job);

  it('is one batch/v1 Job in the target namespace, labelled per DESIGN §4', () => {
    expect(objs).toHaveLength(1);
    expect(job.metadata).toMatchObject({
      name: jobObjectName('Train_Iris-01'),
      namespace: 'ml-team',
      labels: {
        'app.kubernetes.io/managed-by': 'harbormaster',
        'harbormaster.io/workspace': 'vision',
        'harbormaster.io/compute': 'k8s-compute',
        'harbormaster.io/job': jobObjectName('Train_Iris-01'),
      },
      annotations: { 'harbormaster.io/job-name': 'Train_Iris-01' },
    });
    expect(job.spec!.template.metadata!.labels).toEqual(job.metadata!.labels);
    expect(job.spec!.completionMode).toBeUndefined();
  });

  it('runs the substituted command through the launcher, in the code folder', () => {
    expect(main.command!.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(main.command!.at(-1)).toBe('python train.py --lr 0.01 --out /mnt/azureml/outputs/model');
    expect(main.workingDir).toBe(CODE_DIR);
    expect(envOf(main)).toMatchObject({ MODE: 'fast', AZUREML_RUN_ID: 'Train_Iris-01', HM_OUTPUT_DIRS: '/mnt/azureml/outputs/model' });
  });

  it('takes resources and placement from the instance type and the extension', () => {
    expect(main.resources).toEqual({ requests: { cpu: '700m', memory: '1500Mi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(pod.nodeSelector).toEqual({ pool: 'cpu', 'ml-node': 'true' });
    expect(pod.serviceAccountName).toBe('hm-k8s-compute');
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.tolerations).toEqual(
      expect.arrayContaining([
        { key: 'ml.azure.com/amlarc', operator: 'Equal', value: 'true' },
        { key: 'ml.azure.com/amlarc-workload', operator: 'Equal', value: 'true' },
        { key: 'ml.azure.com/workspace', operator: 'Equal', value: 'vision' },
        { key: 'ml.azure.com/compute', operator: 'Equal', value: 'k8s-compute' },
      ]),
    );
  });

  it('sizes /dev/shm from shm_size and stops at limits.timeout', () => {
    expect(pod.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } });
    expect(main.volumeMounts).toContainEqual({ name: 'dshm', mountPath: '/dev/shm' });
    expect(job.spec!.activeDeadlineSeconds).toBe(3600);
  });

  it('fails at once when the command fails but retries node disruptions', () => {
    expect(job.spec!.podFailurePolicy!.rules).toEqual([
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'NotIn', values: [0] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    ]);
    expect(job.spec!.backoffLimit).toBeGreaterThan(0);
  });

  it('fetches the code with a job-scoped token from a Secret, never inline', () => {
    const init = pod.initContainers!.find((c) => c.name === 'fetch-code')!;
    expect(envOf(init)).toMatchObject({
      HM_CODE_URL: codeFetch.url,
      HM_CODE_TOKEN: { secretKeyRef: { name: 'j1-code-token', key: 'token' } },
    });
    expect(JSON.stringify(init)).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(init.volumeMounts).toContainEqual({ name: 'code', mountPath: CODE_DIR });
  });

  it('keeps outputs on the PVC the caller passes, including ./outputs and ./logs', () => {
    const withPvc = jobOf(render(command(SIMPLE), { outputVolume: { claimName: 'ml-outputs' } }));
    const m = mainOf(withPvc);
    expect(withPvc.spec!.template.spec!.volumes).toContainEqual({ name: 'outputs', persistentVolumeClaim: { claimName: 'ml-outputs' } });
    const name = jobObjectName('Train_Iris-01');
    expect(m.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'outputs', mountPath: '/mnt/azureml/outputs', subPath: `jobs/${name}/outputs` },
        { name: 'outputs', mountPath: `${CODE_DIR}/outputs`, subPath: `jobs/${name}/artifacts/outputs` },
      ]),
    );
  });

  it('passes proxy settings, with in-cluster names exempt, and mounts the proxy CA', () => {
    const proxied = jobOf(
      render(command(SIMPLE), { settings: { ...settings, proxy: { httpsProxy: 'http://proxy:3128', noProxy: '10.0.0.0/8', caBundleConfigMap: 'proxy-ca' } } }),
    );
    const env = envOf(mainOf(proxied));
    expect(env.HTTPS_PROXY).toBe('http://proxy:3128');
    expect(env.https_proxy).toBe('http://proxy:3128');
    expect(String(env.NO_PROXY).split(',')).toEqual(expect.arrayContaining(['10.0.0.0/8', '127.0.0.1', 'localhost', '.svc', '.svc.cluster.local']));
    expect(env.HM_PROXY_CA).toBe('/etc/harbormaster/proxy-ca/ca.crt');
    expect(proxied.spec!.template.spec!.volumes).toContainEqual({ name: 'proxy-ca', configMap: { name: 'proxy-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    const init = proxied.spec!.template.spec!.initContainers![0];
    expect(envOf(init).HTTPS_PROXY).toBe('http://proxy:3128');
  });

  it('uses the image pull secret and the private registry for helper and curated images', () => {
    const s = command(SIMPLE.replace('environment: {image: python:3.11}', 'environment: azureml:AzureML-sklearn-1.5@latest'));
    const j = jobOf(render(s, { settings: { ...settings, imagePullSecret: 'regcred', imageRegistry: 'mirror.example.com/ml' } }));
    expect(j.spec!.template.spec!.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(mainOf(j).image).toBe('mirror.example.com/ml/azureml/curated/sklearn-1.5:latest');
    expect(j.spec!.template.spec!.initContainers![0].image).toMatch(/^mirror\.example\.com\/ml\/curlimages\/curl:/);
  });
});

describe('placement edge cases', () => {
  it('requests GPUs equal to their limit and tolerates the taints passed in', () => {
    const j = jobOf(
      render(command(SIMPLE), {
        instanceType: gpu,
        tolerations: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }, { key: 'sku', value: 'gpu', effect: 'NoSchedule' }],
        resourceGroup: 'rg-ml',
      }),
    );
    expect(mainOf(j).resources).toEqual({
      requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2' },
      limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '2' },
    });
    expect(j.spec!.template.spec!.tolerations).toEqual(
      expect.arrayContaining([
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
        { key: 'ml.azure.com/resource-group', operator: 'Equal', value: 'rg-ml' },
      ]),
    );
  });

  it('refuses an instance type whose nodeSelector contradicts the extension', () => {
    expect(() => render(command(SIMPLE), { instanceType: { ...cpu, nodeSelector: { 'ml-node': 'false' } } })).toThrow(ManifestError);
    expect(() => render(command(SIMPLE), { instanceType: { ...cpu, nodeSelector: { 'ml-node': 'false' } } })).toThrow(/ml-node=false .* ml-node=true/);
  });

  it('needs the code uploaded (or a git URL) before the job can run', () => {
    expect(() => jobManifests({ spec: command(SIMPLE), jobName: 'x', instanceType: cpu, target, settings })).toThrow(/local folder "src" must be uploaded/);
    const git = command(SIMPLE.replace('code: src', 'code: git+https://github.com/Azure/azureml-examples@main'));
    const init = jobOf(jobManifests({ spec: git, jobName: 'x', instanceType: cpu, target, settings })).spec!.template.spec!.initContainers![0];
    expect(envOf(init)).toMatchObject({ HM_GIT_URL: 'https://github.com/Azure/azureml-examples', HM_GIT_REF: 'main' });
  });
});

describe('inputs', () => {
  const WITH_DATA = `
command: python t.py --csv \${{inputs.csv}} --blob \${{inputs.blob}} --folder \${{inputs.folder}} --uri \${{inputs.direct}}
inputs:
  csv: {type: uri_file, path: https://azuremlexamples.blob.core.windows.net/datasets/iris.csv}
  blob: {type: uri_file, path: wasbs://datasets@azuremlexamples.blob.core.windows.net/iris.csv}
  folder: {type: uri_folder, path: azureml:cifar-10:1}
  direct: {type: uri_folder, path: azureml://datastores/blobs/paths/x, mode: direct}
environment: {image: python:3.11}
`;
  const objs = render(command(WITH_DATA), { inputs: { folder: { kind: 'pvc', claimName: 'datasets', subPath: 'cifar-10/1' } } });
  const job = jobOf(objs);
  const main = mainOf(job);

  it('substitutes mount paths (files keep their name) and passes direct inputs as URIs', () => {
    expect(main.command!.at(-1)).toBe(
      'python t.py --csv /mnt/azureml/inputs/csv/iris.csv --blob /mnt/azureml/inputs/blob/iris.csv --folder /mnt/azureml/inputs/folder --uri azureml://datastores/blobs/paths/x',
    );
  });

  it('fetches public files in an init container and mounts them read-only', () => {
    const init = job.spec!.template.spec!.initContainers!.find((c) => c.name === 'fetch-inputs')!;
    expect(envOf(init).HM_FETCH).toBe(
      [
        'https://azuremlexamples.blob.core.windows.net/datasets/iris.csv /work/inputs/csv/iris.csv',
        'https://azuremlexamples.blob.core.windows.net/datasets/iris.csv /work/inputs/blob/iris.csv',
      ].join('\n'),
    );
    expect(main.volumeMounts).toContainEqual({ name: 'inputs', mountPath: '/mnt/azureml/inputs/csv', subPath: 'csv', readOnly: true });
  });

  it('mounts resolved PVC inputs read-only', () => {
    expect(main.volumeMounts).toContainEqual({ name: 'input-0', mountPath: '/mnt/azureml/inputs/folder', readOnly: true, subPath: 'cifar-10/1' });
    expect(job.spec!.template.spec!.volumes).toContainEqual({ name: 'input-0', persistentVolumeClaim: { claimName: 'datasets', readOnly: true } });
  });

  it('refuses to guess data nobody resolved', () => {
    expect(() => render(command(WITH_DATA))).toThrow(/inputs.folder: azureml:cifar-10:1 \(asset\) must be resolved/);
  });
});

describe('multi-node jobs', () => {
  const PYTORCH = `
command: python train.py
environment: {image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime}
distribution: {type: pytorch, process_count_per_instance: 2}
resources: {instance_count: 3, instance_type: gpu}
`;
  const objs = jobManifests({ spec: command(PYTORCH), jobName: 'ddp', instanceType: gpu, target, settings });
  const job = jobOf(objs);
  const svc = serviceOf(objs)!;

  it('is an Indexed Job with completions = parallelism = instance_count and a headless Service', () => {
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    expect(job.spec!.template.spec!.subdomain).toBe(svc.metadata!.name);
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: { 'harbormaster.io/job': 'ddp' } });
    expect(svc.metadata!.labels).toEqual(job.metadata!.labels);
  });

  it('wires PyTorch: master is pod 0, NODE_RANK is the completion index, torchrun variables are set', () => {
    const env = envOf(mainOf(job));
    expect(env).toMatchObject({
      MASTER_ADDR: 'ddp-0.ddp',
      MASTER_PORT: '29500',
      WORLD_SIZE: '6',
      LOCAL_WORLD_SIZE: '2',
      HM_PROCS: '2',
      PET_NNODES: '3',
      PET_NPROC_PER_NODE: '2',
      PET_NODE_RANK: '$(NODE_RANK)',
      NODE_RANK: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
    // $(NODE_RANK) expands only if NODE_RANK is defined earlier in the list.
    const names = mainOf(job).env!.map((e) => e.name);
    expect(names.indexOf('NODE_RANK')).toBeLessThan(names.indexOf('PET_NODE_RANK'));
  });

  it('wires TensorFlow with a TF_CONFIG cluster and ends when the workers do', () => {
    const tf = command(`
command: python train.py
environment: {image: tensorflow/tensorflow:2.16.1}
distribution: {type: tensorflow, worker_count: 2, parameter_server_count: 1}
resources: {instance_count: 3}
`);
    const j = jobOf(jobManifests({ spec: tf, jobName: 'tf', instanceType: cpu, target, settings }));
    const env = envOf(mainOf(j));
    expect(JSON.parse(String(env.HM_TF_CLUSTER))).toEqual({ worker: ['tf-0.tf:2222', 'tf-1.tf:2222'], ps: ['tf-2.tf:2222'] });
    expect(env.HM_TF_WORKERS).toBe('2');
    expect(j.spec!.successPolicy).toEqual({ rules: [{ succeededIndexes: '0-1' }] });
  });

  it('spreads more TensorFlow tasks than instances over them, one port per task on an instance (as Azure ML)', () => {
    const tf = command(`
command: python train.py
environment: {image: tensorflow/tensorflow:2.16.1}
distribution: {type: tensorflow, worker_count: 4, parameter_server_count: 1}
resources: {instance_count: 2}
`);
    const j = jobOf(jobManifests({ spec: tf, jobName: 'tf', instanceType: cpu, target, settings }));
    const env = envOf(mainOf(j));
    expect(JSON.parse(String(env.HM_TF_CLUSTER))).toEqual({ worker: ['tf-0.tf:2222', 'tf-1.tf:2222', 'tf-0.tf:2223', 'tf-1.tf:2223'], ps: ['tf-0.tf:2224'] });
    expect(env).toMatchObject({ HM_TF_WORKERS: '4', HM_TF_TASKS: '5', HM_TF_INSTANCES: '2' });
    expect(mainOf(j).ports!.map((p) => p.containerPort)).toEqual([2222, 2223, 2224]);
    expect(j.spec!.successPolicy).toEqual({ rules: [{ succeededIndexes: '0-1' }] });
  });

  it('wires MPI over ssh with a hostfile of stable pod names, and needs the key Secret', () => {
    const mpi = command(`
command: python train.py
environment: {image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04}
distribution: {type: mpi, process_count_per_instance: 4}
resources: {instance_count: 2}
environment_variables: {NCCL_DEBUG: INFO}
`);
    expect(() => jobManifests({ spec: mpi, jobName: 'hvd', instanceType: cpu, target, settings })).toThrow(/ssh key Secret/);
    const j = jobOf(jobManifests({ spec: mpi, jobName: 'hvd', instanceType: cpu, target, settings, mpiSshSecretName: 'hvd-mpi-ssh' }));
    const env = envOf(mainOf(j));
    expect(env).toMatchObject({ HM_DIST: 'mpi', HM_PROCS: '4', HM_NODES: '2', HM_MPI_HOSTS: 'hvd-0.hvd hvd-1.hvd' });
    expect(String(env.HM_MPI_FORWARD_ENV).split(' ')).toContain('NCCL_DEBUG');
    expect(j.spec!.template.spec!.volumes).toContainEqual({ name: 'mpi-ssh', secret: { secretName: 'hvd-mpi-ssh', defaultMode: 0o400 } });
    expect(j.spec!.successPolicy).toEqual({ rules: [{ succeededIndexes: '0' }] });
  });

  it('keeps every hostname within 63 characters for long job names', () => {
    const long = jobObjectName('A_Very_Long_Experiment_Name_For_Distributed_Training_Of_A_Large_Model_2024_11_28');
    expect(validateDns1123Label(`${long}-9999`)).toBeNull();
    expect(validateLabelValue(long)).toBeNull();
    expect(/^[a-z]/.test(jobObjectName('2024-run'))).toBe(true);
    expect(jobObjectName('My_Job')).not.toBe(jobObjectName('my-job'));
    expect(jobObjectName('already-fine')).toBe('already-fine');
  });
});

describe('sweep trials', () => {
  const SWEEP = `
type: sweep
trial:
  command: python main.py --lr \${{search_space.lr}} --boosting \${{search_space.boosting}} --out \${{outputs.model}}
  environment: {image: python:3.11}
sampling_algorithm: {type: random, seed: 7}
search_space:
  lr: {type: uniform, min_value: 0.01, max_value: 0.9}
  boosting: {type: choice, values: [gbdt, dart]}
objective: {goal: minimize, primary_metric: loss}
outputs: {model: {type: uri_folder}}
limits: {max_total_trials: 5, max_concurrent_trials: 2, trial_timeout: 600}
`;
  const s = spec(SWEEP) as SweepJobSpec;
  const trial = (i: number) => sweepTrialManifests({ spec: s, sweepName: 'lgbm', trialIndex: i, instanceType: cpu, target, settings, outputVolume: { claimName: 'out' } });

  it('renders one Job per trial with the sampled parameters substituted', () => {
    const t = trial(3);
    const job = jobOf(t.objects);
    expect(job.metadata!.name).toBe(trialObjectName('lgbm', 3));
    expect(mainOf(job).command!.at(-1)).toBe(`python main.py --lr ${t.parameters.lr.text} --boosting ${t.parameters.boosting.text} --out /mnt/azureml/outputs/model`);
    expect(job.metadata!.labels).toMatchObject({ 'harbormaster.io/sweep': 'lgbm', 'harbormaster.io/job': 'lgbm-t3' });
    expect(JSON.parse(job.metadata!.annotations![TRIAL_PARAMETERS_ANNOTATION])).toEqual({ lr: t.parameters.lr.value, boosting: t.parameters.boosting.value });
    expect(job.spec!.activeDeadlineSeconds).toBe(600);
    expect(mainOf(job).volumeMounts).toContainEqual({ name: 'outputs', mountPath: '/mnt/azureml/outputs', subPath: 'jobs/lgbm/trials/3/outputs' });
  });

  it('samples deterministically from the seed', () => {
    expect(trial(2).parameters).toEqual(trial(2).parameters);
    const all = Array.from({ length: 5 }, (_, i) => trial(i).parameters.lr.value);
    expect(new Set(all).size).toBe(5);
  });

  it('plans max_total_trials and refuses trials beyond it', () => {
    expect(sweepPlan(s, 'lgbm')).toEqual({ trialCount: 5, maxConcurrentTrials: 2, seed: 7 });
    expect(() => trial(5)).toThrow(/outside this sweep's 5 trials/);
  });
});

describe('the launcher script (run with the system sh)', () => {
  function launch(cmd: string, env: Record<string, string>) {
    const r = spawnSync('sh', ['-c', LAUNCHER_SCRIPT, 'harbormaster-launcher', cmd], { encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: tmpdir(), ...env } as unknown as NodeJS.ProcessEnv });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it('runs the command as given, with its exit code', () => {
    expect(launch('echo "a b" && exit 3', {})).toMatchObject({ code: 3, out: 'a b\n' });
  });

  it('starts process_count_per_instance copies with Azure ML ranks', () => {
    const r = launch('echo "$RANK/$LOCAL_RANK/$WORLD_SIZE"', { HM_DIST: 'pytorch', HM_PROCS: '3', NODE_RANK: '1', WORLD_SIZE: '6' });
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').sort()).toEqual(['3/0/6', '4/1/6', '5/2/6']);
  });

  it('fails when any of the copies fails', () => {
    expect(launch('[ "$LOCAL_RANK" != 1 ] || exit 7', { HM_DIST: 'pytorch', HM_PROCS: '2', NODE_RANK: '0' }).code).toBe(7);
  });

  it('gives each TensorFlow pod its task in TF_CONFIG', () => {
    const env = { HM_DIST: 'tensorflow', HM_TF_WORKERS: '2', HM_TF_TASKS: '3', HM_TF_INSTANCES: '3', HM_TF_CLUSTER: '{"worker":["a:2222","b:2222"],"ps":["c:2222"]}' };
    const worker = JSON.parse(launch('printf %s "$TF_CONFIG"', { ...env, NODE_RANK: '1' }).out);
    expect(worker).toEqual({ cluster: { worker: ['a:2222', 'b:2222'], ps: ['c:2222'] }, task: { type: 'worker', index: 1 } });
    const ps = JSON.parse(launch('printf %s "$TF_CONFIG"', { ...env, NODE_RANK: '2' }).out);
    expect(ps.task).toEqual({ type: 'ps', index: 0 });
  });

  it('runs more TensorFlow tasks than instances side by side, and an instance ends with its workers', () => {
    // 5 workers + 1 parameter server over 2 instances: instance 0 runs workers 0, 2, 4; instance 1 runs
    // workers 1, 3 and the parameter server (stopped once its workers are done).
    const env = { HM_DIST: 'tensorflow', HM_TF_WORKERS: '5', HM_TF_TASKS: '6', HM_TF_INSTANCES: '2', HM_TF_CLUSTER: '{"worker":["a:2222","b:2222","a:2223","b:2223","a:2224"],"ps":["b:2224"]}' };
    const cmd = `t=$(printf %s "$TF_CONFIG" | sed 's/.*"task":{"type":"\\([a-z]*\\)","index":\\([0-9]*\\)}}/\\1:\\2/'); echo "$t"; case "$t" in ps:*) exec sleep 30;; esac`;
    const zero = launch(cmd, { ...env, NODE_RANK: '0' });
    expect(zero.code).toBe(0);
    expect(zero.out.trim().split('\n').sort()).toEqual(['worker:0', 'worker:2', 'worker:4']);
    const started = Date.now();
    const one = launch(cmd, { ...env, NODE_RANK: '1' });
    expect(one.code).toBe(0);
    // Its parameter server may be stopped before it prints anything: the workers decide when it ends.
    expect(one.out.trim().split('\n').filter((l) => l.startsWith('worker')).sort()).toEqual(['worker:1', 'worker:3']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('runs single-process MPI without mpirun and explains when mpirun is missing', () => {
    expect(launch('echo solo', { HM_DIST: 'mpi', HM_NODES: '1', HM_PROCS: '1', PATH: '/usr/bin:/bin' })).toMatchObject({ code: 0, out: 'solo\n' });
    const r = launch('echo x', { HM_DIST: 'mpi', HM_NODES: '1', HM_PROCS: '4', PATH: '/usr/bin:/bin' });
    if (spawnSync('sh', ['-c', 'command -v mpirun'], { env: { PATH: '/usr/bin:/bin' } as unknown as NodeJS.ProcessEnv }).status !== 0) {
      expect(r).toMatchObject({ code: 127, err: expect.stringMatching(/needs mpirun/) });
    }
  });

  it('creates output folders and trusts a proxy CA on top of the image bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-launch-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nproxy\n-----END CERTIFICATE-----\n');
      const r = launch('test -d "$OUT" && grep -c "BEGIN CERTIFICATE" "$REQUESTS_CA_BUNDLE"', {
        HM_OUTPUT_DIRS: `${dir}/out/model`,
        OUT: `${dir}/out/model`,
        HM_PROXY_CA: join(dir, 'ca.crt'),
      });
      expect(r.code).toBe(0);
      expect(Number(r.out.trim())).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('MPI ssh keys', () => {
  it('makes a key pair OpenSSH accepts, in a labelled Secret', () => {
    const keys = generateMpiSshKeys();
    expect(keys.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const secret = mpiSshSecret('Horovod_Run', target, keys);
    expect(secret.metadata!.labels!['harbormaster.io/job']).toBe(jobObjectName('Horovod_Run'));
    expect(secret.stringData!.authorized_keys).toBe(`${keys.publicKey}\n`);
    if (spawnSync('sh', ['-c', 'command -v ssh-keygen']).status === 0) {
      const dir = mkdtempSync(join(tmpdir(), 'hm-ssh-'));
      try {
        writeFileSync(join(dir, 'id_rsa'), keys.privateKey, { mode: 0o600 });
        const derived = spawnSync('ssh-keygen', ['-y', '-f', join(dir, 'id_rsa')], { encoding: 'utf8' });
        expect(derived.stdout.trim().split(' ').slice(0, 2)).toEqual(keys.publicKey.split(' ').slice(0, 2));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

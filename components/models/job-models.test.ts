import { describe, expect, it } from 'vitest';
import type { ModelVersionDto } from '@/server/services/models';
import { jobModelOutputs, versionsFromJob } from './job-models';

describe('jobModelOutputs', () => {
  it('lists the outputs declared as models, with the name they are registered as', () => {
    const spec = { outputs: { model: { type: 'custom_model', name: 'resnet' }, best: { type: 'mlflow_model' }, metrics: { type: 'uri_folder' } } };
    expect(jobModelOutputs({ name: 'train-1', spec })).toEqual([
      { output: 'model', model: 'resnet', type: 'custom_model' },
      { output: 'best', model: 'train-1-best', type: 'mlflow_model' },
    ]);
  });

  it('has none for a job without outputs, or a sweep’s trial', () => {
    expect(jobModelOutputs({ name: 'j', spec: {} })).toEqual([]);
    expect(jobModelOutputs({ name: 'j' })).toEqual([]);
    expect(jobModelOutputs({ name: 's_0', spec: { outputs: { m: { type: 'custom_model' } } }, trial: { index: 0 } })).toEqual([]);
  });
});

describe('versionsFromJob', () => {
  const v = (version: string, job: string | null, output = 'model') =>
    ({ version, lineage: { job: job ? { name: job, output } : null, deployments: [] } }) as unknown as ModelVersionDto;
  it('keeps the versions whose lineage names this job and output', () => {
    const all = [v('3', 'train-2'), v('2', 'train-1'), v('1', null), v('4', 'train-1', 'other')];
    expect(versionsFromJob(all, 'train-1', 'model').map((x) => x.version)).toEqual(['2']);
    expect(versionsFromJob(undefined, 'train-1', 'model')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { describeLocation, formatBytes, pathHint, pathKind } from './model-location';

describe('describeLocation', () => {
  it('says where a job output is on the compute namespace’s PVC', () => {
    const w = describeLocation({
      kind: 'job-output',
      uri: 'azureml://jobs/train-1/outputs/model',
      job: 'train-1',
      output: 'model',
      storage: { cluster: 'factory', namespace: 'hm-vision-factory', claim: 'ml-data', path: 'jobs/train-1/outputs/model' },
    });
    expect(w.kind).toBe('Job output');
    expect(w.sentence).toBe('PVC ml-data in factory/hm-vision-factory at jobs/train-1/outputs/model');
    expect(w.uri).toBe('azureml://jobs/train-1/outputs/model');
    expect(w.note).toBe('Output model of job train-1.');
  });

  it('says when a job wrote to scratch space and the files are gone', () => {
    const w = describeLocation({ kind: 'job-output', uri: 'azureml://jobs/j/outputs/m/paths/best', job: 'j', output: 'm', subPath: 'best', storage: { cluster: 'lab', namespace: 'hm-vision-lab' } });
    expect(w.sentence).toBe('Output m of job j (best inside it), written in lab/hm-vision-lab');
    expect(w.note).toMatch(/scratch space .* the files went with the pod/);
  });

  it('counts uploaded files and their size', () => {
    expect(describeLocation({ kind: 'upload', sha256: 'ab'.repeat(32), size: 1_234_567, files: 2 }).sentence).toBe('Files uploaded to Harbormaster (2 files, 1.2 MB)');
    expect(describeLocation({ kind: 'upload', sha256: 'ab'.repeat(32), size: 10, files: 1 }).sentence).toBe('Files uploaded to Harbormaster (1 file, 10 B)');
  });

  it('names storage accounts, containers, datastores and hosts', () => {
    expect(describeLocation({ kind: 'blob', uri: 'wasbs://models@acme.blob.core.windows.net/resnet/v3' }).sentence).toBe('Container models in storage account acme at resnet/v3');
    expect(describeLocation({ kind: 'adls', uri: 'abfss://lake@acme.dfs.core.windows.net/m' }).sentence).toBe('File system lake in storage account acme at m');
    expect(describeLocation({ kind: 'datastore', uri: 'azureml://datastores/workspaceblobstore/paths/models/resnet' }).sentence).toBe('Datastore workspaceblobstore at models/resnet');
    expect(describeLocation({ kind: 'url', uri: 'https://example.com/m.onnx' }).sentence).toBe('Files at example.com, read over HTTPS when the model is used');
    expect(describeLocation({ kind: 'url', uri: 'not a url' }).sentence).toBe('Files at not a url');
  });
});

describe('formatBytes', () => {
  it('reads like a file browser', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1 kB');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(formatBytes(250_000_000)).toBe('250 MB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.1 GB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('pathKind and pathHint', () => {
  it('recognizes the accepted forms', () => {
    expect(pathKind('azureml://jobs/train/outputs/model')).toBe('job-output');
    expect(pathKind('https://x/y')).toBe('url');
    expect(pathKind('wasbs://c@a.blob.core.windows.net/p')).toBe('blob');
    expect(pathKind('abfss://c@a.dfs.core.windows.net/p')).toBe('adls');
    expect(pathKind('azureml://datastores/ds/paths/p')).toBe('datastore');
    expect(pathKind('azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/ds/paths/p')).toBe('datastore');
    expect(pathKind('azureml://registries/azureml/models/x/versions/1')).toBe('registry');
    expect(pathKind('azureml:other:1')).toBe('asset');
    expect(pathKind('./my-model')).toBe('local');
    expect(pathKind('  ')).toBe('empty');
  });

  it('says what a job output path links to', () => {
    expect(pathHint('azureml://jobs/train-7/outputs/model')).toBe('Output model of job train-7: the version links to that job (it must have Completed).');
    expect(pathHint('')).toBeUndefined();
    expect(pathHint('./m')).toMatch(/choose it below/);
  });
});

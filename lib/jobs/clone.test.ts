import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cloneDocument } from './clone';

const SHA = 'a'.repeat(64);

describe('cloneDocument', () => {
  it('keeps the YAML as written, without its name, with the code snapshot in place of the local folder', () => {
    const source = '# train it\nname: train-1\ncommand: python train.py\ncode: ./src\nenvironment: {image: busybox:1.36}\ncompute: azureml:gpu\n';
    const c = cloneDocument({ name: 'train-1', source, sourceFormat: 'yaml', codeSha256: SHA });
    expect(c.yaml).toContain('# train it');
    expect(parse(c.yaml)).toEqual({ command: 'python train.py', code: `azureml:code-${SHA}`, environment: { image: 'busybox:1.36' }, compute: 'azureml:gpu' });
    expect(c.changes).toEqual(['its name is left out (the clone gets a new one)', 'its code is the snapshot job train-1 ran with (instead of the local folder "./src")']);
  });

  it('moves it to another compute target and instance type (a pending job\'s alternatives)', () => {
    const c = cloneDocument({ name: 'big', source: JSON.stringify({ command: 'x', environment: { image: 'i' }, compute: 'azureml:gpu', resources: { instance_type: 'gpu-8' } }), sourceFormat: 'json', codeSha256: null }, { compute: 'cpu', instanceType: 'gpu-1' });
    expect(parse(c.yaml)).toEqual({ command: 'x', environment: { image: 'i' }, compute: 'azureml:cpu', resources: { instance_type: 'gpu-1' } });
    const sweep = cloneDocument({ name: 's', source: 'type: sweep\ntrial: {command: x, code: git+https://example.com/r.git}\n', sourceFormat: 'yaml', codeSha256: SHA }, { instanceType: 'gpu-1' });
    expect(parse(sweep.yaml)).toEqual({ type: 'sweep', trial: { command: 'x', code: 'git+https://example.com/r.git', resources: { instance_type: 'gpu-1' } } });
  });

  it('hands back a document it cannot read as it is', () => {
    expect(cloneDocument({ name: 'x', source: 'a: [', sourceFormat: 'yaml', codeSha256: null })).toEqual({ yaml: 'a: [', changes: [] });
  });
});

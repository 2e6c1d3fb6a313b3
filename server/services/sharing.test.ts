// Pure parts of the sharing map: which labelled objects a record explains (drift), and the CSV cells.
import { describe, expect, it } from 'vitest';
import { LABELS, MANAGED_BY } from '@/lib/domain';
import { csvDocument, csvField, driftReason, type Explanations, type ManagedObject } from './sharing';

const ex: Explanations = {
  targets: new Map([
    ['vision/gpu', 'vision-gpu'],
    ['vision/cpu', 'vision-gpu'],
  ]),
  jobs: new Set(['vision-gpu/train-1', 'vision-gpu/sweep-a']),
  deployments: new Set(['vision-gpu/scorer/blue']),
};
const obj = (labels: Record<string, string>, namespace = 'vision-gpu', kind: ManagedObject['kind'] = 'Deployment'): ManagedObject => ({
  kind,
  namespace,
  name: 'x',
  labels: { [LABELS.managedBy]: MANAGED_BY, ...labels },
});
const target = { [LABELS.workspace]: 'vision', [LABELS.compute]: 'gpu' };

describe('driftReason', () => {
  it('explains recorded jobs, sweep trials and online deployments on their target’s namespace', () => {
    expect(driftReason(obj({ ...target, [LABELS.job]: 'train-1' }, 'vision-gpu', 'Job'), ex)).toBeUndefined();
    expect(driftReason(obj({ ...target, [LABELS.job]: 'sweep-a-t3', [LABELS.sweep]: 'sweep-a' }, 'vision-gpu', 'Job'), ex)).toBeUndefined();
    expect(driftReason(obj({ ...target, [LABELS.endpoint]: 'scorer', [LABELS.deployment]: 'blue' }), ex)).toBeUndefined();
    expect(driftReason(obj({ [LABELS.workspace]: 'vision', [LABELS.compute]: 'cpu', [LABELS.job]: 'train-1' }, 'vision-gpu', 'Service'), ex)).toBeUndefined();
  });

  it('names what is missing otherwise', () => {
    expect(driftReason(obj({}), ex)).toBe('it names no workspace and compute target');
    expect(driftReason(obj({ [LABELS.workspace]: 'vision', [LABELS.compute]: 'tpu' }), ex)).toBe('no compute target tpu of workspace vision is attached to this cluster');
    expect(driftReason(obj(target, 'elsewhere'), ex)).toBe('compute target vision/gpu uses namespace vision-gpu, not elsewhere');
    expect(driftReason(obj({ ...target, [LABELS.job]: 'train-2' }, 'vision-gpu', 'Job'), ex)).toBe('no job train-2 is recorded in workspace vision');
    expect(driftReason(obj({ ...target, [LABELS.endpoint]: 'scorer', [LABELS.deployment]: 'green' }), ex)).toBe('no online deployment green of endpoint scorer is recorded in workspace vision');
    expect(driftReason(obj(target), ex)).toBe('it names no job and no online deployment');
  });
});

describe('CSV', () => {
  it('quotes what needs it and neutralises spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(null)).toBe('');
    expect(csvDocument(['a', 'b'], [[1, 'x\ny']])).toBe('a,b\r\n1,"x\ny"\r\n');
  });
});

import { describe, expect, it } from 'vitest';
import type { ModelVersionDto } from '@/server/services/models';
import { lineageGraph, lineageRows, NODE_HEIGHT } from './lineage';

const base: ModelVersionDto = {
  uid: 'v1',
  name: 'resnet',
  version: '3',
  type: 'custom_model',
  description: '',
  tags: {},
  properties: {},
  stage: null,
  path: 'azureml://jobs/train-1/outputs/model',
  location: { kind: 'job-output', uri: 'azureml://jobs/train-1/outputs/model', job: 'train-1', output: 'model' },
  archived: false,
  archivedAt: null,
  createdAt: '2026-03-01T10:00:00Z',
  createdBy: 'dana@example.com',
  lineage: {
    job: { name: 'train-1', computeTarget: 'gpu', cluster: 'lab', namespace: 'hm-vision-gpu', output: 'model', location: 'azureml://jobs/train-1/outputs/model', image: 'busybox:1.36', inputs: {}, status: 'Completed', exists: true },
    deployments: [],
  },
};

describe('lineageGraph', () => {
  it('draws job → version → "not deployed yet", each node linking to its page', () => {
    const g = lineageGraph(base, 'vision');
    expect(g.nodes.map((n) => [n.id, n.data.kind, n.data.title, n.data.href])).toEqual([
      ['job', 'job', 'train-1', '/w/vision/jobs/train-1'],
      ['model', 'model', 'resnet:3', '/w/vision/models/resnet/versions/3'],
      ['no-deployments', 'no-deployments', 'Not deployed yet', undefined],
    ]);
    expect(g.nodes[0].data).toMatchObject({ status: 'Completed', gone: false, subtitle: 'gpu on lab' });
    expect(g.edges.map((e) => [e.source, e.target, e.label])).toEqual([
      ['job', 'model', 'output model'],
      ['model', 'no-deployments', undefined],
    ]);
    // Left to right, one column each.
    const xs = g.nodes.map((n) => n.position.x);
    expect(xs[0]).toBeLessThan(xs[1]);
    expect(xs[1]).toBeLessThan(xs[2]);
  });

  it('shows a job whose record is gone, without a link', () => {
    const g = lineageGraph({ ...base, lineage: { ...base.lineage, job: { ...base.lineage.job!, exists: false } } }, 'vision');
    expect(g.nodes[0].data).toMatchObject({ kind: 'job', gone: true, href: undefined });
  });

  it('starts from where the files are when no job made the version', () => {
    const g = lineageGraph({ ...base, path: 'https://example.com/m.onnx', location: { kind: 'url', uri: 'https://example.com/m.onnx' }, lineage: { job: null, deployments: [] } }, 'v s');
    expect(g.nodes[0].data).toMatchObject({ kind: 'source', title: 'Web address', subtitle: 'https://example.com/m.onnx' });
    expect(g.nodes[0].data.href).toBeUndefined();
    expect(g.nodes[1].data.href).toBe('/w/v%20s/models/resnet/versions/3');
    expect(lineageRows(g).map((r) => r.how)).toEqual(['registered from', 'served by']);
  });

  it('stacks deployments with their traffic, the version level with their middle', () => {
    const g = lineageGraph(
      {
        ...base,
        lineage: {
          ...base.lineage,
          deployments: [
            { endpoint: 'resnet-ep', deployment: 'blue', cluster: 'lab', traffic: 90 },
            { endpoint: 'resnet-ep', deployment: 'green', cluster: 'lab', traffic: 10 },
          ],
        },
      },
      'vision',
    );
    const deps = g.nodes.filter((n) => n.data.kind === 'deployment');
    expect(deps.map((n) => [n.data.title, n.data.href])).toEqual([
      ['resnet-ep / blue', '/w/vision/endpoints/resnet-ep'],
      ['resnet-ep / green', '/w/vision/endpoints/resnet-ep'],
    ]);
    expect(g.nodes.some((n) => n.data.kind === 'no-deployments')).toBe(false);
    expect(deps[1].position.y - deps[0].position.y).toBeGreaterThan(NODE_HEIGHT);
    const model = g.nodes.find((n) => n.id === 'model')!;
    expect(model.position.y).toBe((deps[0].position.y + deps[1].position.y) / 2);
    expect(g.edges.filter((e) => e.source === 'model').map((e) => e.label)).toEqual(['90% of traffic', '10% of traffic']);
  });
});

describe('lineageRows', () => {
  it('lists the same links for the table alternative', () => {
    const rows = lineageRows(lineageGraph(base, 'vision'));
    expect(rows.map((r) => [r.from.title, r.how, r.to.title])).toEqual([
      ['train-1', 'output model', 'resnet:3'],
      ['resnet:3', 'served by', 'Not deployed yet'],
    ]);
  });
});

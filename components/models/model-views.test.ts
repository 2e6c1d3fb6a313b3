// Server-rendered output of the model pages: a version leads with its facts and where its files are in words,
// shows its lineage (the job's facts, "not deployed yet") and tags; Archive / Restore and New version only for
// those who may manage models; a job's page names the versions its model outputs became.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { ModelVersionDto } from '@/server/services/models';
import { liveQueries } from '@/components/live/query-keys';
import { ModelVersionView } from './model-version-view';
import { ModelView } from './model-view';
import { JobModelsLine } from './job-models-line';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }), useSearchParams: () => new URLSearchParams(), usePathname: () => '/w/vision/models' }));
vi.mock('@/app/actions', () => ({ invokeAction: vi.fn() }));

const v1: ModelVersionDto = {
  uid: 'v1', name: 'resnet', version: '1', type: 'custom_model', description: 'Output model of job train-1', tags: { team: 'vision' }, properties: {}, stage: null,
  path: 'azureml://jobs/train-1/outputs/model',
  location: { kind: 'job-output', uri: 'azureml://jobs/train-1/outputs/model', job: 'train-1', output: 'model', storage: { cluster: 'factory', namespace: 'hm-vision-factory', claim: 'ml-data', path: 'jobs/train-1/outputs/model' } },
  archived: false, archivedAt: null, createdAt: '2026-03-01T10:00:00Z', createdBy: 'dana@example.com',
  lineage: {
    job: { name: 'train-1', computeTarget: 'gpu', cluster: 'factory', namespace: 'hm-vision-factory', output: 'model', location: 'azureml://jobs/train-1/outputs/model', image: 'pytorch:2.4', inputs: { data: 'azureml://datastores/blob/paths/imgs', epochs: '10' }, status: 'Completed', exists: true },
    deployments: [],
  },
};
const v2: ModelVersionDto = { ...v1, uid: 'v2', version: '2', path: 'https://example.com/m.onnx', location: { kind: 'url', uri: 'https://example.com/m.onnx' }, lineage: { job: null, deployments: [] }, archived: true, archivedAt: '2026-03-02T10:00:00Z', tags: {} };

function render(el: ReturnType<typeof h>, data: Array<[readonly unknown[], unknown]>) {
  const qc = new QueryClient();
  for (const [key, value] of data) qc.setQueryData(key, value);
  return renderToStaticMarkup(h(QueryClientProvider, { client: qc }, el));
}

describe('ModelVersionView', () => {
  const page = (version: ModelVersionDto, canManage: boolean) =>
    render(h(ModelVersionView, { workspace: 'vision', workspaceLabel: 'Vision', name: 'resnet', version: version.version, canManage }), [[liveQueries.modelVersion('vision', 'resnet', version.version).queryKey, version]]);

  it('leads with the facts, where the files are in words, and the job it came from', () => {
    const html = page(v1, true);
    expect(html).toContain('resnet:1');
    expect(html).toContain('azureml:resnet:1');
    expect(html).toContain('PVC ml-data in factory/hm-vision-factory at jobs/train-1/outputs/model');
    expect(html).toContain('Not deployed yet: online endpoints that use it will appear here.');
    expect(html).toMatch(/Made by job <a [^>]*href="\/w\/vision\/jobs\/train-1"/);
    expect(html).toContain('pytorch:2.4');
    expect(html).toContain('azureml://datastores/blob/paths/imgs');
    expect(html).toContain('>team</dt>');
    expect(html).toContain('Archive');
  });

  it('offers no Archive or Restore to those who may only read', () => {
    expect(page(v1, false)).not.toMatch(/>\s*Archive\s*</);
    const archived = page(v2, false);
    expect(archived).toContain('Archived');
    expect(archived).not.toContain('Restore');
    expect(page(v2, true)).toContain('Restore');
  });

  it('says when the job’s record is gone', () => {
    const html = page({ ...v1, lineage: { ...v1.lineage, job: { ...v1.lineage.job!, exists: false } } }, false);
    expect(html).toContain('record deleted');
    expect(html).not.toContain('href="/w/vision/jobs/train-1"');
  });
});

describe('ModelView', () => {
  const page = (canManage: boolean) =>
    render(h(ModelView, { workspace: 'vision', workspaceLabel: 'Vision', name: 'resnet', canManage }), [[liveQueries.modelVersions('vision', 'resnet').queryKey, { items: [v2, v1] }]]);

  it('lists the versions with where they came from; the latest is the newest not archived', () => {
    const html = page(false);
    expect(html).toContain('2 versions · latest <span class="font-mono">1</span>');
    expect(html).toContain('href="/w/vision/jobs/train-1"');
    expect(html).toContain('Web address');
    expect(html).not.toContain('New version');
    expect(html).not.toContain('Restore');
  });

  it('gives those who manage models New version and Archive / Restore per version', () => {
    const html = page(true);
    expect(html).toContain('href="/w/vision/models/new?name=resnet"');
    expect(html).toContain('aria-label="Restore resnet:2"');
    expect(html).toContain('aria-label="Archive resnet:1"');
  });
});

describe('JobModelsLine', () => {
  const job = { name: 'train-1', status: 'Completed', live: false, finishedAt: '2026-03-01T10:00:00Z', spec: { outputs: { model: { type: 'custom_model', name: 'resnet' } } } };
  it('links the versions a job’s model outputs became', () => {
    const html = render(h(JobModelsLine, { workspace: 'vision', job }), [[liveQueries.modelVersions('vision', 'resnet').queryKey, { items: [v2, v1] }]]);
    expect(html).toContain('href="/w/vision/models/resnet/versions/1"');
    expect(html).toContain('(output model)');
    expect(html).not.toContain('versions/2');
  });

  it('says what will happen while the job runs, and nothing for a job without model outputs', () => {
    expect(render(h(JobModelsLine, { workspace: 'vision', job: { ...job, status: 'Running', live: true, finishedAt: null } }), [])).toContain('registered when the job completes');
    expect(render(h(JobModelsLine, { workspace: 'vision', job: { ...job, spec: {} } }), [])).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { curatedImage, parseEnvironmentReference } from './environment';

function image(ref: string): string {
  const p = parseEnvironmentReference(ref);
  if (!p.ok) throw new Error(p.message);
  if (p.ref.kind !== 'curated') throw new Error(`${ref} is ${p.ref.kind}`);
  const img = curatedImage(p.ref);
  if (!img.ok) throw new Error(img.message);
  return img.image;
}

describe('curated environments resolve by rule', () => {
  it.each([
    ['azureml:AzureML-sklearn-1.5@latest', 'mcr.microsoft.com/azureml/curated/sklearn-1.5:latest'],
    ['azureml:AzureML-acpt-pytorch-2.2-cuda12.1@latest', 'mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest'],
    ['azureml:AzureML-Tensorflow-2.16-CUDA12:7', 'mcr.microsoft.com/azureml/curated/tensorflow-2.16-cuda12:7'],
    ['azureml://registries/azureml/environments/sklearn-1.5/versions/23', 'mcr.microsoft.com/azureml/curated/sklearn-1.5:23'],
    ['azureml://registries/azureml/environments/sklearn-1.5/labels/latest', 'mcr.microsoft.com/azureml/curated/sklearn-1.5:latest'],
    ['azureml://registries/AzureML/environments/lightgbm-3.3/labels/latest', 'mcr.microsoft.com/azureml/curated/lightgbm-3.3:latest'],
  ])('%s → %s', (ref, expected) => {
    expect(image(ref)).toBe(expected);
  });

  it('refuses labels other than latest on curated environments', () => {
    const p = parseEnvironmentReference('azureml:AzureML-sklearn-1.5@stable');
    expect(p.ok && curatedImage(p.ref as never)).toEqual({ ok: false, message: expect.stringMatching(/only the label "latest"/) });
  });
});

describe('other references are left to the workspace lookup', () => {
  it.each([
    ['azureml:my-env:3', { kind: 'workspace', name: 'my-env', version: '3' }],
    ['azureml:my-env@latest', { kind: 'workspace', name: 'my-env', label: 'latest' }],
    ['azureml:my-env', { kind: 'workspace', name: 'my-env' }],
    [
      'azureml:/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/environments/my-env/versions/2',
      { kind: 'workspace', name: 'my-env', version: '2' },
    ],
    ['azureml://registries/contoso/environments/base/versions/1', { kind: 'registry', registry: 'contoso', name: 'base', version: '1' }],
  ])('%s', (ref, expected) => {
    expect(parseEnvironmentReference(ref)).toEqual({ ok: true, ref: expect.objectContaining(expected) });
  });

  it.each(['python:3.11', 'azureml:', 'azureml:bad name:1', 'azureml://registries/azureml/models/x/versions/1', 'azureml:env:'])('refuses %s', (ref) => {
    expect(parseEnvironmentReference(ref).ok).toBe(false);
  });
});

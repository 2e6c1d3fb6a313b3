import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDeploymentYaml, parseEndpointYaml } from '@/lib/aml/online-spec';
import {
  checkDeploymentForm, checkEndpointForm, deploymentFieldOf, deploymentFormToDocument, deploymentTemplate, documentToDeploymentForm, documentToEndpointForm, endpointFieldOf,
  endpointFormToDocument, endpointTemplate, nextDeploymentName,
} from './endpoint-documents';

describe('endpoint form ⇄ document', () => {
  it('round-trips, keeping fields the form does not edit', () => {
    const doc = { name: 'ep', compute: 'azureml:cpu', auth_mode: 'Key', description: 'd', tags: { a: '1' }, traffic: { blue: 100 } };
    const r = documentToEndpointForm(doc);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.view.form).toEqual({ name: 'ep', compute: 'cpu', description: 'd', tags: [{ key: 'a', value: '1' }] });
    expect(endpointFormToDocument(r.view)).toMatchObject({ name: 'ep', compute: 'azureml:cpu', auth_mode: 'key', description: 'd', tags: { a: '1' }, traffic: { blue: 100 } });
  });
  it('refuses what the form cannot show', () => {
    expect(documentToEndpointForm({ auth_mode: 'aml_token' })).toMatchObject({ ok: false });
    expect(documentToEndpointForm({ tags: { a: { b: 1 } } })).toMatchObject({ ok: false });
  });
  it('checks required fields and places server paths', () => {
    expect(checkEndpointForm({ name: '', compute: '', description: '', tags: [] })).toHaveProperty('name');
    expect(endpointFieldOf('tags.team')).toBe('tags');
    expect(endpointFieldOf('auth_mode')).toBeUndefined();
  });
  it('starts from a template the parser accepts', () => {
    expect(parseEndpointYaml(endpointTemplate('cpu')).ok).toBe(true);
  });
});

describe('deployment form ⇄ document', () => {
  it('round-trips, keeping the environment’s other fields and the rest', () => {
    const doc = parse(deploymentTemplate('ep', 'green'));
    const r = documentToDeploymentForm(doc);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.view.form).toMatchObject({ name: 'green', image: 'docker.io/library/python:3.12-slim', instanceCount: '' });
    const back = deploymentFormToDocument(r.view, 'ep');
    expect(back).toMatchObject({ name: 'green', endpoint_name: 'ep', scale_settings: { type: 'target_utilization' }, resources: doc.resources });
    expect(back).not.toHaveProperty('instance_count');
  });
  it('writes numbers as numbers and refuses registered environments', () => {
    const r = documentToDeploymentForm({ name: 'b', environment: { image: 'x', inference_config: { scoring_route: { port: 1, path: '/' } } }, instance_count: 2 });
    expect(r.ok && deploymentFormToDocument(r.view, 'ep')).toMatchObject({ instance_count: 2, environment: { image: 'x', inference_config: {} } });
    expect(documentToDeploymentForm({ environment: 'azureml:env:1' })).toMatchObject({ ok: false });
  });
  it('checks and places fields', () => {
    expect(checkDeploymentForm({ name: 'b', model: '', image: '', instanceType: '', instanceCount: '0', description: '' })).toEqual({ image: expect.any(String), instanceCount: expect.any(String) });
    expect(deploymentFieldOf('environment.image')).toBe('image');
    expect(deploymentFieldOf('instance_count')).toBe('instanceCount');
  });
  it('templates blue then green, both valid for the endpoint', () => {
    expect(nextDeploymentName([])).toBe('blue');
    expect(nextDeploymentName(['blue'])).toBe('green');
    for (const n of ['blue', 'green']) {
      const r = parseDeploymentYaml(deploymentTemplate('my-ep', n), { endpointName: 'my-ep' });
      expect(r.ok ? [] : r.errors).toEqual([]);
    }
  });
});

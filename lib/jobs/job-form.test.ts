// Form ↔ YAML without loss: every conformance command job survives document → form → document unchanged
// (and normalizes to the same spec), sweeps stay YAML-only, server field paths land on the right form
// fields and on the right YAML lines.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { normalizeJob, parseJobYaml } from '@/lib/aml/job-spec';
import { documentToForm, EMPTY_FORM, formFieldOf, formToDocument, localCodePath } from './job-form';
import { markersForErrors, toYaml, yamlPathPosition, yamlSyntaxMarkers } from './yaml-positions';
import { conformanceDir } from '@/test/conformance';

const CONFORMANCE = conformanceDir();
const jobFiles = fs.existsSync(CONFORMANCE) ? fs.readdirSync(CONFORMANCE).filter((f) => f.includes('__jobs__')) : [];

describe('document → form → document', () => {
  it('finds the corpus', () => expect(jobFiles.length).toBeGreaterThanOrEqual(9));
  for (const f of jobFiles) {
    it(`keeps ${f} as it is`, () => {
      const text = fs.readFileSync(path.join(CONFORMANCE, f), 'utf8');
      const doc = parse(text, { uniqueKeys: false });
      const view = documentToForm(doc);
      if (!view.ok) {
        expect(doc.type).toBe('sweep');
        expect(view.reason).toMatch(/sweep job is edited as YAML/);
        return;
      }
      const back = formToDocument(view.view.form, view.view.extra);
      expect(back).toEqual(doc);
      // …and through the YAML the editor shows, the normalized spec is the same.
      const a = parseJobYaml(text, { dryRun: true });
      const b = parseJobYaml(toYaml(back), { dryRun: true });
      expect(b.ok).toBe(a.ok);
      if (a.ok && b.ok) expect(b.spec).toEqual(a.spec);
    });
  }

  it('shows the common fields in the form and keeps the rest aside', () => {
    const doc = {
      $schema: 'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
      command: 'python train.py --lr ${{inputs.lr}} --data ${{inputs.data}}',
      code: 'src',
      environment: 'azureml:AzureML-sklearn-1.5@latest',
      inputs: { lr: 0.1, data: { type: 'uri_folder', path: 'azureml://datastores/blob/paths/x', mode: 'direct' }, odd: { type: 'mltable', path: 'azureml:t:1' } },
      outputs: { model: { type: 'uri_folder', mode: 'upload' }, reg: { type: 'mlflow_model', name: 'm' } },
      resources: { instance_count: 2, shm_size: '8g', properties: {} },
      distribution: { type: 'pytorch', process_count_per_instance: 4 },
      limits: { timeout: 600 },
      properties: { p: 'v' },
    };
    const v = documentToForm(doc);
    if (!v.ok) throw new Error(v.reason);
    expect(v.view.form).toMatchObject({ code: 'src', environmentKind: 'reference', instanceCount: '2', shmSize: '8g', distribution: 'pytorch', processCountPerInstance: '4', timeout: '600' });
    expect(v.view.form.inputs.map((i) => i.name)).toEqual(['lr', 'data']);
    expect(Object.keys(v.view.extra.inputs)).toEqual(['odd']);
    expect(Object.keys(v.view.extra.outputs)).toEqual(['reg']);
    expect(v.view.extra.top).toMatchObject({ $schema: doc.$schema, properties: { p: 'v' } });
    expect(formToDocument(v.view.form, v.view.extra)).toEqual(doc);
  });

  it('builds the same spec from the form as from equivalent YAML', () => {
    const form = {
      ...EMPTY_FORM,
      command: 'python main.py --epochs ${{inputs.epochs}} --out ${{outputs.model}}',
      code: 'src',
      compute: 'cpu-cluster',
      image: 'python:3.11',
      inputs: [{ name: 'epochs', kind: 'literal' as const, value: '10' }],
      outputs: [{ name: 'model', type: 'uri_folder' as const, mode: '' as const }],
      instanceCount: '1',
      shmSize: '8g',
      timeout: '3600',
      environmentVariables: [{ key: 'MODE', value: 'fast' }],
    };
    const fromForm = normalizeJob(formToDocument(form), { dryRun: true });
    const fromYaml = parseJobYaml(
      `command: python main.py --epochs \${{inputs.epochs}} --out \${{outputs.model}}\ncode: src\nenvironment: {image: python:3.11}\ninputs: {epochs: 10}\noutputs: {model: {type: uri_folder}}\ncompute: azureml:cpu-cluster\nresources: {instance_count: 1, shm_size: 8g}\nlimits: {timeout: 3600}\nenvironment_variables: {MODE: fast}\n`,
      { dryRun: true },
    );
    expect(fromForm.ok && fromYaml.ok).toBe(true);
    if (fromForm.ok && fromYaml.ok) expect(fromForm.spec).toEqual(fromYaml.spec);
  });

  it('leaves what the user typed wrong for the server to name (not silently dropped)', () => {
    const doc = formToDocument({ ...EMPTY_FORM, command: 'x', image: 'python', instanceCount: 'two', distribution: 'pytorch', processCountPerInstance: '0' });
    expect(doc).toMatchObject({ resources: { instance_count: 'two' }, distribution: { type: 'pytorch', process_count_per_instance: 0 } });
    const r = normalizeJob(doc, { dryRun: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => formFieldOf(e.path)).sort()).toEqual(['instanceCount', 'processCountPerInstance']);
  });
});

describe('field paths', () => {
  it('map server paths to form fields', () => {
    expect(formFieldOf('distribution.process_count_per_instance')).toBe('processCountPerInstance');
    expect(formFieldOf('outputs.model.mode')).toBe('outputs.model');
    expect(formFieldOf('environment.build')).toBe('environment');
    expect(formFieldOf('resources.instance_type')).toBe('instanceType');
    expect(formFieldOf('colour')).toBeUndefined();
  });

  it('point at the YAML line of a field, its parent when missing, and syntax errors with line and column', () => {
    const text = 'command: echo\nenvironment:\n  image: python\ndistribution:\n  type: pytorch\n  process_count_per_instance: 0\noutputs:\n  model:\n    mode: sideways\n';
    expect(yamlPathPosition(text, 'distribution.process_count_per_instance')).toEqual({ line: 6, col: 3 });
    expect(yamlPathPosition(text, 'outputs.model.mode')).toEqual({ line: 9, col: 5 });
    expect(yamlPathPosition(text, 'outputs.model.type')).toEqual({ line: 8, col: 3 });
    expect(yamlSyntaxMarkers('command: echo\nenvironment: {image: python\n')[0]).toMatchObject({ line: 3 });
    const markers = markersForErrors(text, [{ path: 'outputs.model.mode', message: 'bad' }, { path: '', message: 'YAML syntax error at line 2, column 4: x' }]);
    expect(markers.map((m) => m.line)).toEqual([9, 2]);
  });

  it('finds the local code folder of command and sweep documents', () => {
    expect(localCodePath({ code: './src' })).toBe('./src');
    expect(localCodePath({ type: 'sweep', trial: { code: 'src' } })).toBe('src');
    expect(localCodePath({ code: 'git+https://example.com/r.git' })).toBeUndefined();
  });
});

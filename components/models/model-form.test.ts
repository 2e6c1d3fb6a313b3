import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '@/lib/jobs/yaml-positions';
import { normalizeModel, parseModelYaml } from '@/lib/aml/model-spec';
import { checkModelForm, documentToModelForm, EMPTY_MODEL_FORM, localModelFolder, MODEL_SCHEMA, modelFieldOf, modelFormToDocument, modelProblems, pathForFolder, REQUIRED } from './model-form';

const form = { ...EMPTY_MODEL_FORM, name: 'resnet', path: 'https://example.com/m.onnx', tags: [{ key: 'team', value: 'vision' }] };

describe('form ⇄ document', () => {
  it('writes Azure ML field names and leaves empty optional fields out (no version: the next number)', () => {
    expect(modelFormToDocument({ form, extra: {} })).toEqual({ $schema: MODEL_SCHEMA, name: 'resnet', type: 'custom_model', path: 'https://example.com/m.onnx', tags: { team: 'vision' } });
    expect(modelFormToDocument({ form: { ...form, version: ' 7 ', description: 'd', tags: [{ key: ' ', value: '' }] }, extra: {} })).toEqual({
      $schema: MODEL_SCHEMA, name: 'resnet', version: '7', type: 'custom_model', path: 'https://example.com/m.onnx', description: 'd',
    });
  });

  it('goes to YAML and back without losing what the form does not edit', () => {
    const yaml = `$schema: ${MODEL_SCHEMA}
name: fraud
version: 2
type: mlflow_model
path: azureml://jobs/train-1/outputs/model
properties:
  framework: sklearn
stage: Production
tags:
  owner: dana
  reviewed: true
`;
    const v = documentToModelForm(parse(yaml));
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.view.form).toEqual({ name: 'fraud', version: '2', type: 'mlflow_model', path: 'azureml://jobs/train-1/outputs/model', description: '', tags: [{ key: 'owner', value: 'dana' }, { key: 'reviewed', value: 'true' }] });
    expect(v.view.extra).toEqual({ properties: { framework: 'sklearn' }, stage: 'Production' });
    const back = parse(toYaml(modelFormToDocument(v.view)));
    expect(back).toMatchObject({ name: 'fraud', version: '2', type: 'mlflow_model', properties: { framework: 'sklearn' }, stage: 'Production', tags: { owner: 'dana', reviewed: 'true' } });
  });

  it('keeps a document the form cannot show in YAML, saying why', () => {
    expect(documentToModelForm(parse('type: weird_model\nname: x'))).toEqual({ ok: false, reason: 'type weird_model is not one the form offers (custom_model, mlflow_model, triton_model)' });
    expect(documentToModelForm(parse('- a'))).toMatchObject({ ok: false });
    expect(documentToModelForm(parse('name: x\ntags: {a: {b: 1}}'))).toEqual({ ok: false, reason: 'tag a is not a single value' });
    expect(documentToModelForm(parse(''))).toMatchObject({ ok: true });
  });
});

describe('server field paths and the browser’s own checks', () => {
  it('puts server errors on their fields', () => {
    expect(modelFieldOf('tags.team')).toBe('tags');
    expect(modelFieldOf('path')).toBe('path');
    expect(modelFieldOf('paths')).toBe('files');
    expect(modelFieldOf('(body)')).toBeUndefined();
  });

  it('asks for a name and a path, and tags with names', () => {
    expect(checkModelForm(EMPTY_MODEL_FORM)).toEqual({ name: REQUIRED.name, path: REQUIRED.path });
    expect(checkModelForm(form)).toEqual({});
    expect(checkModelForm({ ...form, tags: [{ key: '', value: 'x' }] }).tags).toBe('every tag needs a name');
    expect(checkModelForm({ ...form, tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }).tags).toBe('tag a is given twice');
  });

  it('finds the local folder a document names', () => {
    expect(localModelFolder({ path: './my-model/' })).toBe('my-model');
    expect(localModelFolder({ path: 'azureml://jobs/j/outputs/o' })).toBeUndefined();
    expect(pathForFolder('my-model')).toBe('./my-model');
  });
});

describe('modelProblems', () => {
  it('names what the server would refuse, with the fields the registry needs', () => {
    const none = modelProblems({ type: 'custom_model' }, normalizeModel({ type: 'custom_model' }));
    expect(none.map((i) => i.path)).toEqual(['name', 'path']);
    expect(modelProblems({ type: 'custom_model' }, { ok: true, spec: {} as never, warnings: [] })).toEqual([{ path: 'name', message: REQUIRED.name }, { path: 'path', message: REQUIRED.path }]);
    // An empty form is the same document.
    const empty = modelFormToDocument({ form: EMPTY_MODEL_FORM, extra: {} });
    expect(modelProblems(empty, normalizeModel(empty))).toEqual(none);
    const doc = modelFormToDocument({ form: { ...form, version: '1.0.0' }, extra: {} });
    const bad = modelProblems(doc, normalizeModel(doc));
    expect(bad.map((i) => i.path)).toEqual(['version']);
    const ok = modelFormToDocument({ form, extra: {} });
    expect(modelProblems(ok, normalizeModel(ok))).toEqual([]);
    const yaml = 'name: m\npath: ./m\ntype: nope_model\n';
    expect(modelProblems(parse(yaml), parseModelYaml(yaml)).map((i) => i.path)).toEqual(['type']);
  });
});

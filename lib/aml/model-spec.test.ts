import { describe, expect, it } from 'vitest';
import { MODEL_FIELDS, normalizeModel, parseModelYaml, type ModelParseResult, type ModelSpec } from './model-spec';
import type { JobIssue } from './issues';

function ok(r: ModelParseResult): { spec: ModelSpec; warnings: JobIssue[] } {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.errors)}`);
  return r;
}
function refused(r: ModelParseResult): JobIssue[] {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.spec)}`);
  return r.errors;
}
/** The one error at `path` (fails when there is none). */
function errorAt(r: ModelParseResult, path: string): string {
  const e = refused(r).find((x) => x.path === path);
  if (!e) throw new Error(`no error at ${path}: ${JSON.stringify(refused(r))}`);
  return e.message;
}
const warningAt = (r: ModelParseResult, path: string) => ok(r).warnings.find((w) => w.path === path)?.message;

const BASE = `$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json
name: iris-classifier
version: 1
path: model
`;
const yaml = (extra: string) => parseModelYaml(`${BASE}${extra}`);
const json = (patch: Record<string, unknown>) => normalizeModel({ name: 'iris-classifier', version: 1, path: 'model', ...patch });

describe('parseModelYaml: the normalized spec', () => {
  it('reads a complete custom_model from a local folder', () => {
    const r = ok(
      yaml(`type: custom_model
description: scikit-learn iris classifier
tags: {framework: sklearn}
properties: {training-dataset: iris}
stage: Development
`),
    );
    expect(r.spec).toEqual({
      name: 'iris-classifier',
      version: '1',
      type: 'custom_model',
      description: 'scikit-learn iris classifier',
      tags: { framework: 'sklearn' },
      properties: { 'training-dataset': 'iris' },
      stage: 'Development',
      path: 'model',
      location: { kind: 'local', path: 'model' },
    });
    expect(r.warnings).toEqual([]);
  });

  it('defaults type to custom_model, leaves version out when absent, and accepts any case of type', () => {
    const r = ok(parseModelYaml('name: m\npath: model\n'));
    expect(r.spec.type).toBe('custom_model');
    expect(r.spec.version).toBeUndefined();
    expect('version' in r.spec).toBe(false);
    expect(ok(yaml('type: MLflow_Model\n')).spec.type).toBe('mlflow_model');
    expect(ok(yaml('type: TRITON_MODEL\n')).spec.type).toBe('triton_model');
  });

  it('takes the lineage from a job output path, with the part under /paths/', () => {
    const r = ok(parseModelYaml('name: credit\ntype: mlflow_model\npath: azureml://jobs/train-7/outputs/artifacts/paths/model\n'));
    expect(r.spec.jobName).toBe('train-7');
    expect(r.spec.location).toEqual({
      kind: 'job-output',
      uri: 'azureml://jobs/train-7/outputs/artifacts/paths/model',
      job: 'train-7',
      output: 'artifacts',
      subPath: 'model',
    });
    const whole = ok(parseModelYaml('name: credit\npath: azureml://jobs/train-7/outputs/model\n')).spec;
    expect(whole.location).toEqual({ kind: 'job-output', uri: 'azureml://jobs/train-7/outputs/model', job: 'train-7', output: 'model' });
    expect(whole.jobName).toBe('train-7');
  });

  it('classifies storage, datastore and URL paths', () => {
    const at = (path: string) => ok(parseModelYaml(`name: m\npath: ${path}\n`)).spec.location;
    expect(at('https://example.com/models/iris/')).toEqual({ kind: 'url', url: 'https://example.com/models/iris/' });
    expect(at('wasbs://models@acct.blob.core.windows.net/iris/model.pkl')).toMatchObject({
      kind: 'blob',
      account: 'acct',
      container: 'models',
      blobPath: 'iris/model.pkl',
      httpsUrl: 'https://acct.blob.core.windows.net/models/iris/model.pkl',
    });
    expect(at('abfss://fs@acct.dfs.core.windows.net/iris')).toMatchObject({ kind: 'adls', filesystem: 'fs', blobPath: 'iris' });
    expect(at('azureml://datastores/workspaceblobstore/paths/iris/')).toMatchObject({ kind: 'datastore', datastore: 'workspaceblobstore', datastorePath: 'iris/' });
    expect(at('./model')).toEqual({ kind: 'local', path: './model' });
  });

  it('keeps flavors as written (YAML dates inside become text)', () => {
    const r = ok(
      parseModelYaml(`name: credit
type: mlflow_model
path: mlflow-model
flavors:
  python_function: {loader_module: mlflow.sklearn, python_version: "3.10.12", env: {conda: conda.yaml}}
  sklearn: {sklearn_version: 1.3.0, saved: 2024-01-31}
`),
    );
    expect(r.spec.flavors).toEqual({
      python_function: { loader_module: 'mlflow.sklearn', python_version: '3.10.12', env: { conda: 'conda.yaml' } },
      sklearn: { sklearn_version: '1.3.0', saved: '2024-01-31' },
    });
  });
});

describe('tags and properties are text, as Azure ML stores them', () => {
  it("turns numbers and booleans into Python's text of them, keeping YAML floats as floats", () => {
    const r = ok(yaml('tags: {accuracy: 0.97, epochs: 10, score: 1.0, tuned: true, big: 1e+20}\nproperties: {rows: 150}\n'));
    expect(r.spec.tags).toEqual({ accuracy: '0.97', epochs: '10', score: '1.0', tuned: 'True', big: '1e+20' });
    expect(r.spec.properties).toEqual({ rows: '150' });
  });

  it('JSON has one number type: an integral number is an integer', () => {
    expect(ok(json({ tags: { score: 1.0, tuned: false } })).spec.tags).toEqual({ score: '1', tuned: 'False' });
  });

  it('drops a tag without a value, with a warning (the SDK drops it silently)', () => {
    const r = yaml('tags: {framework: sklearn, owner: null}\n');
    expect(ok(r).spec.tags).toEqual({ framework: 'sklearn' });
    expect(warningAt(r, 'tags.owner')).toMatch(/has no value, so it is dropped/);
  });

  it('keeps a date as written, refuses a date with a time, a mapping or a list', () => {
    expect(ok(yaml('tags: {released: 2024-01-31}\n')).spec.tags).toEqual({ released: '2024-01-31' });
    expect(errorAt(yaml('tags: {released: 2024-01-31T10:00:00Z}\n'), 'tags.released')).toMatch(/quote it: "2024-01-31T10:00:00Z"/);
    expect(errorAt(yaml('tags: {metrics: {accuracy: 0.9}}\n'), 'tags.metrics')).toMatch(/must be text .* not a mapping; Azure ML would store Python's rendering/);
    expect(errorAt(json({ properties: { labels: ['a'] } }), 'properties.labels')).toMatch(/not a list/);
    expect(errorAt(yaml('tags: [a, b]\n'), 'tags')).toMatch(/must be a mapping of names to values, not a list/);
  });
});

describe('version: a positive whole number (Azure ML model versions)', () => {
  it('accepts 3, "3" and YAML octal 010 (= 8, as PyYAML reads it)', () => {
    expect(ok(parseModelYaml('name: m\npath: model\nversion: 3\n')).spec.version).toBe('3');
    expect(ok(parseModelYaml('name: m\npath: model\nversion: "3"\n')).spec.version).toBe('3');
    expect(ok(parseModelYaml('name: m\npath: model\nversion: 010\n')).spec.version).toBe('8');
    expect(ok(json({ version: 3.0 })).spec.version).toBe('3');
  });

  it('refuses other versions, saying why', () => {
    const v = (text: string) => errorAt(parseModelYaml(`name: m\npath: model\nversion: ${text}\n`), 'version');
    expect(v('"1.0.0"')).toMatch(/"1\.0\.0" is not a model version: Azure ML model versions are positive whole numbers .*put other version labels in tags/);
    expect(v('2.0')).toMatch(/not 2\.0 \(Azure ML would read it as the text "2\.0"\)/);
    expect(v('1.5')).toMatch(/not 1\.5/);
    expect(v('0')).toMatch(/not 0/);
    expect(v('-1')).toMatch(/not -1/);
    expect(v('true')).toMatch(/not true \(a boolean\)/);
    expect(v('v1')).toMatch(/"v1" is not a model version/);
    expect(v('[1]')).toMatch(/must be a version number such as 1, not a list/);
    expect(v('2024-01-31')).toMatch(/not a date/);
    expect(v('null')).toMatch(/not null; leave version out to get the next one/);
  });

  it('an empty version means the next one, with a warning (as the SDK does)', () => {
    const r = parseModelYaml('name: m\npath: model\nversion: ""\n');
    expect(ok(r).spec.version).toBeUndefined();
    expect(warningAt(r, 'version')).toMatch(/next version number is assigned/);
  });
});

describe('name: required, an Azure ML asset name', () => {
  it('is required and a non-empty string', () => {
    expect(errorAt(parseModelYaml('path: model\n'), 'name')).toBe('is required');
    expect(errorAt(json({ name: '' }), 'name')).toBe('must not be empty');
    expect(errorAt(json({ name: 5 }), 'name')).toBe('must be a string, not 5 (a number)');
  });

  it('follows the service pattern: letters, digits, "-" and "_", at most 255', () => {
    expect(ok(json({ name: 'Iris_classifier-2' })).spec.name).toBe('Iris_classifier-2');
    for (const bad of ['iris classifier', 'iris.v2', '-iris', 'm'.repeat(256)]) {
      expect(errorAt(json({ name: bad }), 'name')).toMatch(/is not a valid model name: letters, digits, "-" and "_"/);
    }
  });
});

describe('path: required, a location Harbormaster can record', () => {
  it('is required, with the forms it can take', () => {
    expect(errorAt(parseModelYaml('name: m\n'), 'path')).toMatch(/^is required: where the model's files are — a local folder .* azureml:\/\/jobs\/<job>\/outputs\/<output>\/paths\/<path>$/);
    expect(errorAt(json({ path: '' }), 'path')).toMatch(/must not be empty \(the Azure ML CLI would upload the whole folder the file is in\)/);
    expect(errorAt(json({ path: 5 }), 'path')).toMatch(/must be a string .* not 5 \(a number\)/);
  });

  it('refuses registry and model-catalog references with the Kubernetes reason', () => {
    const m = errorAt(json({ path: 'azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/7' }), 'path');
    expect(m).toMatch(/registry assets are not supported for Kubernetes compute/);
    expect(m).toContain('"Registry reference for models is not supported for K8SDeployment"');
  });

  it('refuses runs:/, other clouds, asset references and unknown azureml:// forms', () => {
    expect(errorAt(json({ path: 'runs:/abc/model' }), 'path')).toMatch(/MLflow run artifacts.*Harbormaster has none/);
    expect(errorAt(json({ path: 's3://bucket/model' }), 'path')).toMatch(/the s3:\/\/ scheme is not storage Azure ML reads/);
    expect(errorAt(json({ path: 'azureml:iris:1' }), 'path')).toMatch(/names an asset, not the model's files/);
    expect(errorAt(json({ path: 'azureml://models/iris/versions/1' }), 'path')).toMatch(/is not a model location Azure ML knows/);
    expect(errorAt(json({ path: 'azureml://jobs/j/outputs/o/model' }), 'path')).toMatch(/write azureml:\/\/jobs\/j\/outputs\/o, or …\/outputs\/o\/paths\/<path>/);
    expect(errorAt(json({ path: 'wasbs://models/iris' }), 'path')).toMatch(/is not a storage URI/);
  });

  it('an mlflow_model is a folder (the SDK: a "." in the last segment is a file)', () => {
    const mlflow = (path: string) => json({ type: 'mlflow_model', path });
    expect(errorAt(mlflow('mlflow-model/model.pkl'), 'path')).toMatch(/looks like a file, and an mlflow_model is a folder/);
    expect(errorAt(mlflow('azureml://jobs/j/outputs/o/paths/model/model.pkl'), 'path')).toMatch(/looks like a file/);
    expect(ok(mlflow('https://acct.blob.core.windows.net/models/credit.v2/')).spec.path).toBe('https://acct.blob.core.windows.net/models/credit.v2/');
    expect(ok(mlflow('mlflow-model/../model')).spec.type).toBe('mlflow_model');
    expect(ok(mlflow('.')).spec.type).toBe('mlflow_model');
    expect(ok(json({ type: 'custom_model', path: 'model/model.pkl' })).spec.path).toBe('model/model.pkl');
  });

  it('warns about plain HTTP', () => {
    expect(warningAt(json({ path: 'http://example.com/model.pkl' }), 'path')).toMatch(/plain HTTP/);
  });
});

describe('fields: refused or ignored by name, as the SDK does', () => {
  it('refuses an unknown field, suggesting the near one and listing the allowed ones', () => {
    const m = errorAt(yaml('descripton: typo\n'), 'descripton');
    expect(m).toMatch(/^unknown field "descripton" \(did you mean "description"\?\); fields allowed here: \$schema, name, /);
    expect(errorAt(yaml('display_name: Iris\n'), 'display_name')).toMatch(/unknown field/);
  });

  it('lists the SDK ModelSchema fields', () => {
    expect([...MODEL_FIELDS].sort()).toEqual(
      [
        '$schema', 'name', 'id', 'type', 'path', 'version', 'description', 'properties', 'tags', 'stage', 'utc_time_created', 'flavors',
        'creation_context', 'job_name', 'latest_version', 'datastore', 'intellectual_property', 'system_metadata',
        'default_deployment_template', 'allowed_deployment_templates',
      ].sort(),
    );
  });

  it('refuses a bad type listing the allowed ones', () => {
    expect(errorAt(yaml('type: mlflow\n'), 'type')).toBe('"mlflow" is not allowed; use one of: custom_model, mlflow_model, triton_model');
    expect(errorAt(yaml('type: custom-model\n'), 'type')).toBe('"custom-model" is not allowed; use one of: custom_model, mlflow_model, triton_model (did you mean "custom_model"?)');
    expect(errorAt(yaml('type: 5\n'), 'type')).toMatch(/^5 \(a number\) is not allowed; use one of: custom_model, mlflow_model, triton_model/);
  });

  it('refuses wrong types naming the field', () => {
    expect(errorAt(yaml('description: 5\n'), 'description')).toBe('must be a string, not 5 (a number)');
    expect(errorAt(yaml('stage: yes\n'), 'stage')).toBe('must be a string, not true (a boolean)');
    expect(errorAt(yaml('flavors: [python_function]\n'), 'flavors')).toMatch(/must be a mapping/);
    expect(errorAt(yaml('flavors: {python_function: mlflow.sklearn}\n'), 'flavors.python_function')).toMatch(/must be a mapping of the flavor's settings/);
    expect(errorAt(yaml('datastore: 5\n'), 'datastore')).toBe('must be a string, not 5 (a number)');
    expect(errorAt(yaml('system_metadata: x\n'), 'system_metadata')).toMatch(/must be a mapping/);
  });

  it('ignores what the service sets, with a warning; refuses it when null (as the SDK does)', () => {
    const r = yaml('id: azureml:iris:1\ncreation_context: {created_by: me}\nlatest_version: "4"\nutc_time_created: "2024-01-31"\nintellectual_property: {publisher: contoso}\n');
    for (const f of ['id', 'creation_context', 'latest_version', 'utc_time_created', 'intellectual_property']) {
      expect(warningAt(r, f)).toBe(`"${f}" is set by the service; the value in the file is ignored (as the Azure ML CLI ignores it)`);
    }
    expect(errorAt(yaml('id: null\n'), 'id')).toMatch(/cannot be written empty \(null\): remove the line/);
    expect(errorAt(yaml('job_name: null\n'), 'job_name')).toMatch(/remove the line/);
  });

  it('job_name: the lineage comes from path, whatever the file says', () => {
    const same = parseModelYaml('name: m\npath: azureml://jobs/train-7/outputs/model\njob_name: train-7\n');
    expect(ok(same).spec.jobName).toBe('train-7');
    expect(warningAt(same, 'job_name')).toMatch(/the lineage comes from path \(job train-7\)/);
    const other = parseModelYaml('name: m\npath: azureml://jobs/train-7/outputs/model\njob_name: train-8\n');
    expect(warningAt(other, 'job_name')).toMatch(/job train-7, not "train-8"/);
    const local = yaml('job_name: train-7\n');
    expect(ok(local).spec.jobName).toBeUndefined();
    expect(warningAt(local, 'job_name')).toMatch(/set path to its output: azureml:\/\/jobs\/<job>\/outputs\/<output>\/paths\/<path>/);
  });

  it('warns that datastore and system_metadata are not used', () => {
    expect(warningAt(yaml('datastore: workspaceblobstore\n'), 'datastore')).toMatch(/only chooses the datastore the Azure ML CLI uploads local files to/);
    expect(warningAt(yaml('system_metadata: {a: 1}\n'), 'system_metadata')).toMatch(/not record it, so it is ignored/);
  });

  it('refuses deployment templates (registry assets)', () => {
    const m = errorAt(yaml('default_deployment_template: {asset_id: "azureml://registries/r/deploymenttemplates/t/versions/1"}\n'), 'default_deployment_template');
    expect(m).toMatch(/^not supported: deployment templates live in Azure ML registries .* registry assets are not supported for Kubernetes compute/);
    expect(errorAt(yaml('allowed_deployment_templates: []\n'), 'allowed_deployment_templates')).toMatch(/^not supported/);
  });

  it('ignores $schema, but warns when it names another schema', () => {
    expect(ok(yaml('')).warnings).toEqual([]);
    expect(warningAt(parseModelYaml('$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\nname: m\npath: model\n'), '$schema')).toMatch(
      /names commandJob\.schema\.json, not model\.schema\.json/,
    );
  });
});

describe('the document', () => {
  it('is a mapping (YAML or JSON)', () => {
    expect(refused(parseModelYaml('- name: m\n'))).toEqual([{ path: '', message: 'a model file must be a YAML mapping of model fields (name, version, path, type, …)' }]);
    expect(refused(parseModelYaml('# nothing\n'))).toEqual([{ path: '', message: 'the file is empty (expected a YAML mapping of model fields)' }]);
    expect(refused(normalizeModel(['m']))).toEqual([{ path: '', message: 'a model must be a mapping of fields (name, version, path, type, …), not a list' }]);
    expect(refused(normalizeModel(null))[0].message).toMatch(/not null/);
  });

  it('reports duplicate keys (the later one wins, as PyYAML)', () => {
    const r = yaml('stage: Development\nstage: Production\n');
    expect(ok(r).spec.stage).toBe('Production');
    expect(warningAt(r, 'stage')).toMatch(/appears twice/);
  });

  it('YAML and JSON give the same spec for the same document', () => {
    const doc = { name: 'credit', version: '3', type: 'mlflow_model', path: 'azureml://jobs/t/outputs/o/paths/model', tags: { a: 'b' }, stage: 'Production', flavors: { python_function: { loader_module: 'mlflow.sklearn' } } };
    expect(ok(normalizeModel(doc)).spec).toEqual(ok(parseModelYaml(JSON.stringify(doc))).spec);
  });

  it('reports every refused field at once', () => {
    const paths = refused(normalizeModel({ name: 'bad name', version: '1.0', path: 's3://b/m' })).map((e) => e.path);
    expect(paths.sort()).toEqual(['name', 'path', 'version']);
  });
});

// The register form's state and its two views (UI.md: YAML and form are two views of one spec, switchable
// both ways without loss): form ⇄ an Azure ML model document (CLI v2 field names, as in a model YAML file).
// Fields the form has no control for (properties, stage, flavors, $schema …) are kept as they are and written
// back. Server field paths (`tags.team`, `path`) land on the form field they belong to.
import { MODEL_INPUT_TYPES } from '@/lib/aml/job-yaml-schema';
import type { KeyValue } from '@/lib/jobs/job-form';
import type { ModelParseResult } from '@/lib/aml/model-spec';
import { pathKind } from './model-location';

export const MODEL_TYPES = MODEL_INPUT_TYPES;
export type ModelTypeName = (typeof MODEL_TYPES)[number];

export const MODEL_TYPE_LABELS: Record<ModelTypeName, string> = {
  custom_model: 'any files',
  mlflow_model: 'a folder with an MLmodel file',
  triton_model: 'a Triton model repository',
};

/** What the registry needs that a model file may leave out (the server says the same). */
export const REQUIRED = {
  name: 'is required: the model’s name in this workspace',
  path: 'is required: where the model’s files are — a job output, a storage URI, or a folder uploaded below',
};

export const MODEL_SCHEMA = 'https://azuremlschemas.azureedge.net/latest/model.schema.json';

export interface ModelFormState {
  name: string;
  /** Empty: the next number. */
  version: string;
  type: ModelTypeName;
  path: string;
  description: string;
  tags: KeyValue[];
}

export interface ModelFormView {
  form: ModelFormState;
  /** Top-level fields of the document the form does not edit, kept in order to be written back. */
  extra: Record<string, unknown>;
}

export const EMPTY_MODEL_FORM: ModelFormState = { name: '', version: '', type: 'custom_model', path: '', description: '', tags: [] };

type Doc = Record<string, unknown>;
const isMap = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v);
const HANDLED = new Set(['name', 'version', 'type', 'path', 'description', 'tags']);

/** The document for a form (Azure ML field names; empty optional fields left out). */
export function modelFormToDocument(view: ModelFormView): Doc {
  const { form, extra } = view;
  const doc: Doc = { $schema: MODEL_SCHEMA };
  Object.assign(doc, extra);
  if (form.name.trim()) doc.name = form.name.trim();
  if (form.version.trim()) doc.version = form.version.trim();
  doc.type = form.type;
  if (form.path.trim()) doc.path = form.path.trim();
  if (form.description.trim()) doc.description = form.description;
  const tags = form.tags.filter((t) => t.key.trim() !== '');
  if (tags.length) doc.tags = Object.fromEntries(tags.map((t) => [t.key.trim(), t.value]));
  return doc;
}

/** The form view of a document, or why the form cannot show it (the document then stays in YAML, unchanged). */
export function documentToModelForm(doc: unknown): { ok: true; view: ModelFormView } | { ok: false; reason: string } {
  if (doc === undefined || doc === null) return { ok: true, view: { form: { ...EMPTY_MODEL_FORM, tags: [] }, extra: {} } };
  if (!isMap(doc)) return { ok: false, reason: 'the document is not a mapping of model fields' };
  const form: ModelFormState = { ...EMPTY_MODEL_FORM, tags: [] };
  const extra: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!HANDLED.has(k) && k !== '$schema') extra[k] = v;
  for (const key of ['name', 'path', 'description'] as const) {
    const v = doc[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return { ok: false, reason: `${key} is not text` };
    form[key] = v;
  }
  if (doc.version !== undefined && doc.version !== null) {
    if (typeof doc.version !== 'string' && typeof doc.version !== 'number') return { ok: false, reason: 'version is not a string or number' };
    form.version = String(doc.version);
  }
  if (doc.type !== undefined && doc.type !== null) {
    const t = String(doc.type).toLowerCase();
    if (!(MODEL_TYPES as readonly string[]).includes(t)) return { ok: false, reason: `type ${String(doc.type)} is not one the form offers (${MODEL_TYPES.join(', ')})` };
    form.type = t as ModelTypeName;
  }
  if (doc.tags !== undefined && doc.tags !== null) {
    if (!isMap(doc.tags)) return { ok: false, reason: 'tags is not a mapping' };
    for (const [key, value] of Object.entries(doc.tags)) {
      if (isMap(value) || Array.isArray(value)) return { ok: false, reason: `tag ${key} is not a single value` };
      form.tags.push({ key, value: value === null ? '' : String(value) });
    }
  }
  return { ok: true, view: { form, extra } };
}

/** Which form field a server field path belongs to (`tags.team` → tags); undefined for the others. */
export function modelFieldOf(path: string): keyof ModelFormState | 'files' | undefined {
  const head = path.split('.')[0];
  switch (head) {
    case 'name':
    case 'version':
    case 'type':
    case 'path':
    case 'description':
    case 'tags':
      return head;
    case 'files':
    case 'code':
    case 'paths':
      return 'files';
    default:
      return undefined;
  }
}

/** The checks the browser can make before asking the server (which checks everything again). */
export function checkModelForm(form: ModelFormState): Partial<Record<keyof ModelFormState, string>> {
  const errors: Partial<Record<keyof ModelFormState, string>> = {};
  if (!form.name.trim()) errors.name = REQUIRED.name;
  if (!form.path.trim()) errors.path = REQUIRED.path;
  const keys = form.tags.map((t) => t.key.trim()).filter(Boolean);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (form.tags.some((t) => !t.key.trim() && t.value.trim())) errors.tags = 'every tag needs a name';
  else if (dup) errors.tags = `tag ${dup} is given twice`;
  return errors;
}

/** The local folder a document's path names (`./my-model` → my-model), if the path is local. */
export function localModelFolder(doc: unknown): string | undefined {
  if (!isMap(doc) || typeof doc.path !== 'string' || pathKind(doc.path) !== 'local') return undefined;
  const p = doc.path.replace(/^file:/, '').replace(/\\/g, '/').replace(/\/+$/, '');
  return p.replace(/^(\.\/)+/, '') || undefined;
}

/** The path a picked folder gets in the form: `./<folder>` (files go up as `<folder>/…`). */
export function pathForFolder(folder: string): string {
  return `./${folder}`;
}

/**
 * The problems of a document as the server would name them: the parser's (lib/aml/model-spec.ts, the server's
 * own), and the two fields the registry needs that a model file may leave out (name, path).
 */
export function modelProblems(doc: unknown, parsed: ModelParseResult): Array<{ path: string; message: string }> {
  const issues = parsed.ok ? [] : [...parsed.errors];
  if (isMap(doc) || doc === undefined || doc === null) {
    const d = (doc ?? {}) as Doc;
    const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
    if (blank(d.name) && !issues.some((i) => i.path === 'name')) issues.push({ path: 'name', message: REQUIRED.name });
    if (blank(d.path) && !issues.some((i) => i.path === 'path')) issues.push({ path: 'path', message: REQUIRED.path });
  }
  return issues;
}

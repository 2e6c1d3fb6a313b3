import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
// The client's own serializer (not re-exported from the package root): proves what goes over the wire.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import {
  GPU_COUNT_PATTERN,
  INSTANCE_TYPE_CRD_NAME,
  INSTANCE_TYPE_OPENAPI_SCHEMA,
  POSITIVE_QUANTITY_PATTERN,
  instanceTypeCrd,
  instanceTypeCrdModel,
  type SchemaNode,
} from './instance-type-crd';
import { ALL_VALID_EXAMPLES } from '@/lib/instance-types/aml-examples.fixture';
import { parseInstanceTypeDocument, parseInstanceTypeYaml, toCustomResource } from '@/lib/instance-types/schema';
import { checkCpuMemory, checkGpu } from '@/lib/instance-types/resources';

/**
 * What the API server does with a custom resource under this schema, for the keywords the schema uses:
 * nulls in non-nullable fields are pruned, then type (incl. int-or-string), required, pattern (strings) and
 * minimum (numbers) are checked. Unknown fields are reported the way `kubectl apply` (strict field
 * validation) reports them. Returns the error paths with a word on each.
 */
function apiServerValidate(value: unknown, schema: SchemaNode, path = ''): string[] {
  const errors: string[] = [];
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'string') {
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: pattern`);
    } else if (typeof value === 'number' && Number.isInteger(value)) {
      if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: minimum`);
    } else errors.push(`${path}: type (int or string)`);
    return errors;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${path}: type string`];
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: pattern`);
      return errors;
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: type object`];
      const obj = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)); // pruning of nulls
      for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}.${r}: required`);
      for (const [k, v] of Object.entries(obj)) {
        const sub = schema.properties?.[k] ?? schema.additionalProperties;
        if (sub) errors.push(...apiServerValidate(v, sub, `${path}.${k}`));
        else if (schema.properties) errors.push(`${path}.${k}: unknown field`);
      }
      return errors;
    }
    default:
      return errors;
  }
}

const crSchema = INSTANCE_TYPE_OPENAPI_SCHEMA;

function docsOf(yamlText: string): unknown[] {
  const out: unknown[] = [];
  for (const d of parseAllDocuments(yamlText) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    const v = d.toJS();
    if (!v) continue;
    // kubectl unpacks lists and applies each item with the list's apiVersion.
    if (v.kind === 'InstanceTypeList') out.push(...v.items.map((i: object) => ({ apiVersion: v.apiVersion, kind: 'InstanceType', ...i })));
    else out.push(v);
  }
  return out;
}

const base = () => ({
  apiVersion: 'amlarc.azureml.com/v1alpha1',
  kind: 'InstanceType',
  metadata: { name: 'x' },
  spec: { resources: { requests: { cpu: '1', memory: '1Gi' } as Record<string, unknown>, limits: { cpu: '2', memory: '2Gi' } as Record<string, unknown> } },
});

describe('InstanceType CRD', () => {
  it('has Azure ML\'s identity: group, version, kind, plural, cluster scope', () => {
    const crd = instanceTypeCrd();
    expect(crd.metadata.name).toBe('instancetypes.amlarc.azureml.com');
    expect(INSTANCE_TYPE_CRD_NAME).toBe(crd.metadata.name);
    expect(crd.spec).toMatchObject({
      group: 'amlarc.azureml.com',
      scope: 'Cluster',
      names: { kind: 'InstanceType', listKind: 'InstanceTypeList', plural: 'instancetypes', singular: 'instancetype' },
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(crd.spec.versions[0]).toMatchObject({ name: 'v1alpha1', served: true, storage: true });
  });

  it.each(Object.entries(ALL_VALID_EXAMPLES))('accepts every resource of the Azure ML example %s', (_name, text) => {
    const docs = docsOf(text);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(apiServerValidate(d, crSchema)).toEqual([]);
  });

  it('accepts GPUs as 0 or an integer, quoted or not', () => {
    for (const g of [0, 1, 8, '0', '1', '8']) {
      const d = base();
      d.spec.resources.limits['nvidia.com/gpu'] = g;
      expect(apiServerValidate(d, crSchema)).toEqual([]);
    }
  });

  it.each([
    ['a missing cpu request', (d: ReturnType<typeof base>) => delete d.spec.resources.requests.cpu, '.spec.resources.requests.cpu: required'],
    ['a missing memory limit', (d: ReturnType<typeof base>) => delete d.spec.resources.limits.memory, '.spec.resources.limits.memory: required'],
    ['missing limits', (d: ReturnType<typeof base>) => delete (d.spec.resources as Record<string, unknown>).limits, '.spec.resources.limits: required'],
    ['a fractional GPU number', (d: ReturnType<typeof base>) => (d.spec.resources.limits['nvidia.com/gpu'] = 0.5), '.spec.resources.limits.nvidia.com/gpu: type (int or string)'],
    ['a fractional GPU string', (d: ReturnType<typeof base>) => (d.spec.resources.limits['nvidia.com/gpu'] = '0.5'), '.spec.resources.limits.nvidia.com/gpu: pattern'],
    ['a GPU in millis', (d: ReturnType<typeof base>) => (d.spec.resources.limits['nvidia.com/gpu'] = '500m'), '.spec.resources.limits.nvidia.com/gpu: pattern'],
    ['a negative GPU', (d: ReturnType<typeof base>) => (d.spec.resources.limits['nvidia.com/gpu'] = -1), '.spec.resources.limits.nvidia.com/gpu: minimum'],
    ['memory "2 GB"', (d: ReturnType<typeof base>) => (d.spec.resources.limits.memory = '2 GB'), '.spec.resources.limits.memory: pattern'],
    ['a zero cpu string', (d: ReturnType<typeof base>) => (d.spec.resources.requests.cpu = '0'), '.spec.resources.requests.cpu: pattern'],
    ['a zero cpu integer', (d: ReturnType<typeof base>) => (d.spec.resources.requests.cpu = 0), '.spec.resources.requests.cpu: minimum'],
    ['a negative memory', (d: ReturnType<typeof base>) => (d.spec.resources.requests.memory = '-1Gi'), '.spec.resources.requests.memory: pattern'],
    ['a non-string node selector value', (d: ReturnType<typeof base>) => ((d.spec as Record<string, unknown>).nodeSelector = { gpu: true }), '.spec.nodeSelector.gpu: type string'],
  ])('refuses %s', (_what, mutate, expected) => {
    const d = base();
    mutate(d);
    expect(apiServerValidate(d, crSchema)).toContain(expected);
  });

  it('the quantity pattern takes positive Kubernetes quantities and nothing else', () => {
    const re = new RegExp(POSITIVE_QUANTITY_PATTERN);
    for (const ok of ['1', '700m', '1500Mi', '1.5Gi', '2Gi', '0.5', '.5', '100k', '1e3', '2E', '16G', '+1', '0.1']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['0', '0m', '0.0', '00', '-1', '2 GB', '2GB', '1gi', 'Gi', '', '1.5.0', ' 1', '1 ', '1Ki1']) expect(re.test(bad), bad).toBe(false);
    const gpuRe = new RegExp(GPU_COUNT_PATTERN);
    for (const ok of ['0', '1', '16']) expect(gpuRe.test(ok)).toBe(true);
    for (const bad of ['0.5', '1k', '-1', '', '1 ']) expect(gpuRe.test(bad)).toBe(false);
  });

  it('uses only regex syntax Go\'s RE2 shares with JavaScript (no lookaround, backreferences or lazy tricks)', () => {
    for (const p of [POSITIVE_QUANTITY_PATTERN, GPU_COUNT_PATTERN]) {
      expect(p).not.toMatch(/\(\?[=!<]|\\[1-9]|\\[dDwWsS]/);
      expect(p.startsWith('^') && p.endsWith('$')).toBe(true);
    }
  });

  it('is never looser than the console\'s parser: whatever the parser accepts, the CRD accepts', () => {
    for (const text of Object.values(ALL_VALID_EXAMPLES)) {
      const r = parseInstanceTypeYaml(text);
      if (!r.ok) throw new Error('fixture');
      for (const spec of r.items) expect(apiServerValidate(toCustomResource(spec), crSchema)).toEqual([]);
    }
    const fractional = parseInstanceTypeDocument({ ...base(), spec: { resources: { requests: { cpu: 0.5, memory: '1Gi' }, limits: { cpu: 1.5, memory: 2 ** 31 } } } });
    if (!fractional.ok) throw new Error(JSON.stringify(fractional.errors));
    expect(apiServerValidate(toCustomResource(fractional.items[0]), crSchema)).toEqual([]);
  });

  it('accepts every quantity string the console accepts (cpu, memory, GPU)', () => {
    const numbers = ['0', '1', '01', '10', '1.', '1.5', '.5', '0.5', '0.0', '+2', '-1', '1.2.3', ''];
    const suffixes = ['', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'Ti', 'E', 'e3', 'e-3', 'E+2', 'gi', ' Gi', 'GB', 'i'];
    const re = new RegExp(POSITIVE_QUANTITY_PATTERN);
    const gpuRe = new RegExp(GPU_COUNT_PATTERN);
    let accepted = 0;
    for (const n of numbers) {
      for (const sfx of suffixes) {
        const q = n + sfx;
        for (const r of ['cpu', 'memory'] as const) {
          if (checkCpuMemory(r, q).ok) { accepted++; expect(re.test(q), `${r} ${q}`).toBe(true); }
        }
        if (checkGpu(q).ok) expect(gpuRe.test(q), `gpu ${q}`).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('is a structural schema: every field has a type, or is int-or-string without one', () => {
    const walk = (n: SchemaNode, path: string) => {
      if (n['x-kubernetes-int-or-string']) expect(n.type, path).toBeUndefined();
      else expect(n.type, path).toBeDefined();
      for (const [k, v] of Object.entries(n.properties ?? {})) walk(v, `${path}.${k}`);
      if (n.additionalProperties) walk(n.additionalProperties, `${path}[*]`);
    };
    walk(crSchema, '');
  });

  it('prints CPU, memory and GPU limits in kubectl get', () => {
    const cols = instanceTypeCrd().spec.versions[0].additionalPrinterColumns;
    const byName = Object.fromEntries(cols.map((c) => [c.name, c]));
    expect(byName.CPU.jsonPath).toBe('.spec.resources.limits.cpu');
    expect(byName.Memory.jsonPath).toBe('.spec.resources.limits.memory');
    expect(byName.GPU.jsonPath).toBe('.spec.resources.limits.nvidia\\.com/gpu');
    // Every column reads a field the schema defines (or metadata).
    for (const c of cols) {
      if (c.jsonPath.startsWith('.metadata.')) continue;
      const segs = c.jsonPath.slice(1).split(/(?<!\\)\./).map((s) => s.replace(/\\\./g, '.'));
      let n: SchemaNode | undefined = crSchema;
      for (const s of segs) n = n?.properties?.[s];
      expect(n, c.jsonPath).toBeDefined();
    }
  });

  it('the client model serializes back to exactly the wire form (int-or-string is not dropped)', () => {
    const wire = ObjectSerializer.serialize(instanceTypeCrdModel(), 'V1CustomResourceDefinition', '');
    expect(JSON.parse(JSON.stringify(wire))).toEqual(instanceTypeCrd());
  });

  it('returns a fresh object each time (callers may mutate it)', () => {
    const a = instanceTypeCrd();
    a.spec.versions[0].schema.openAPIV3Schema.required = [];
    expect(instanceTypeCrd().spec.versions[0].schema.openAPIV3Schema.required).toEqual(['spec']);
  });
});

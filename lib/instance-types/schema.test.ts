import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INSTANCE_TYPE,
  findInstanceType,
  formatInstanceTypeIssue,
  formatInstanceTypeIssues,
  instanceTypeToForm,
  parseInstanceTypeDocument,
  parseInstanceTypeForm,
  parseInstanceTypeYaml,
  toCustomResource,
  withDefaultInstanceType,
  type InstanceTypeIssue,
} from './schema';
import { AML_DEFAULT_WITH_NULL_GPU, AML_DOC_EXAMPLE, AML_DOC_LIST_EXAMPLE, GPU_SPOT_EXAMPLE } from './aml-examples.fixture';

/** A valid single InstanceType document, to be broken one field at a time. */
function doc(overrides: { name?: unknown; requests?: Record<string, unknown>; limits?: Record<string, unknown>; spec?: Record<string, unknown>; nodeSelector?: unknown } = {}) {
  return {
    apiVersion: 'amlarc.azureml.com/v1alpha1',
    kind: 'InstanceType',
    metadata: { name: overrides.name ?? 'gpu-1' },
    spec: {
      ...(overrides.nodeSelector !== undefined ? { nodeSelector: overrides.nodeSelector } : {}),
      resources: {
        requests: { cpu: '2', memory: '8Gi', ...(overrides.requests ?? {}) },
        limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1, ...(overrides.limits ?? {}) },
      },
      ...(overrides.spec ?? {}),
    },
  };
}

function errorsOf(input: unknown): InstanceTypeIssue[] {
  const r = parseInstanceTypeDocument(input);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.items)}`);
  return r.errors;
}

function oneError(input: unknown): InstanceTypeIssue {
  const errs = errorsOf(input);
  expect(errs).toHaveLength(1);
  return errs[0];
}

describe('Azure ML examples', () => {
  it('accepts the §3 two-document example: an InstanceType and an InstanceTypeList without item apiVersion/kind', () => {
    const r = parseInstanceTypeYaml(AML_DOC_EXAMPLE);
    expect(r).toEqual({
      ok: true,
      items: [
        {
          name: 'myinstancetypename',
          nodeSelector: { mylabel: 'mylabelvalue' },
          resources: { requests: { cpu: '700m', memory: '1500Mi' }, limits: { cpu: '1', 'nvidia.com/gpu': 1, memory: '2Gi' } },
        },
        {
          name: 'defaultinstancetype',
          nodeSelector: {},
          resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', 'nvidia.com/gpu': 0, memory: '1Gi' } },
        },
      ],
    });
  });

  it('accepts the documented list (cpusmall + default override)', () => {
    const r = parseInstanceTypeYaml(AML_DOC_LIST_EXAMPLE);
    expect(r.ok && r.items.map((i) => i.name)).toEqual(['cpusmall', 'defaultinstancetype']);
  });

  it('accepts `nvidia.com/gpu: null` as "no GPU" (the documented default) and drops it', () => {
    const r = parseInstanceTypeYaml(AML_DEFAULT_WITH_NULL_GPU);
    expect(r.ok && r.items[0].resources.limits).toEqual({ cpu: '2', memory: '2Gi' });
  });

  it('accepts prefixed node selector keys and a quoted GPU count', () => {
    const r = parseInstanceTypeYaml(GPU_SPOT_EXAMPLE);
    expect(r.ok && r.items[0]).toMatchObject({
      nodeSelector: { accelerator: 'nvidia', 'kubernetes.azure.com/scalesetpriority': 'spot' },
      resources: { limits: { 'nvidia.com/gpu': '1' } },
    });
  });

  it('accepts JSON text too', () => {
    const r = parseInstanceTypeYaml(JSON.stringify(doc()));
    expect(r.ok && r.items[0].name).toBe('gpu-1');
  });
});

describe('resource rules', () => {
  it.each([
    ['requests', 'cpu'],
    ['requests', 'memory'],
    ['limits', 'cpu'],
    ['limits', 'memory'],
  ] as const)('refuses a missing %s.%s, naming the field', (side, res) => {
    const d = doc();
    delete (d.spec.resources[side] as Record<string, unknown>)[res];
    const e = oneError(d);
    expect(e.path).toBe(`spec.resources.${side}.${res}`);
    expect(e.message).toMatch(new RegExp(`is required: Azure ML needs a ${res} request and a ${res} limit`));
  });

  it.each(['0', 0, '0m', '0.0Gi', ''])('refuses a zero or empty cpu limit (%j)', (v) => {
    const e = errorsOf(doc({ limits: { cpu: v } })).find((x) => x.path === 'spec.resources.limits.cpu');
    expect(e?.message).toMatch(v === '' ? /is required/ : /must be greater than zero/);
  });

  it('refuses "2 GB" and says why', () => {
    const e = oneError(doc({ limits: { memory: '2 GB' } }));
    expect(e.path).toBe('spec.resources.limits.memory');
    expect(e.message).toMatch(/"2 GB" is not a Kubernetes quantity: no spaces allowed \(write "2Gi", not "2 GB"\)/);
  });

  it('refuses "2GB" with a hint about suffixes', () => {
    expect(oneError(doc({ limits: { memory: '2GB' } })).message).toMatch(/use binary suffixes like "2Gi"/);
  });

  it('accepts 700m, 1.5Gi, plain integers and exponent forms', () => {
    const r = parseInstanceTypeDocument(doc({ requests: { cpu: '700m', memory: '1.5Gi' }, limits: { cpu: 4, memory: '16e9' } }));
    expect(r.ok).toBe(true);
  });

  it('refuses negative values', () => {
    expect(oneError(doc({ requests: { cpu: '-1' } })).message).toMatch(/greater than zero/);
  });

  it('says a bare memory number is bytes', () => {
    const errs = errorsOf(doc({ requests: { memory: '512' } }));
    expect(errs[0]).toMatchObject({ path: 'spec.resources.requests.memory' });
    expect(errs[0].message).toMatch(/at least 1M .* = 512 bytes; a plain number is bytes, did you mean "512Mi" or "512Gi"\?/);
  });

  it('refuses a CPU below 1m', () => {
    expect(oneError(doc({ requests: { cpu: '0.0001' } })).message).toMatch(/at least 1m/);
  });

  it('refuses a request above its limit, on the request field', () => {
    const e = oneError(doc({ requests: { cpu: '5' } }));
    expect(e).toEqual({ path: 'spec.resources.requests.cpu', message: 'request 5 is more than the limit 4: a request must not exceed its limit' });
    expect(oneError(doc({ requests: { memory: '17Gi' } })).path).toBe('spec.resources.requests.memory');
  });

  it('compares across units (1500Mi ≤ 2Gi, 1200m > 1)', () => {
    expect(parseInstanceTypeDocument(doc({ requests: { memory: '1500Mi' }, limits: { memory: '2Gi' } })).ok).toBe(true);
    expect(oneError(doc({ requests: { cpu: '1200m' }, limits: { cpu: '1' } })).path).toBe('spec.resources.requests.cpu');
  });

  it.each([0, 1, 8, '0', '4'])('accepts a whole GPU count %j, quoted or not', (g) => {
    expect(parseInstanceTypeDocument(doc({ limits: { 'nvidia.com/gpu': g } })).ok).toBe(true);
  });

  it.each([0.5, '0.5', '500m', 1.5])('refuses a fractional GPU (%j)', (g) => {
    const e = oneError(doc({ limits: { 'nvidia.com/gpu': g } }));
    expect(e.path).toBe('spec.resources.limits["nvidia.com/gpu"]');
    expect(e.message).toMatch(/fractional GPUs are not supported/);
  });

  it.each([[-1, /0 or more/], ['-1', /0 or more/], ['1k', /plain whole number/], ['one', /whole number of GPUs/], [true, /whole number of GPUs/]])(
    'refuses GPU %j',
    (g, re) => {
      expect(oneError(doc({ limits: { 'nvidia.com/gpu': g } })).message).toMatch(re);
    },
  );

  it('accepts a GPU request equal to the limit, refuses one that differs or has no limit', () => {
    expect(parseInstanceTypeDocument(doc({ requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': 1 } })).ok).toBe(true);
    const differs = oneError(doc({ requests: { 'nvidia.com/gpu': 2 }, limits: { 'nvidia.com/gpu': 1 } }));
    expect(differs.path).toBe('spec.resources.requests["nvidia.com/gpu"]');
    expect(differs.message).toMatch(/must equal the GPU limit \(1\)/);
    const d = doc({ requests: { 'nvidia.com/gpu': 1 } });
    delete (d.spec.resources.limits as Record<string, unknown>)['nvidia.com/gpu'];
    expect(oneError(d).message).toMatch(/set nvidia.com\/gpu in limits instead/);
  });

  it('refuses resources other than cpu, memory and nvidia.com/gpu, with a hint for GPU spellings', () => {
    const e = oneError(doc({ limits: { 'ephemeral-storage': '10Gi' } }));
    expect(e).toEqual({ path: 'spec.resources.limits["ephemeral-storage"]', message: 'unknown resource: an instance type sets only cpu, memory, nvidia.com/gpu' });
    expect(oneError(doc({ limits: { gpu: 1 } })).message).toMatch(/for GPUs write "nvidia.com\/gpu"/);
  });
});

describe('document rules', () => {
  it('refuses unknown fields, naming them and what is allowed', () => {
    expect(oneError(doc({ spec: { tolerations: [] } }))).toEqual({ path: 'spec.tolerations', message: 'unknown field: spec allows only nodeSelector, resources' });
    expect(oneError({ ...doc(), extra: 1 }).path).toBe('extra');
    const d = doc();
    (d.spec.resources as Record<string, unknown>).claims = [];
    expect(oneError(d)).toEqual({ path: 'spec.resources.claims', message: 'unknown field: resources allows only requests, limits' });
  });

  it('refuses a namespace: InstanceType is cluster-scoped', () => {
    const d = doc();
    (d.metadata as Record<string, unknown>).namespace = 'default';
    expect(oneError(d)).toEqual({ path: 'metadata.namespace', message: 'InstanceType is cluster-scoped: remove metadata.namespace' });
  });

  it.each([
    ['GPU_1', /instance type name must contain only lowercase letters, digits, '-' and '\.' \(found an uppercase letter "G" at position 1\)/],
    ['', /instance type name must not be empty/],
    [undefined, /instance type name is required/],
  ])('refuses the name %j', (name, re) => {
    const e = oneError({ ...doc(), metadata: name === undefined ? {} : { name } });
    expect(e.path).toBe('metadata.name');
    expect(e.message).toMatch(re);
  });

  it('checks node selector keys and values as labels', () => {
    expect(oneError(doc({ nodeSelector: { 'bad key': 'x' } }))).toMatchObject({ path: 'spec.nodeSelector["bad key"]', message: expect.stringMatching(/^label key name must contain only/) });
    expect(oneError(doc({ nodeSelector: { gpu: '-a100' } }))).toMatchObject({ path: 'spec.nodeSelector.gpu', message: expect.stringMatching(/must start with a letter or digit/) });
    expect(oneError(doc({ nodeSelector: { gpu: true } })).message).toMatch(/must be a string \(got boolean true: quote it\)/);
    expect(oneError(doc({ nodeSelector: ['a'] })).message).toMatch(/must be a mapping of node label keys to values/);
    expect(parseInstanceTypeDocument(doc({ nodeSelector: null })).ok).toBe(true);
  });

  it('requires spec and spec.resources', () => {
    const noSpec = { ...doc(), spec: undefined };
    expect(oneError(noSpec)).toMatchObject({ path: 'spec', message: expect.stringMatching(/is required/) });
    expect(oneError({ ...doc(), spec: {} })).toMatchObject({ path: 'spec.resources', message: expect.stringMatching(/is required/) });
    expect(oneError({ ...doc(), spec: { resources: [] } })).toMatchObject({ path: 'spec.resources', message: expect.stringMatching(/must be a mapping .* not a list/) });
  });

  it('checks apiVersion and kind', () => {
    expect(oneError({ ...doc(), apiVersion: 'amlarc.azureml.com/v1' })).toEqual({ path: 'apiVersion', message: 'must be "amlarc.azureml.com/v1alpha1" (got "amlarc.azureml.com/v1"): only v1alpha1 exists' });
    expect(oneError({ ...doc(), apiVersion: undefined })).toMatchObject({ path: 'apiVersion', message: expect.stringMatching(/is required/) });
    expect(oneError({ ...doc(), kind: undefined })).toEqual({ path: 'kind', message: 'is required: "InstanceType" or "InstanceTypeList"' });
    expect(oneError({ ...doc(), kind: 'Deployment' }).message).toMatch(/must be "InstanceType" or "InstanceTypeList" \(got "Deployment"\)/);
    expect(oneError([doc()]).message).toMatch(/not a list/);
  });

  it('accepts `kubectl get -o yaml` output (v1 List, server-written metadata, status)', () => {
    const exported = {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: '' },
      items: [
        {
          ...doc(),
          metadata: {
            name: 'gpu-1', uid: '2f1c', resourceVersion: '812', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z',
            labels: { 'app.kubernetes.io/managed-by': 'harbormaster' }, annotations: { note: 'x' },
            managedFields: [{ manager: 'harbormaster' }],
          },
          status: {},
        },
      ],
    };
    const r = parseInstanceTypeDocument(exported);
    expect(r.ok && r.items[0]).toMatchObject({ name: 'gpu-1', labels: { 'app.kubernetes.io/managed-by': 'harbormaster' }, annotations: { note: 'x' } });
  });

  it('never throws on garbage, always explains', () => {
    const garbage: unknown[] = [
      { kind: 'InstanceTypeList', items: [5, null, 'x', []] },
      { kind: 'InstanceTypeList', items: 'nope' },
      { kind: 'InstanceTypeList' },
      { ...doc(), spec: { resources: { requests: null, limits: 5 } } },
      { ...doc(), spec: { resources: 'x', nodeSelector: 7 } },
      { ...doc(), metadata: 'x' },
      null, 5, 'text',
    ];
    for (const g of garbage) {
      const r = parseInstanceTypeDocument(g);
      expect(r.ok).toBe(false);
      if (!r.ok) for (const e of r.errors) expect(e.message.length).toBeGreaterThan(5);
    }
  });
});

describe('lists', () => {
  const list = (items: unknown[]) => ({ apiVersion: 'amlarc.azureml.com/v1alpha1', kind: 'InstanceTypeList', items });
  const item = (name: string, limits: Record<string, unknown> = {}) => {
    const d = doc({ name, limits });
    return { metadata: d.metadata, spec: d.spec };
  };

  it('refuses the whole list when one item is bad, naming the item and the field', () => {
    const r = parseInstanceTypeDocument(list([item('cpu-1'), item('gpu-x', { memory: '2 GB' }), item('gpu-y')]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ item: 'gpu-x', index: 1, path: 'spec.resources.limits.memory' });
    expect(formatInstanceTypeIssue(r.errors[0])).toBe(
      'items[1] (gpu-x): spec.resources.limits.memory: "2 GB" is not a Kubernetes quantity: no spaces allowed (write "2Gi", not "2 GB")',
    );
  });

  it('names an item by index when it has no usable name', () => {
    const bad = { metadata: {}, spec: item('x').spec };
    const r = parseInstanceTypeDocument(list([item('a'), bad]));
    expect(!r.ok && r.errors[0]).toMatchObject({ item: 1, index: 1, path: 'metadata.name' });
    expect(!r.ok && formatInstanceTypeIssue(r.errors[0])).toMatch(/^items\[1\]: metadata\.name: instance type name is required/);
  });

  it('refuses items whose own apiVersion or kind is wrong', () => {
    const r = parseInstanceTypeDocument(list([{ apiVersion: 'v1', kind: 'InstanceType', ...item('a') }]));
    expect(!r.ok && r.errors[0]).toMatchObject({ item: 'a', path: 'apiVersion' });
  });

  it('refuses duplicate names', () => {
    const r = parseInstanceTypeDocument(list([item('a'), item('b'), item('a')]));
    expect(!r.ok && r.errors).toEqual([
      { item: 'a', index: 2, path: 'metadata.name', message: 'duplicate name "a" (also items[0]): instance type names must be unique' },
    ]);
  });

  it('refuses a wrong list apiVersion', () => {
    const r = parseInstanceTypeDocument({ ...list([item('a')]), apiVersion: 'v1' });
    expect(!r.ok && r.errors[0].path).toBe('apiVersion');
  });

  it('accepts an empty list', () => {
    expect(parseInstanceTypeDocument(list([]))).toEqual({ ok: true, items: [] });
  });
});

describe('YAML text', () => {
  it('numbers documents when there are several, and refuses duplicates across them', () => {
    const r = parseInstanceTypeYaml(`${GPU_SPOT_EXAMPLE}---\n${GPU_SPOT_EXAMPLE}`);
    expect(!r.ok && r.errors).toEqual([
      { document: 1, item: 'gpuspot', path: 'metadata.name', message: 'duplicate name "gpuspot" (also in document 1): instance type names must be unique' },
    ]);
  });

  it('reports errors of later documents with their number', () => {
    const bad = GPU_SPOT_EXAMPLE.replace('memory: "32Gi"', 'memory: "32 GB"');
    const r = parseInstanceTypeYaml(`${AML_DOC_LIST_EXAMPLE}---\n${bad}`);
    expect(!r.ok && formatInstanceTypeIssues(r.errors)).toBe(
      'document 2: spec.resources.limits.memory: "32 GB" is not a Kubernetes quantity: no spaces allowed (write "2Gi", not "2 GB")',
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    const r = parseInstanceTypeYaml('kind: InstanceType\nmetadata: {name: a\nspec: x\n');
    expect(!r.ok && r.errors[0].message).toMatch(/^not valid YAML \(line \d+, column \d+\)/);
  });

  it('refuses duplicate keys (YAML would silently keep one)', () => {
    const r = parseInstanceTypeYaml(GPU_SPOT_EXAMPLE.replace('    requests: { cpu: "4", memory: "16Gi" }', '    requests: { cpu: "4", cpu: "1", memory: "16Gi" }'));
    expect(!r.ok && r.errors[0].message).toMatch(/not valid YAML.*unique/i);
  });

  it('refuses empty text and skips empty documents', () => {
    expect(parseInstanceTypeYaml('')).toEqual({ ok: false, errors: [{ path: '', message: 'no instance type found: the text is empty' }] });
    const r = parseInstanceTypeYaml(`---\n${GPU_SPOT_EXAMPLE}---\n`);
    expect(r.ok && r.items).toHaveLength(1);
  });
});

describe('default instance type', () => {
  it('is Azure ML\'s: 100m CPU / 2Gi requested, 2 CPU / 2Gi limit, no GPU', () => {
    expect(DEFAULT_INSTANCE_TYPE).toEqual({
      name: 'defaultinstancetype',
      nodeSelector: {},
      resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    });
    expect(parseInstanceTypeDocument(toCustomResource(DEFAULT_INSTANCE_TYPE)).ok).toBe(true);
  });

  it('is added, marked implicit, unless a custom resource of that name overrides it', () => {
    const custom = parseInstanceTypeYaml(GPU_SPOT_EXAMPLE);
    if (!custom.ok) throw new Error('fixture');
    const listed = withDefaultInstanceType(custom.items);
    expect(listed.map((i) => [i.name, i.implicit])).toEqual([['defaultinstancetype', true], ['gpuspot', false]]);

    const overridden = parseInstanceTypeYaml(AML_DOC_LIST_EXAMPLE);
    if (!overridden.ok) throw new Error('fixture');
    const listed2 = withDefaultInstanceType(overridden.items);
    expect(listed2.map((i) => [i.name, i.implicit])).toEqual([['cpusmall', false], ['defaultinstancetype', false]]);
    expect(listed2[1].resources.requests.cpu).toBe('1');
  });

  it('is what an unnamed workload gets', () => {
    expect(findInstanceType([], undefined)).toMatchObject({ name: 'defaultinstancetype', implicit: true });
    expect(findInstanceType([], 'nope')).toBeUndefined();
  });

  it('cannot be mutated by callers', () => {
    const listed = withDefaultInstanceType([]);
    listed[0].resources.requests.cpu = '64';
    expect(DEFAULT_INSTANCE_TYPE.resources.requests.cpu).toBe('100m');
  });
});

describe('toCustomResource', () => {
  it('builds the CR with the managed-by label, omitting an empty nodeSelector', () => {
    expect(toCustomResource(DEFAULT_INSTANCE_TYPE)).toEqual({
      apiVersion: 'amlarc.azureml.com/v1alpha1',
      kind: 'InstanceType',
      metadata: { name: 'defaultinstancetype', labels: { 'app.kubernetes.io/managed-by': 'harbormaster' } },
      spec: { resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } },
    });
    expect(toCustomResource(DEFAULT_INSTANCE_TYPE, { managedBy: false }).metadata).toEqual({ name: 'defaultinstancetype' });
  });

  it('round-trips through the parser', () => {
    const r = parseInstanceTypeYaml(GPU_SPOT_EXAMPLE);
    if (!r.ok) throw new Error('fixture');
    const again = parseInstanceTypeDocument(toCustomResource(r.items[0]));
    expect(again.ok && again.items[0]).toMatchObject(r.items[0]);
  });

  it('sends fractional numbers as strings (the CRD takes integers or strings)', () => {
    const cr = toCustomResource({ name: 'a', nodeSelector: {}, resources: { requests: { cpu: 0.5, memory: '1Gi' }, limits: { cpu: 1, memory: '1Gi' } } });
    expect(cr.spec.resources.requests.cpu).toBe('0.5');
    expect(cr.spec.resources.limits.cpu).toBe(1);
  });
});

describe('form', () => {
  const form = {
    name: ' gpu-1 ',
    nodeSelector: [{ key: 'agentpool', value: 'gpu' }, { key: '', value: '' }],
    cpuRequest: '2', cpuLimit: '4', memoryRequest: '8Gi', memoryLimit: '16Gi', gpu: '1',
  };

  it('builds an instance type, ignoring blank selector rows and trimming', () => {
    expect(parseInstanceTypeForm(form)).toEqual({
      ok: true,
      spec: {
        name: 'gpu-1',
        nodeSelector: { agentpool: 'gpu' },
        resources: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 1 } },
      },
    });
  });

  it('leaves the GPU out when 0 or empty', () => {
    for (const gpu of ['0', '', 0, null]) {
      const r = parseInstanceTypeForm({ ...form, gpu });
      expect(r.ok && r.spec.resources.limits).toEqual({ cpu: '4', memory: '16Gi' });
    }
  });

  it('keys errors by form field', () => {
    const r = parseInstanceTypeForm({
      ...form,
      name: 'GPU 1',
      nodeSelector: [{ key: 'agentpool', value: 'gpu' }, { key: 'agentpool', value: 'cpu' }, { key: 'ok', value: '-bad' }],
      cpuRequest: '8', memoryLimit: '2 GB', gpu: '0.5',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['cpuRequest', 'gpu', 'memoryLimit', 'name', 'nodeSelector.1.key', 'nodeSelector.2.value']);
    expect(r.errors.cpuRequest).toBe('must not be more than the CPU limit');
    expect(r.errors['nodeSelector.1.key']).toBe('duplicate key "agentpool" (also row 1)');
    expect(r.errors.gpu).toMatch(/fractional GPUs are not supported/);
  });

  it('reports missing fields', () => {
    const r = parseInstanceTypeForm({ name: 'a' });
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['cpuLimit', 'cpuRequest', 'memoryLimit', 'memoryRequest']);
  });

  it('edits an existing instance type: form → spec → form is stable', () => {
    const r = parseInstanceTypeYaml(GPU_SPOT_EXAMPLE);
    if (!r.ok) throw new Error('fixture');
    const f = instanceTypeToForm(r.items[0]);
    expect(f).toMatchObject({ name: 'gpuspot', cpuRequest: '4', memoryLimit: '32Gi', gpu: '1' });
    const back = parseInstanceTypeForm(f);
    expect(back.ok && back.spec.nodeSelector).toEqual(r.items[0].nodeSelector);
  });
});

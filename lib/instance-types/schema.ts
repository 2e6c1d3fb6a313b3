// InstanceType custom resources (amlarc.azureml.com/v1alpha1), as Azure ML defines them
// (reference/aml-kubernetes.md §3), validated the way Azure ML does and stricter: every error names the item
// and the field, and a list with one bad item is refused whole, so nothing is applied half-way.
import { z } from 'zod';
import { readYamlDocuments, yamlValue, YamlLimitError } from '../yaml-limits';
import { LABELS, MANAGED_BY, type InstanceTypeSpec, type ResourceMap } from '@/lib/domain';
import { validateDns1123Subdomain, validateLabelKey, validateLabelValue, validateQualifiedName } from '@/lib/k8s-names';
import { checkCpuMemory, checkGpu, GPU_RESOURCE, INSTANCE_TYPE_RESOURCES } from './resources';

export const INSTANCE_TYPE_GROUP = 'amlarc.azureml.com';
export const INSTANCE_TYPE_VERSION = 'v1alpha1';
export const INSTANCE_TYPE_API_VERSION = `${INSTANCE_TYPE_GROUP}/${INSTANCE_TYPE_VERSION}`;
export const INSTANCE_TYPE_KIND = 'InstanceType';
export const INSTANCE_TYPE_LIST_KIND = 'InstanceTypeList';
export const INSTANCE_TYPE_PLURAL = 'instancetypes';
export const INSTANCE_TYPE_SINGULAR = 'instancetype';
export const DEFAULT_INSTANCE_TYPE_NAME = 'defaultinstancetype';

/** One validation problem. `item` is the list item's name when it has a usable one, else its index. */
export interface InstanceTypeIssue {
  /** Name (or index) of the list item the problem is in; absent for a single InstanceType document. */
  item?: string | number;
  /** Index in `items` when the document is a list. */
  index?: number;
  /** 0-based YAML document number, only when the text holds more than one document. */
  document?: number;
  /** Field path inside the item (or document), e.g. `spec.resources.limits.memory`; '' for the whole item. */
  path: string;
  message: string;
}

export type InstanceTypeParseResult =
  | { ok: true; items: InstanceTypeSpec[] }
  | { ok: false; errors: InstanceTypeIssue[] };

/** An instance type as listed to users: `implicit` marks Azure ML's built-in default (not a custom resource). */
export type ListedInstanceType = InstanceTypeSpec & { implicit: boolean };

// ---------------------------------------------------------------------------------------------------------
// zod schemas

type Ctx = z.RefinementCtx;

function addIssue(ctx: Ctx, message: string, path: (string | number)[] = []) {
  ctx.addIssue({ code: 'custom', message, path });
}

/** Message for a strict object: unknown fields name the allowed ones; a missing or non-mapping value says so. */
function objectError(what: string, allowed: string[], extra?: (keys: string[]) => string | undefined) {
  return (iss: { code?: string; input?: unknown; keys?: string[] }) => {
    if (iss.code === 'unrecognized_keys') {
      const special = extra?.(iss.keys ?? []);
      if (special) return special;
      return `unknown field: ${what} allows only ${allowed.join(', ')}`;
    }
    if (iss.input === undefined || iss.input === null) return `is required (${what})`;
    if (iss.code === 'invalid_type') return `must be a mapping (${what}), not ${Array.isArray(iss.input) ? 'a list' : typeof iss.input}`;
    return undefined;
  };
}

const cpuMemorySchema = (resource: 'cpu' | 'memory') =>
  z.custom<string | number>().superRefine((v, ctx) => {
    const r = checkCpuMemory(resource, v);
    if (!r.ok) addIssue(ctx, r.message);
  });

const gpuSchema = z
  .custom<string | number | null>()
  .optional()
  .superRefine((v, ctx) => {
    if (v === undefined || v === null) return;
    const r = checkGpu(v);
    if (!r.ok) addIssue(ctx, r.message);
  });

function unknownResourceMessage(keys: string[]): string {
  const gpuLike = keys.find((k) => /gpu/i.test(k));
  const hint = gpuLike ? ` (for GPUs write "${GPU_RESOURCE}")` : '';
  return `unknown resource: an instance type sets only ${INSTANCE_TYPE_RESOURCES.join(', ')}${hint}`;
}

const resourceListSchema = (side: 'requests' | 'limits') =>
  z.strictObject(
    { cpu: cpuMemorySchema('cpu'), memory: cpuMemorySchema('memory'), [GPU_RESOURCE]: gpuSchema },
    { error: objectError(`resources.${side}`, [...INSTANCE_TYPE_RESOURCES], unknownResourceMessage) },
  );

/** `spec.resources`: requests ≤ limits for cpu and memory; a GPU request, if any, equal to the GPU limit. */
export const instanceTypeResourcesSchema = z
  .strictObject(
    { requests: resourceListSchema('requests'), limits: resourceListSchema('limits') },
    { error: objectError('resources', ['requests', 'limits']) },
  )
  .superRefine((res, ctx) => {
    // Runs even when a field above failed (zod keeps going after non-fatal issues): read defensively.
    const requests = (res?.requests ?? {}) as Record<string, unknown>;
    const limits = (res?.limits ?? {}) as Record<string, unknown>;
    if (typeof requests !== 'object' || typeof limits !== 'object') return;
    for (const r of ['cpu', 'memory'] as const) {
      const req = checkCpuMemory(r, requests[r]);
      const lim = checkCpuMemory(r, limits[r]);
      if (req.ok && lim.ok && req.value > lim.value + 1e-12) {
        addIssue(ctx, `request ${String(requests[r])} is more than the limit ${String(limits[r])}: a request must not exceed its limit`, ['requests', r]);
      }
    }
    const gReq = requests[GPU_RESOURCE];
    const gLim = limits[GPU_RESOURCE];
    if (gReq !== undefined && gReq !== null) {
      const rq = checkGpu(gReq);
      if (!rq.ok) return;
      if (gLim === undefined || gLim === null) {
        addIssue(ctx, `set ${GPU_RESOURCE} in limits instead: Azure ML takes GPUs from limits only, and Kubernetes uses the GPU limit as the request`, ['requests', GPU_RESOURCE]);
        return;
      }
      const lm = checkGpu(gLim);
      if (lm.ok && lm.value !== rq.value) {
        addIssue(ctx, `must equal the GPU limit (${String(gLim)}): Kubernetes does not allow GPU requests and limits to differ; set it in limits only`, ['requests', GPU_RESOURCE]);
      }
    }
  });

/** `spec.nodeSelector`: label keys and values (`null` = none). Values must be strings: YAML `true` needs quotes. */
export const nodeSelectorSchema = z
  .record(z.string(), z.unknown(), { error: () => 'must be a mapping of node label keys to values' })
  .nullish()
  .superRefine((sel, ctx) => {
    if (!sel) return;
    for (const [k, v] of Object.entries(sel)) {
      const kErr = validateLabelKey(k);
      if (kErr) addIssue(ctx, `label key ${kErr}`, [k]);
      const vErr = validateLabelValue(v);
      if (vErr) addIssue(ctx, vErr, [k]);
    }
  });

export const instanceTypeSpecSchema = z.strictObject(
  { nodeSelector: nodeSelectorSchema, resources: instanceTypeResourcesSchema },
  { error: objectError('spec', ['nodeSelector', 'resources']) },
);

const nameSchema = z.custom<string>().superRefine((v, ctx) => {
  const err = validateDns1123Subdomain(v);
  if (err) addIssue(ctx, `instance type name ${err}`);
});

const stringMapSchema = (what: 'labels' | 'annotations') =>
  z
    .record(z.string(), z.unknown(), { error: () => `must be a mapping of ${what}` })
    .optional()
    .superRefine((m, ctx) => {
      if (!m) return;
      for (const [k, v] of Object.entries(m)) {
        const kErr = validateQualifiedName(k);
        if (kErr) addIssue(ctx, `key ${kErr}`, [k]);
        if (what === 'labels') {
          const vErr = validateLabelValue(v);
          if (vErr) addIssue(ctx, vErr, [k]);
        } else if (typeof v !== 'string') {
          addIssue(ctx, 'annotation values must be strings (quote them)', [k]);
        }
      }
    });

// Fields the API server writes: accepted (and dropped) so that `kubectl get -o yaml` output can be pasted back.
const serverWritten = {
  uid: z.unknown().optional(),
  resourceVersion: z.unknown().optional(),
  generation: z.unknown().optional(),
  creationTimestamp: z.unknown().optional(),
  managedFields: z.unknown().optional(),
  selfLink: z.unknown().optional(),
};

export const instanceTypeMetadataSchema = z.strictObject(
  { name: nameSchema, labels: stringMapSchema('labels'), annotations: stringMapSchema('annotations'), ...serverWritten },
  {
    error: objectError('metadata', ['name', 'labels', 'annotations'], (keys) =>
      keys.includes('namespace') ? 'InstanceType is cluster-scoped: remove metadata.namespace' : undefined,
    ),
  },
);

function literal(value: string, field: string) {
  return z.custom<string>().superRefine((v, ctx) => {
    if (v === undefined || v === null) addIssue(ctx, `is required: "${value}"`);
    else if (v !== value) addIssue(ctx, `must be "${value}" (got ${JSON.stringify(v)})${field === 'apiVersion' && typeof v === 'string' && v.startsWith(INSTANCE_TYPE_GROUP) ? `: only ${INSTANCE_TYPE_VERSION} exists` : ''}`);
  });
}

function documentShape(requireTypeMeta: boolean) {
  const apiVersion = literal(INSTANCE_TYPE_API_VERSION, 'apiVersion');
  const kind = literal(INSTANCE_TYPE_KIND, 'kind');
  return z.strictObject(
    {
      apiVersion: requireTypeMeta ? apiVersion : apiVersion.optional(),
      kind: requireTypeMeta ? kind : kind.optional(),
      metadata: instanceTypeMetadataSchema,
      spec: instanceTypeSpecSchema,
      // Written by controllers; ignored here.
      status: z.unknown().optional(),
    },
    { error: objectError('an InstanceType', ['apiVersion', 'kind', 'metadata', 'spec']) },
  );
}

/** One `kind: InstanceType` document. */
export const instanceTypeDocumentSchema = documentShape(true);
/** An item of an InstanceTypeList: apiVersion and kind may be left out (Azure ML's own example does). */
export const instanceTypeListItemSchema = documentShape(false);

/** `kind: InstanceTypeList` (or kubectl's generic `v1 List`), items named uniquely. */
export const instanceTypeListSchema = z
  .strictObject(
    {
      apiVersion: z.custom<string>().optional(),
      kind: z.custom<string>(),
      metadata: z.unknown().optional(),
      items: z.array(instanceTypeListItemSchema, { error: (iss) => (iss.input === undefined ? 'is required: the list of instance types' : 'must be a list') }),
    },
    { error: objectError('an InstanceTypeList', ['apiVersion', 'kind', 'items']) },
  )
  .superRefine((list, ctx) => {
    const kindOk =
      (list.kind === INSTANCE_TYPE_LIST_KIND && (list.apiVersion === undefined || list.apiVersion === INSTANCE_TYPE_API_VERSION)) ||
      (list.kind === 'List' && list.apiVersion === 'v1');
    if (!kindOk) {
      if (list.kind === INSTANCE_TYPE_LIST_KIND) addIssue(ctx, `must be "${INSTANCE_TYPE_API_VERSION}" (got ${JSON.stringify(list.apiVersion)})`, ['apiVersion']);
      else addIssue(ctx, `must be "${INSTANCE_TYPE_LIST_KIND}"`, ['kind']);
    }
    const seen = new Map<string, number>();
    (Array.isArray(list.items) ? list.items : []).forEach((it, i) => {
      const name = (it as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
      if (typeof name !== 'string') return;
      const prev = seen.get(name);
      if (prev !== undefined) addIssue(ctx, `duplicate name "${name}" (also items[${prev}]): instance type names must be unique`, ['items', i, 'metadata', 'name']);
      else seen.set(name, i);
    });
  });

type ParsedDocument = z.output<typeof instanceTypeDocumentSchema>;

/** An instance type with the metadata we keep; structurally an InstanceTypeSpec. */
export type ParsedInstanceType = InstanceTypeSpec & { labels?: Record<string, string>; annotations?: Record<string, string> };

function cleanResources(m: Record<string, unknown>): ResourceMap {
  const out: ResourceMap = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined && v !== null) out[k] = v as string | number;
  return out;
}

function toSpec(doc: ParsedDocument): ParsedInstanceType {
  const spec: ParsedInstanceType = {
    name: doc.metadata.name,
    nodeSelector: { ...((doc.spec.nodeSelector ?? {}) as Record<string, string>) },
    resources: { requests: cleanResources(doc.spec.resources.requests), limits: cleanResources(doc.spec.resources.limits) },
  };
  if (doc.metadata.labels && Object.keys(doc.metadata.labels).length) spec.labels = doc.metadata.labels as Record<string, string>;
  if (doc.metadata.annotations && Object.keys(doc.metadata.annotations).length) spec.annotations = doc.metadata.annotations as Record<string, string>;
  return spec;
}

// ---------------------------------------------------------------------------------------------------------
// Paths and messages

/** `spec.resources.limits["nvidia.com/gpu"]`, `items[1]`: JS-like paths people can read. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** One line: `items[1] (gpu-x): spec.resources.limits.memory: must be …`. */
export function formatInstanceTypeIssue(issue: InstanceTypeIssue): string {
  const parts: string[] = [];
  if (issue.document !== undefined) parts.push(`document ${issue.document + 1}`);
  if (issue.index !== undefined) parts.push(typeof issue.item === 'string' ? `items[${issue.index}] (${issue.item})` : `items[${issue.index}]`);
  if (issue.path) parts.push(issue.path);
  parts.push(issue.message);
  return parts.join(': ');
}

/** All issues, one per line. */
export function formatInstanceTypeIssues(issues: InstanceTypeIssue[]): string {
  return issues.map(formatInstanceTypeIssue).join('\n');
}

function itemName(raw: unknown, index: number): string | undefined {
  const items = (raw as { items?: unknown })?.items;
  const item = Array.isArray(items) ? items[index] : undefined;
  const name = (item as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function zodIssues(error: z.ZodError, raw: unknown, isList: boolean): InstanceTypeIssue[] {
  const out: InstanceTypeIssue[] = [];
  for (const iss of error.issues) {
    const paths: PropertyKey[][] =
      iss.code === 'unrecognized_keys' ? (iss.keys as string[]).map((k) => [...iss.path, k]) : [[...iss.path]];
    for (const p of paths) {
      if (isList && p[0] === 'items' && typeof p[1] === 'number') {
        const index = p[1];
        const name = itemName(raw, index);
        out.push({ item: name ?? index, index, path: formatPath(p.slice(2)), message: iss.message });
      } else {
        out.push({ path: formatPath(p), message: iss.message });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

/**
 * Validates an already-decoded document: an `InstanceType`, an `InstanceTypeList`, or kubectl's `v1 List` of
 * InstanceTypes. Returns the instance types, or every problem found (nothing is returned when any item is bad).
 */
export function parseInstanceTypeDocument(obj: unknown): InstanceTypeParseResult {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return { ok: false, errors: [{ path: '', message: `must be an ${INSTANCE_TYPE_KIND} or ${INSTANCE_TYPE_LIST_KIND} object, not ${Array.isArray(obj) ? 'a list' : obj === null ? 'empty' : typeof obj}` }] };
  }
  const kind = (obj as { kind?: unknown }).kind;
  if (kind === INSTANCE_TYPE_LIST_KIND || kind === 'List') {
    const r = instanceTypeListSchema.safeParse(obj);
    if (!r.success) return { ok: false, errors: zodIssues(r.error, obj, true) };
    return { ok: true, items: r.data.items.map(toSpec) };
  }
  if (kind === INSTANCE_TYPE_KIND) {
    const r = instanceTypeDocumentSchema.safeParse(obj);
    if (!r.success) return { ok: false, errors: zodIssues(r.error, obj, false) };
    return { ok: true, items: [toSpec(r.data)] };
  }
  return {
    ok: false,
    errors: [{
      path: 'kind',
      message: kind === undefined ? `is required: "${INSTANCE_TYPE_KIND}" or "${INSTANCE_TYPE_LIST_KIND}"` : `must be "${INSTANCE_TYPE_KIND}" or "${INSTANCE_TYPE_LIST_KIND}" (got ${JSON.stringify(kind)})`,
    }],
  };
}

/**
 * Parses YAML (or JSON) text holding one or more documents separated by `---`, each an InstanceType or a
 * list of them. Instance type names must be unique across the whole text.
 */
export function parseInstanceTypeYaml(text: string): InstanceTypeParseResult {
  let list;
  try {
    list = readYamlDocuments(text, 'instance type YAML', { uniqueKeys: true }).documents;
  } catch (e) {
    if (e instanceof YamlLimitError) return { ok: false, errors: [{ path: '', message: e.message }] };
    return { ok: false, errors: [{ path: '', message: `not valid YAML: ${(e as Error).message}` }] };
  }
  const decoded: { index: number; value: unknown }[] = [];
  const errors: InstanceTypeIssue[] = [];
  const many = list.length > 1;
  list.forEach((doc, i) => {
    const document = many ? i : undefined;
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        const where = pos ? ` (line ${pos.line}, column ${pos.col})` : '';
        errors.push({ ...(document !== undefined ? { document } : {}), path: '', message: `not valid YAML${where}: ${e.message.split('\n')[0]}` });
      }
      return;
    }
    const value = yamlValue(doc); // bounded by the node cap above
    if (value === null || value === undefined) return; // empty document, e.g. a trailing `---`
    decoded.push({ index: i, value });
  });
  if (errors.length) return { ok: false, errors };
  if (decoded.length === 0) return { ok: false, errors: [{ path: '', message: 'no instance type found: the text is empty' }] };

  const items: InstanceTypeSpec[] = [];
  const where = new Map<string, string>();
  for (const { index, value } of decoded) {
    const r = parseInstanceTypeDocument(value);
    if (!r.ok) {
      for (const e of r.errors) errors.push(many ? { document: index, ...e } : e);
      continue;
    }
    for (const it of r.items) {
      const here = many ? `document ${index + 1}` : 'this text';
      const prev = where.get(it.name);
      if (prev !== undefined) {
        errors.push({ ...(many ? { document: index } : {}), item: it.name, path: 'metadata.name', message: `duplicate name "${it.name}" (also in ${prev}): instance type names must be unique` });
      } else where.set(it.name, here);
      items.push(it);
    }
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, items };
}

// ---------------------------------------------------------------------------------------------------------
// Default instance type and custom resources

/**
 * Azure ML's implicit default (how-to-manage-kubernetes-instance-types.md): used when a workload names no
 * instance type; listed everywhere, but not a custom resource unless someone creates one of that name.
 */
export const DEFAULT_INSTANCE_TYPE: Readonly<InstanceTypeSpec> = Object.freeze({
  name: DEFAULT_INSTANCE_TYPE_NAME,
  nodeSelector: Object.freeze({}) as Record<string, string>,
  resources: Object.freeze({
    requests: Object.freeze({ cpu: '100m', memory: '2Gi' }),
    limits: Object.freeze({ cpu: '2', memory: '2Gi' }),
  }) as InstanceTypeSpec['resources'],
});

/**
 * The instance types a cluster offers: its custom resources plus the implicit default, unless a custom
 * resource named `defaultinstancetype` overrides it. The implicit default comes first.
 */
export function withDefaultInstanceType(list: readonly InstanceTypeSpec[]): ListedInstanceType[] {
  const listed = list.map((it) => ({ ...it, implicit: false }));
  if (list.some((it) => it.name === DEFAULT_INSTANCE_TYPE_NAME)) return listed;
  const implicit: ListedInstanceType = {
    name: DEFAULT_INSTANCE_TYPE.name,
    nodeSelector: {},
    resources: { requests: { ...DEFAULT_INSTANCE_TYPE.resources.requests }, limits: { ...DEFAULT_INSTANCE_TYPE.resources.limits } },
    implicit: true,
  };
  return [implicit, ...listed];
}

/** Looks an instance type up by name, falling back to the implicit default for `defaultinstancetype`. */
export function findInstanceType(list: readonly InstanceTypeSpec[], name: string | undefined): ListedInstanceType | undefined {
  return withDefaultInstanceType(list).find((it) => it.name === (name ?? DEFAULT_INSTANCE_TYPE_NAME));
}

/** The InstanceType custom resource object, as a plain object (what server-side apply sends). */
export interface InstanceTypeCustomResource {
  apiVersion: typeof INSTANCE_TYPE_API_VERSION;
  kind: typeof INSTANCE_TYPE_KIND;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { nodeSelector?: Record<string, string>; resources: { requests: ResourceMap; limits: ResourceMap } };
}

// The CRD accepts integers or strings (x-kubernetes-int-or-string): a fractional number such as 0.5 is sent as
// the string "0.5" so the API server takes it.
function crdValue(v: string | number): string | number {
  return typeof v === 'number' && !Number.isSafeInteger(v) ? String(v) : v;
}

function crdResources(m: ResourceMap): ResourceMap {
  const out: ResourceMap = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined && v !== null) out[k] = crdValue(v);
  return out;
}

/**
 * The custom resource to apply for an instance type. Adds `app.kubernetes.io/managed-by: harbormaster` unless
 * `managedBy: false` (e.g. when re-rendering a resource someone else owns).
 */
export function toCustomResource(
  spec: InstanceTypeSpec & { labels?: Record<string, string>; annotations?: Record<string, string> },
  opts: { managedBy?: boolean } = {},
): InstanceTypeCustomResource {
  const labels = { ...(spec.labels ?? {}), ...(opts.managedBy === false ? {} : { [LABELS.managedBy]: MANAGED_BY }) };
  const metadata: InstanceTypeCustomResource['metadata'] = { name: spec.name };
  if (Object.keys(labels).length) metadata.labels = labels;
  if (spec.annotations && Object.keys(spec.annotations).length) metadata.annotations = { ...spec.annotations };
  const out: InstanceTypeCustomResource = {
    apiVersion: INSTANCE_TYPE_API_VERSION,
    kind: INSTANCE_TYPE_KIND,
    metadata,
    spec: { resources: { requests: crdResources(spec.resources.requests), limits: crdResources(spec.resources.limits) } },
  };
  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length) out.spec.nodeSelector = { ...spec.nodeSelector };
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Form

/** Form-shaped input (the console's "new instance type" form): flat fields, node selector as rows. */
export const instanceTypeFormSchema = z.object({
  name: z.string({ error: 'is required' }),
  nodeSelector: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
  cpuRequest: z.union([z.string(), z.number()], { error: 'is required' }),
  cpuLimit: z.union([z.string(), z.number()], { error: 'is required' }),
  memoryRequest: z.union([z.string(), z.number()], { error: 'is required' }),
  memoryLimit: z.union([z.string(), z.number()], { error: 'is required' }),
  /** Number of GPUs (0 or empty = none). */
  gpu: z.union([z.string(), z.number()]).nullish(),
});
export type InstanceTypeFormInput = z.input<typeof instanceTypeFormSchema>;
export type InstanceTypeForm = z.output<typeof instanceTypeFormSchema>;

export type InstanceTypeFormResult =
  | { ok: true; spec: InstanceTypeSpec }
  | { ok: false; errors: Record<string, string> };

function trimmed(v: string | number): string | number {
  return typeof v === 'string' ? v.trim() : v;
}

/**
 * Validates the form and builds the instance type. Errors are keyed by form field (`cpuRequest`,
 * `nodeSelector.1.key`, …), one message each. Blank selector rows are ignored.
 */
export function parseInstanceTypeForm(input: unknown): InstanceTypeFormResult {
  const r = instanceTypeFormSchema.safeParse(input);
  if (!r.success) {
    const errors: Record<string, string> = {};
    for (const iss of r.error.issues) errors[iss.path.map(String).join('.') || '_'] ??= iss.message;
    return { ok: false, errors };
  }
  const f = r.data;
  const errors: Record<string, string> = {};
  const name = f.name.trim();
  const nameErr = validateDns1123Subdomain(name);
  if (nameErr) errors.name = nameErr;

  const nodeSelector: Record<string, string> = {};
  const firstRow = new Map<string, number>();
  f.nodeSelector.forEach((row, i) => {
    const key = row.key.trim();
    const value = row.value.trim();
    if (key === '' && value === '') return;
    const kErr = validateLabelKey(key);
    if (kErr) errors[`nodeSelector.${i}.key`] = kErr;
    const vErr = validateLabelValue(value);
    if (vErr) errors[`nodeSelector.${i}.value`] = vErr;
    if (!kErr && firstRow.has(key)) errors[`nodeSelector.${i}.key`] = `duplicate key "${key}" (also row ${firstRow.get(key)! + 1})`;
    if (!kErr && !firstRow.has(key)) firstRow.set(key, i);
    nodeSelector[key] = value;
  });

  const fields = { cpuRequest: ['cpu', f.cpuRequest], cpuLimit: ['cpu', f.cpuLimit], memoryRequest: ['memory', f.memoryRequest], memoryLimit: ['memory', f.memoryLimit] } as const;
  const values: Partial<Record<keyof typeof fields, number>> = {};
  for (const [field, [res, raw]] of Object.entries(fields) as [keyof typeof fields, readonly ['cpu' | 'memory', string | number]][]) {
    const c = checkCpuMemory(res, trimmed(raw));
    if (!c.ok) errors[field] = c.message;
    else values[field] = c.value;
  }
  if (values.cpuRequest !== undefined && values.cpuLimit !== undefined && values.cpuRequest > values.cpuLimit + 1e-12) {
    errors.cpuRequest = 'must not be more than the CPU limit';
  }
  if (values.memoryRequest !== undefined && values.memoryLimit !== undefined && values.memoryRequest > values.memoryLimit) {
    errors.memoryRequest = 'must not be more than the memory limit';
  }
  let gpu = 0;
  const rawGpu = f.gpu === null || f.gpu === undefined ? '' : trimmed(f.gpu);
  if (rawGpu !== '') {
    const g = checkGpu(rawGpu);
    if (!g.ok) errors.gpu = g.message;
    else gpu = g.value;
  }
  if (Object.keys(errors).length) return { ok: false, errors };

  const limits: ResourceMap = { cpu: trimmed(f.cpuLimit), memory: trimmed(f.memoryLimit) };
  if (gpu > 0) limits[GPU_RESOURCE] = gpu;
  return {
    ok: true,
    spec: { name, nodeSelector, resources: { requests: { cpu: trimmed(f.cpuRequest), memory: trimmed(f.memoryRequest) }, limits } },
  };
}

/** Form values for editing an existing instance type. */
export function instanceTypeToForm(spec: InstanceTypeSpec): InstanceTypeForm {
  const g = spec.resources.limits[GPU_RESOURCE];
  return {
    name: spec.name,
    nodeSelector: Object.entries(spec.nodeSelector ?? {}).map(([key, value]) => ({ key, value })),
    cpuRequest: String(spec.resources.requests.cpu ?? ''),
    cpuLimit: String(spec.resources.limits.cpu ?? ''),
    memoryRequest: String(spec.resources.requests.memory ?? ''),
    memoryLimit: String(spec.resources.limits.memory ?? ''),
    gpu: g === undefined || g === null ? '' : String(g),
  };
}

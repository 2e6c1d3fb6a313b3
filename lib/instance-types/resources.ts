// Resource values of an instance type: the checks Azure ML applies to each quantity (and a few stricter ones),
// and the numbers the fit and quota arithmetic works with.
import type { InstanceTypeSpec } from '@/lib/domain';
import { parseQuantity } from '@/lib/quantity';

export const GPU_RESOURCE = 'nvidia.com/gpu';
/** The resources an instance type may set (Azure ML supports exactly these). */
export const INSTANCE_TYPE_RESOURCES = ['cpu', 'memory', GPU_RESOURCE] as const;

/** Smallest values Kubernetes / Azure ML make sense of: 1 millicore, 1 MB of memory (Azure ML's floor). */
export const MIN_CPU_CORES = 0.001;
export const MIN_MEMORY_BYTES = 1e6;

export type Checked = { ok: true; value: number } | { ok: false; message: string };

function describe(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : String(v);
}

/**
 * Checks a cpu or memory request/limit: present, a Kubernetes quantity, greater than zero, and not below the
 * smallest meaningful value. `value` is in cores or bytes.
 */
export function checkCpuMemory(resource: 'cpu' | 'memory', v: unknown): Checked {
  if (v === undefined || v === null || v === '') {
    return { ok: false, message: `is required: Azure ML needs a ${resource} request and a ${resource} limit in every instance type` };
  }
  if (typeof v !== 'string' && typeof v !== 'number') {
    return { ok: false, message: `must be a quantity such as ${resource === 'cpu' ? '"2" or "500m"' : '"4Gi" or "512Mi"'} (got ${typeof v})` };
  }
  const q = parseQuantity(v);
  if (!q.ok) return { ok: false, message: q.reason };
  if (q.value <= 0) {
    return { ok: false, message: `must be greater than zero (got ${describe(v)})` };
  }
  if (resource === 'cpu' && q.value < MIN_CPU_CORES - 1e-12) {
    return { ok: false, message: `must be at least 1m, Kubernetes' smallest CPU unit (got ${describe(v)})` };
  }
  if (resource === 'memory' && q.value < MIN_MEMORY_BYTES) {
    const hint = typeof v === 'number' || /^\d+$/.test(String(v)) ? `; a plain number is bytes, did you mean "${v}Mi" or "${v}Gi"?` : '';
    return { ok: false, message: `must be at least 1M (1 MB; got ${describe(v)} = ${q.value} bytes${hint})` };
  }
  return { ok: true, value: q.value };
}

/**
 * Checks an `nvidia.com/gpu` value: a whole number ≥ 0, written as a number or a string of digits (the CRD's
 * pattern). Fractions ("0.5", "500m") are refused: a GPU is handed out whole by the device plugin.
 * `null` is allowed by the caller as "not set" (Azure ML's documented default has `nvidia.com/gpu: null`).
 */
export function checkGpu(v: unknown): Checked {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { ok: false, message: `must be a whole number of GPUs (got ${v})` };
    if (v < 0) return { ok: false, message: `must be 0 or more (got ${v})` };
    if (!Number.isInteger(v)) {
      return { ok: false, message: `must be a whole number of GPUs: fractional GPUs are not supported (got ${v})` };
    }
    return { ok: true, value: v };
  }
  if (typeof v === 'string') {
    if (/^[0-9]+$/.test(v)) return { ok: true, value: Number(v) };
    const q = parseQuantity(v);
    if (q.ok && q.value < 0) return { ok: false, message: `must be 0 or more (got "${v}")` };
    if (q.ok && !Number.isInteger(q.value)) {
      return { ok: false, message: `must be a whole number of GPUs: fractional GPUs are not supported (got "${v}")` };
    }
    if (q.ok) return { ok: false, message: `must be written as a plain whole number such as "1" or 1 (got "${v}")` };
    return { ok: false, message: `must be a whole number of GPUs such as 1 (got "${v}")` };
  }
  return { ok: false, message: `must be a whole number of GPUs such as 1 (got ${typeof v})` };
}

/** Requests and limits of an instance type in base units (cores, bytes, GPUs). */
export interface InstanceTypeAmounts {
  requests: { cpu: number; memory: number; gpu: number };
  limits: { cpu: number; memory: number; gpu: number };
}

/**
 * Numbers of a (validated) instance type. GPUs: Kubernetes uses the limit as the request for extended
 * resources, so the GPU request is the limit when only the limit is set.
 */
export function instanceTypeAmounts(spec: InstanceTypeSpec): InstanceTypeAmounts {
  const num = (v: unknown, what: string): number => {
    if (v === undefined || v === null) return 0;
    const q = parseQuantity(v);
    if (!q.ok) throw new Error(`instance type "${spec.name}": ${what}: ${q.reason}`);
    return q.value;
  };
  const r = spec.resources.requests ?? {};
  const l = spec.resources.limits ?? {};
  const gpuLimit = num(l[GPU_RESOURCE], `limits.${GPU_RESOURCE}`);
  const gpuRequest = r[GPU_RESOURCE] === undefined || r[GPU_RESOURCE] === null ? gpuLimit : num(r[GPU_RESOURCE], `requests.${GPU_RESOURCE}`);
  return {
    requests: { cpu: num(r.cpu, 'requests.cpu'), memory: num(r.memory, 'requests.memory'), gpu: gpuRequest },
    limits: { cpu: num(l.cpu, 'limits.cpu'), memory: num(l.memory, 'limits.memory'), gpu: gpuLimit },
  };
}

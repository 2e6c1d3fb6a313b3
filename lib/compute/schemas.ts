// Compute targets (a cluster attached to a workspace): one zod schema for the console's forms and the
// server's actions. Names follow Azure ML's rule for compute names; namespaces are DNS-1123 labels that
// Harbormaster may create; quotas are Kubernetes quantities that become a ResourceQuota.
import { z } from 'zod';
import { validateComputeTargetName, validateDns1123Label, validateDns1123Subdomain } from '@/lib/k8s-names';
import { checkCpuMemory, checkGpu, GPU_RESOURCE } from '@/lib/instance-types/resources';
import { parseQuantity } from '@/lib/quantity';

/** Namespaces a compute target may not use: the control plane's and the ML extension's own. */
export const RESERVED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'azureml'] as const;

/** Namespace label that marks a namespace as a compute namespace (the isolation NetworkPolicy selects on it). */
export const COMPUTE_NAMESPACE_LABEL = 'harbormaster.io/compute-namespace';

const issue = (ctx: z.RefinementCtx, message: string, path: (string | number)[] = []) => ctx.addIssue({ code: 'custom', message, path });

export const computeTargetName = z.string({ error: 'is required' }).superRefine((v, ctx) => {
  const p = validateComputeTargetName(v);
  if (p) issue(ctx, p);
});

export const workspaceRef = z.string({ error: 'is required' }).min(1, 'is required').max(63);
export const clusterRef = z.string({ error: 'is required' }).superRefine((v, ctx) => {
  const p = validateDns1123Label(v);
  if (p) issue(ctx, p);
});

export const namespaceName = z.string().superRefine((v, ctx) => {
  const p = validateDns1123Label(v);
  if (p) return issue(ctx, `namespace ${p}`);
  if ((RESERVED_NAMESPACES as readonly string[]).includes(v)) {
    issue(ctx, v === 'azureml' ? 'is the ML extension\'s own namespace: workloads must run elsewhere' : `is a Kubernetes system namespace: workloads must not run there`);
  }
});

export const instanceTypeName = z.string().superRefine((v, ctx) => {
  const p = validateDns1123Subdomain(v);
  if (p) issue(ctx, `instance type name ${p}`);
});

/** The namespace a target gets when none is given: `<workspace>-<target>`, lower-case, at most 63 characters. */
export function defaultNamespaceFor(workspace: string, target: string): string {
  return `${workspace}-${target}`.toLowerCase().slice(0, 63).replace(/-+$/, '');
}

/** Blank form fields count as "not set". */
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

function quotaField(kind: 'cpu' | 'memory' | 'gpu' | 'pods') {
  return z
    .union([z.string(), z.number()], { error: 'must be a quantity such as "8", "32Gi"' })
    .nullish()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const t = trimmed(v) as string | number;
      if (kind === 'cpu' || kind === 'memory') {
        const r = checkCpuMemory(kind, t);
        if (!r.ok) {
          issue(ctx, r.message.replace(/^is required.*$/, 'is required'));
          return z.NEVER;
        }
        return String(t);
      }
      if (kind === 'gpu') {
        const r = checkGpu(t);
        if (!r.ok) {
          issue(ctx, r.message);
          return z.NEVER;
        }
        return String(r.value);
      }
      const q = parseQuantity(t);
      if (!q.ok || !Number.isInteger(q.value) || q.value < 1) {
        issue(ctx, `must be a whole number of pods, at least 1 (got ${JSON.stringify(v)})`);
        return z.NEVER;
      }
      return String(q.value);
    });
}

/** Optional quota of a target; each resource optional. Becomes a ResourceQuota on requests (and pod count). */
export const quotaInput = z
  .strictObject({ cpu: quotaField('cpu'), memory: quotaField('memory'), gpu: quotaField('gpu'), pods: quotaField('pods') })
  .transform((q) => {
    const out: ComputeQuota = {};
    if (q.cpu !== undefined) out.cpu = q.cpu;
    if (q.memory !== undefined) out.memory = q.memory;
    if (q.gpu !== undefined) out.gpu = q.gpu;
    if (q.pods !== undefined) out.pods = q.pods;
    return Object.keys(out).length ? out : null;
  });

export interface ComputeQuota {
  cpu?: string;
  memory?: string;
  gpu?: string;
  pods?: string;
}

const allowedList = z
  .array(instanceTypeName, { error: 'must be a list of instance type names (or null for all)' })
  .max(200)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((n, i) => {
      if (seen.has(n)) issue(ctx, `"${n}" is listed twice`, [i]);
      seen.add(n);
    });
  })
  .nullish();

const description = z.string().max(500, 'at most 500 characters');

export const attachComputeInput = z.strictObject({
  workspace: workspaceRef,
  name: computeTargetName,
  cluster: clusterRef,
  /** Default `<workspace>-<name>`; created when missing unless createNamespace is false. */
  namespace: namespaceName.optional(),
  createNamespace: z.boolean().default(true),
  defaultInstanceType: instanceTypeName.default('defaultinstancetype'),
  /** null or absent: every instance type of the cluster. */
  allowedInstanceTypes: allowedList,
  quota: quotaInput.nullish(),
  description: description.optional(),
  /** Required to put a second target on a namespace another target already uses. */
  confirmSharedNamespace: z.boolean().optional(),
});
export type AttachComputeInput = z.input<typeof attachComputeInput>;

export const updateComputeInput = z.strictObject({
  workspace: workspaceRef,
  name: computeTargetName,
  defaultInstanceType: instanceTypeName.optional(),
  allowedInstanceTypes: allowedList,
  /** null removes the quota (and its ResourceQuota). */
  quota: quotaInput.nullish(),
  description: description.optional(),
});
export type UpdateComputeInput = z.input<typeof updateComputeInput>;

export const detachComputeInput = z.strictObject({
  workspace: workspaceRef,
  name: computeTargetName,
  /** Detach even though Harbormaster workloads still run there (they are deleted). */
  force: z.boolean().optional(),
  /** Delete the namespace even if Harbormaster did not create it (never a shared one). */
  deleteNamespace: z.boolean().optional(),
});

/** The ResourceQuota `spec.hard` for a quota: requests (what the scheduler and "can start now" count) and pods. */
export function quotaToHard(q: ComputeQuota): Record<string, string> {
  const hard: Record<string, string> = {};
  if (q.cpu !== undefined) hard['requests.cpu'] = q.cpu;
  if (q.memory !== undefined) hard['requests.memory'] = q.memory;
  if (q.gpu !== undefined) hard[`requests.${GPU_RESOURCE}`] = q.gpu;
  if (q.pods !== undefined) hard.pods = q.pods;
  return hard;
}

/** Quota in base units (cores, bytes, GPUs, pods); absent = no limit. */
export function quotaAmounts(q: ComputeQuota | null | undefined): { cpu: number | null; memory: number | null; gpu: number | null; pods: number | null } {
  const n = (v: string | undefined) => {
    if (v === undefined) return null;
    const r = parseQuantity(v);
    return r.ok ? r.value : null;
  };
  return { cpu: n(q?.cpu), memory: n(q?.memory), gpu: n(q?.gpu), pods: n(q?.pods) };
}

// Taints and tolerations: Kubernetes' matching rules (k8s.io/api/core/v1 Toleration.ToleratesTaint) and the
// taints Azure ML workloads tolerate automatically (reference-kubernetes.md, "Supported Azure Machine
// Learning taints and tolerations").
import type { Taint } from '@/lib/domain';

/** A toleration, as in core/v1. */
export interface Toleration {
  key?: string;
  /** `Equal` (default) or `Exists`. */
  operator?: 'Exists' | 'Equal';
  value?: string;
  /** Empty = every effect. */
  effect?: '' | Taint['effect'];
  tolerationSeconds?: number;
}

/**
 * Kubernetes' rule: the effect matches (or the toleration has none); the key matches (an empty key with
 * `Exists` matches every key); `Exists` ignores the value, `Equal` (or no operator) compares it.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if ((toleration.key ?? '') !== '' && toleration.key !== taint.key) return false;
  const op = toleration.operator ?? 'Equal';
  if (op === 'Exists') return true;
  // An empty key is only valid with Exists; with Equal it matches only a taint whose key is empty too.
  if ((toleration.key ?? '') === '' && taint.key !== '') return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** True when any of `tolerations` tolerates `taint`. */
export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** Taints that keep pods off a node (PreferNoSchedule only discourages, so it does not count). */
export function isHardTaint(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';
}

/** `key=value:Effect`, as kubectl prints taints. */
export function formatTaint(taint: Taint): string {
  return `${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
}

/** Azure ML taint keys (reference-kubernetes.md). */
export const AML_TAINTS = {
  /** `true`: every Azure ML pod (system and workload) tolerates it. */
  overall: 'ml.azure.com/amlarc',
  /** `true`: only extension system pods tolerate it. */
  system: 'ml.azure.com/amlarc-system',
  /** `true`: only ML workload pods tolerate it. */
  workload: 'ml.azure.com/amlarc-workload',
  /** `<resource group>`: workloads of that resource group. */
  resourceGroup: 'ml.azure.com/resource-group',
  /** `<workspace>`: workloads of that workspace. */
  workspace: 'ml.azure.com/workspace',
  /** `<compute>`: workloads of that compute target. */
  compute: 'ml.azure.com/compute',
} as const;

/** Every `ml.azure.com/*` taint key Azure ML defines. */
export const AML_TAINT_KEYS: readonly string[] = Object.values(AML_TAINTS);

/** Taint keys ML workloads tolerate whatever their value is scoped to (the scoped ones need the right value). */
export const AML_WORKLOAD_TAINT_KEYS: readonly string[] = [
  AML_TAINTS.overall, AML_TAINTS.workload, AML_TAINTS.resourceGroup, AML_TAINTS.workspace, AML_TAINTS.compute,
];

/**
 * The tolerations an ML workload of a compute target gets automatically, as Azure ML does: the overall and
 * workload taints (value `true`), and the resource-group / workspace / compute taints whose value is this
 * workload's own. Every effect is tolerated. The system taint is not: it keeps nodes for extension pods.
 */
export function amlWorkloadTolerations(scope: { workspace?: string; compute?: string; resourceGroup?: string } = {}): Toleration[] {
  const out: Toleration[] = [
    { key: AML_TAINTS.overall, operator: 'Equal', value: 'true' },
    { key: AML_TAINTS.workload, operator: 'Equal', value: 'true' },
  ];
  if (scope.resourceGroup) out.push({ key: AML_TAINTS.resourceGroup, operator: 'Equal', value: scope.resourceGroup });
  if (scope.workspace) out.push({ key: AML_TAINTS.workspace, operator: 'Equal', value: scope.workspace });
  if (scope.compute) out.push({ key: AML_TAINTS.compute, operator: 'Equal', value: scope.compute });
  return out;
}

/** The tolerations of the extension's own pods (router, device plugin): overall and system taints. */
export function amlSystemTolerations(): Toleration[] {
  return [
    { key: AML_TAINTS.overall, operator: 'Equal', value: 'true' },
    { key: AML_TAINTS.system, operator: 'Equal', value: 'true' },
  ];
}

/**
 * Taints the node lifecycle controller adds for conditions (cordon, NotReady, pressure). They describe the
 * node's state, not a dedication, so the fit reports them as "unavailable" rather than "untolerated".
 */
export const CONDITION_TAINT_PREFIX = 'node.kubernetes.io/';
export function isConditionTaint(taint: Taint): boolean {
  return taint.key.startsWith(CONDITION_TAINT_PREFIX) || taint.key.startsWith('node.cloudprovider.kubernetes.io/');
}

// Which taints an ML workload tolerates, so that "how many fit" and what job submission does agree.
//
// Rule: a workload tolerates Azure ML's automatic ml.azure.com/* taints (for its own workspace and compute),
// plus the taints of the nodes its instance type deliberately selects — an instance type with a nodeSelector
// (e.g. `kubernetes.azure.com/agentpool: gpupool`) is a promise to run on that pool, whose taint
// (`sku=gpu:NoSchedule`) exists to keep *other* work away. An instance type without a nodeSelector selects no
// pool, so it tolerates nothing extra: a GPU size without a selector cannot use tainted GPU nodes, and the fit
// says so ("untolerated taint"). Never tolerated this way: node-condition taints (cordon, NotReady, pressure),
// and ml.azure.com/* taints (scoped to other workspaces/computes, or reserved for the extension's system pods).
import type { InstanceTypeSpec, Taint } from '@/lib/domain';
import { AML_TAINT_KEYS, amlWorkloadTolerations, isConditionTaint, isHardTaint, type Toleration } from '@/lib/instance-types/tolerations';
import { combineNodeSelectors, matchesSelector } from '@/lib/instance-types/fit';

export interface PlacementNode {
  name: string;
  labels?: Record<string, string>;
  taints?: Taint[];
}

/**
 * The taints of the nodes an instance type selects (its own nodeSelector ANDed with the extension's) that its
 * workloads tolerate. Empty when the instance type has no nodeSelector of its own.
 */
export function placementTaints(instanceType: Pick<InstanceTypeSpec, 'nodeSelector'>, nodes: readonly PlacementNode[], extensionNodeSelector?: Record<string, string>): Taint[] {
  if (!instanceType.nodeSelector || Object.keys(instanceType.nodeSelector).length === 0) return [];
  const { selector, conflicts } = combineNodeSelectors(instanceType.nodeSelector, extensionNodeSelector);
  if (conflicts.length) return [];
  const out = new Map<string, Taint>();
  for (const n of nodes) {
    if (!matchesSelector(n.labels, selector)) continue;
    for (const t of n.taints ?? []) {
      if (!isHardTaint(t) || isConditionTaint(t) || AML_TAINT_KEYS.includes(t.key)) continue;
      out.set(`${t.key}=${t.value ?? ''}:${t.effect}`, t);
    }
  }
  return [...out.values()].sort((a, b) => a.key.localeCompare(b.key) || (a.value ?? '').localeCompare(b.value ?? '') || a.effect.localeCompare(b.effect));
}

/** A toleration matching exactly one taint (Exists when the taint has no value). */
export function tolerationFor(t: Taint): Toleration {
  return t.value === undefined || t.value === '' ? { key: t.key, operator: 'Exists', effect: t.effect } : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect };
}

/** Every toleration a workload of this instance type on this compute target carries. */
export function workloadTolerations(
  instanceType: Pick<InstanceTypeSpec, 'nodeSelector'>,
  nodes: readonly PlacementNode[],
  opts: { extensionNodeSelector?: Record<string, string>; workspace?: string; compute?: string; resourceGroup?: string } = {},
): Toleration[] {
  return [
    ...amlWorkloadTolerations({ workspace: opts.workspace, compute: opts.compute, resourceGroup: opts.resourceGroup }),
    ...placementTaints(instanceType, nodes, opts.extensionNodeSelector).map(tolerationFor),
  ];
}

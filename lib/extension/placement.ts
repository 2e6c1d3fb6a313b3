// Can the inference router be placed? Azure ML answers this with E40002 INSUFFICIENT_NODE after a failed
// install, and users report it even with inferenceRouterHA=false when nodeSelector narrows the nodes
// (reference §8.8). We check before installing and name the nodes that do and don't qualify.
import type { ExtensionSettings, Taint } from '@/lib/domain';

export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  ready?: boolean;
}

export interface PlacementCheck {
  ok: boolean;
  needed: number;
  eligible: string[];
  /** Node name → why the router cannot run there. */
  excluded: Record<string, string>;
  message: string;
}

/** Replicas the router runs with these settings. */
export function routerReplicas(settings: Pick<ExtensionSettings, 'inferenceRouterHA'>): number {
  return settings.inferenceRouterHA ? 3 : 1;
}

export function checkRouterPlacement(settings: ExtensionSettings, nodes: NodeFacts[]): PlacementCheck {
  const needed = routerReplicas(settings);
  const eligible: string[] = [];
  const excluded: Record<string, string> = {};
  for (const n of nodes) {
    const mismatch = Object.entries(settings.nodeSelector).find(([k, v]) => n.labels[k] !== v);
    if (mismatch) {
      excluded[n.name] = `label ${mismatch[0]}=${mismatch[1]} missing`;
      continue;
    }
    if (n.unschedulable) { excluded[n.name] = 'cordoned'; continue; }
    if (n.ready === false) { excluded[n.name] = 'not ready'; continue; }
    // The router tolerates no taints: a NoSchedule/NoExecute taint keeps it off the node.
    const taint = (n.taints ?? []).find((t) => t.effect !== 'PreferNoSchedule');
    if (taint) { excluded[n.name] = `taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`; continue; }
    eligible.push(n.name);
  }
  const ok = eligible.length >= needed;
  const selector = Object.keys(settings.nodeSelector).length
    ? ` matching nodeSelector ${Object.entries(settings.nodeSelector).map(([k, v]) => `${k}=${v}`).join(',')}`
    : '';
  const message = ok
    ? `${eligible.length} node(s)${selector} can run the router (${needed} needed)`
    : `the router needs ${needed} schedulable node(s)${selector}${needed > 1 ? ' (inferenceRouterHA=true puts each replica on a different node)' : ''}, but only ${eligible.length} qualif${eligible.length === 1 ? 'ies' : 'y'}${eligible.length ? `: ${eligible.join(', ')}` : ''}. ` +
      (needed > 1 ? 'Set inferenceRouterHA=false, or label or add nodes.' : 'Label or add a node, or relax nodeSelector.');
  return { ok, needed, eligible, excluded, message };
}

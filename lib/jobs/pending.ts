// "Why is my job pending", in plain words (issue: run and watch jobs). Pure: the server feeds it the job's
// pods (the real scheduler's PodScheduled=False message, the kubelet's waiting reasons), the Job's events
// (FailedCreate: a ResourceQuota refusal) and, per node that the job's instance type selects, what is free —
// and gets reasons with numbers that mean something ("needs 8 nvidia.com/gpu per instance; the most free on
// one node of pool gpupool is 4"), never "the cluster can provide 0.00 vCPU".

export type PendingCode =
  | 'insufficient'
  | 'node_selector'
  | 'untolerated_taint'
  | 'nodes_unschedulable'
  | 'nodes_not_ready'
  | 'quota'
  | 'image_pull'
  | 'pvc'
  | 'waiting';

export interface PendingReason {
  code: PendingCode;
  /** The resource that is short (cpu, memory, nvidia.com/gpu, pods). */
  resource?: string;
  /** What one instance asks for, in the resource's words ("8", "16Gi", "500m"). */
  requested?: string;
  /** The most that is free on any one node the job may use. */
  freeMax?: string;
  /** The node pool(s) the job's instance type selects. */
  pool?: string;
  /** How many nodes the scheduler counted for this reason. */
  nodes?: number;
  message: string;
}

export interface PendingAlternative {
  computeTarget: string;
  instanceType: string;
  canStartNow: number;
}

export interface PendingExplanation {
  reasons: PendingReason[];
  alternatives: PendingAlternative[];
}

export interface PendingPod {
  name: string;
  scheduled: boolean;
  problem?: { reason: string; message: string };
}

export interface PendingEvent {
  reason: string;
  message: string;
  type: string;
}

/** Per node the instance type selects: its pool and what is free now, in base units (cores, bytes, GPUs, pods). */
export interface PendingNode {
  name: string;
  pool: string | null;
  /** Counted by the fit (Ready, schedulable, taints tolerated). */
  usable: boolean;
  free: Record<string, number>;
  /** Taints of this node the job does not tolerate ("sku=gpu:NoSchedule"). */
  untolerated?: string[];
}

export interface PendingInput {
  pods: PendingPod[];
  events: PendingEvent[];
  instanceType: { name: string; requests: Record<string, number> };
  /** Nodes whose labels match the instance type's (and the extension's) node selector. */
  nodes: PendingNode[];
  /** Nodes in the cluster (the scheduler's "0/N"). */
  totalNodes: number;
  alternatives?: PendingAlternative[];
}

const GiB = 1024 ** 3;

/** A resource amount in the words people use for it (cores, Gi, whole GPUs). */
export function formatResource(resource: string, v: number): string {
  if (resource === 'cpu') return Number.isInteger(v) ? String(v) : `${Math.round(v * 1000)}m`;
  if (resource === 'memory' || resource.endsWith('storage')) {
    const g = v / GiB;
    return g >= 1 ? `${Number.isInteger(g) ? g : g.toFixed(1)}Gi` : `${Math.round(v / 1024 ** 2)}Mi`;
  }
  return String(Math.floor(v));
}

const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** The scheduler's "0/7 nodes are available: 2 Insufficient nvidia.com/gpu, 5 node(s) didn't match …" parts. */
export function parseSchedulerMessage(message: string): Array<{ count: number; text: string }> {
  const m = /^\s*\d+\/(\d+) nodes are available:\s*(.*?)(?:\s*preemption:.*)?$/s.exec(message);
  if (!m) return [];
  return m[2]
    .replace(/\.\s*$/, '')
    .split(/,\s+(?=\d+ )/)
    .map((part) => {
      const p = /^(\d+)\s+(.*)$/.exec(part.trim());
      return p ? { count: Number(p[1]), text: p[2].replace(/\.$/, '') } : { count: 0, text: part.trim() };
    })
    .filter((p) => p.text);
}

export function explainPending(input: PendingInput): PendingExplanation {
  const reasons: PendingReason[] = [];
  const seen = new Set<string>();
  const add = (r: PendingReason) => {
    const key = `${r.code}:${r.resource ?? ''}:${r.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    reasons.push(r);
  };
  const pools = uniq(input.nodes.map((n) => n.pool).filter((p): p is string => !!p));
  const poolText = pools.length ? pools.join(', ') : undefined;
  const where = poolText ? `pool ${poolText}` : 'the nodes it may use';

  // 1. The scheduler's verdict, part by part.
  const unscheduled = input.pods.filter((p) => !p.scheduled && p.problem);
  for (const pod of unscheduled) {
    const parts = parseSchedulerMessage(pod.problem!.message);
    if (!parts.length) {
      add({ code: 'waiting', message: `${pod.problem!.reason}: ${pod.problem!.message}` });
      continue;
    }
    for (const part of parts) {
      const ins = /^Insufficient (\S+)$/.exec(part.text);
      if (ins) {
        const resource = ins[1];
        const want = input.instanceType.requests[resource] ?? 0;
        const usable = input.nodes.filter((n) => n.usable);
        const freeMax = usable.length ? Math.max(...usable.map((n) => n.free[resource] ?? 0)) : 0;
        const requested = formatResource(resource, want);
        const free = formatResource(resource, Math.max(0, freeMax));
        add({
          code: 'insufficient',
          resource,
          requested,
          freeMax: free,
          pool: poolText,
          nodes: part.count,
          message: !usable.length
            ? `needs ${requested} ${resource} per instance, and no usable node of ${where} is available`
            : want > Math.max(...usable.map((n) => (n.free[resource] ?? 0) + 0))
              ? `needs ${requested} ${resource} per instance; the most free on one node of ${where} is ${free} (${part.count} node${part.count === 1 ? '' : 's'} short of ${resource})`
              : `${part.count} node${part.count === 1 ? ' has' : 's have'} too little ${resource} free for ${requested} per instance`,
        });
        continue;
      }
      if (/didn't match Pod's node affinity\/selector|didn't match node selector/.test(part.text)) {
        add({ code: 'node_selector', nodes: part.count, pool: poolText, message: `${part.count} node${part.count === 1 ? ' is' : 's are'} outside ${poolText ? `pool ${poolText}` : 'the pools'} that instance type ${input.instanceType.name} selects` });
        continue;
      }
      const taint = /untolerated taint(?:\(s\)|s)?\s*\{?([^}]*)\}?/.exec(part.text);
      if (taint) {
        // Recent schedulers no longer name the taint: the nodes do.
        const named = taint[1].trim() || uniq(input.nodes.flatMap((n) => n.untolerated ?? [])).join(', ');
        add({ code: 'untolerated_taint', nodes: part.count, message: `${part.count} node${part.count === 1 ? ' has' : 's have'} a taint the job does not tolerate${named ? `: ${named}` : ''}` });
        continue;
      }
      if (/were unschedulable|unschedulable/.test(part.text)) {
        add({ code: 'nodes_unschedulable', nodes: part.count, message: `${part.count} node${part.count === 1 ? ' is' : 's are'} cordoned (unschedulable)` });
        continue;
      }
      if (/not ready|NotReady|unreachable/.test(part.text)) {
        add({ code: 'nodes_not_ready', nodes: part.count, message: `${part.count} node${part.count === 1 ? ' is' : 's are'} not Ready` });
        continue;
      }
      if (/persistentvolumeclaim|PersistentVolumeClaim|volume/i.test(part.text)) {
        add({ code: 'pvc', nodes: part.count, message: part.text });
        continue;
      }
      add({ code: 'waiting', nodes: part.count, message: `${part.count} node${part.count === 1 ? '' : 's'}: ${part.text}` });
    }
  }

  // 2. Pods that could not even be created: a ResourceQuota refusal (the Job controller's FailedCreate).
  for (const e of input.events) {
    if (e.reason !== 'FailedCreate') continue;
    const q = /exceeded quota: ([^,]+), requested: ([^,]+(?:,[^,]+)*?), used: ([^,]+(?:,[^,]+)*?), limited: (.+)$/.exec(e.message);
    if (q) {
      add({ code: 'quota', message: `the compute target's quota ${q[1]} is used up: requested ${q[2]}, already used ${q[3]}, limit ${q[4]}` });
    } else if (/forbidden|quota/i.test(e.message)) {
      add({ code: 'quota', message: e.message });
    }
  }

  // 3. Scheduled but not starting: image pulls, volumes.
  for (const pod of input.pods.filter((p) => p.scheduled && p.problem)) {
    const { reason, message } = pod.problem!;
    if (/ImagePull|ErrImage|InvalidImageName/.test(reason)) add({ code: 'image_pull', message: `pod ${pod.name} cannot pull its image: ${message}` });
    else if (/Volume|Mount|ContainerCreating/.test(reason) && /volume|mount|claim/i.test(message)) add({ code: 'pvc', message: `pod ${pod.name}: ${message}` });
  }

  // Nodes outside the pool the instance type selects are out by design: worth saying only when nothing else is.
  const useful = reasons.some((r) => r.code !== 'node_selector') ? reasons.filter((r) => r.code !== 'node_selector') : reasons;
  return { reasons: useful, alternatives: input.alternatives ?? [] };
}

/** The explanation as sentences for the page. */
export function pendingSentences(p: PendingExplanation): string[] {
  const out = p.reasons.map((r) => r.message.charAt(0).toUpperCase() + r.message.slice(1) + '.');
  if (p.alternatives.length) {
    out.push(
      `Would start now instead: ${p.alternatives
        .slice(0, 3)
        .map((a) => `${a.instanceType} on ${a.computeTarget} (${a.canStartNow} instance${a.canStartNow === 1 ? '' : 's'})`)
        .join('; ')}.`,
    );
  }
  return out;
}

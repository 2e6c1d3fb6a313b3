import 'server-only';
import type { KubeClient } from './client';
import { deleteObject, describeRef, getObject, serverSideApply } from './apply';
import { UNREACHABLE_REASONS, isKubeError, KubeError, type KubeErrorReason } from './errors';

// The one plan-and-apply layer (DESIGN §3): every feature that changes a cluster describes the change as a
// plan — an ordered list of steps, each "apply this object" (server-side apply, field manager `harbormaster`)
// or "delete this object" — and hands it to applyPlan. The same plan runs as a server-side dry run when an
// action validates, and for real when the reconciler carries out the action's intent after commit.
//
// One error classification for all of them:
//   refused      the API server answered and said no (invalid, forbidden, conflict, a namespace that does
//                not exist, …): retrying the same plan will not help, the caller's record shows the message
//   unreachable  the API server could not be asked (network, TLS, timeout, 5xx, 429): retry later
// Steps are idempotent (SSA with deterministic names; delete of an absent object is "absent"), so a plan
// that stopped half-way is finished by running it again.

/** An object as Harbormaster sends it to the API server (wire form: what server-side apply sends). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/** Which object: what reads and deletes name. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
}

/**
 * A typed manifest (client-node's V1Job, V1Secret …, a custom resource's interface) as a KubeObject: checks
 * the fields the API server needs instead of casting them into being.
 */
export function kubeObject(o: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } }): KubeObject {
  if (!o.apiVersion || !o.kind || !o.metadata?.name) {
    throw new Error(`not a Kubernetes object: ${o.kind ?? '(no kind)'} ${o.metadata?.name ?? '(no name)'} lacks apiVersion, kind or metadata.name`);
  }
  return o as KubeObject;
}

export type PlanStep =
  | { op: 'apply'; object: KubeObject }
  | {
      op: 'delete';
      ref: ObjectRef;
      /** Only delete when the stored object carries these labels (never delete what we do not own). */
      ifLabels?: Record<string, string>;
    };

export type VerdictOutcome = 'applied' | 'deleted' | 'absent' | 'refused' | 'unreachable' | 'skipped';

export interface StepVerdict {
  op: PlanStep['op'];
  /** "Job vision-train/abc" */
  object: string;
  kind: string;
  name: string;
  namespace?: string;
  outcome: VerdictOutcome;
  /** The API server's message (refused / unreachable). */
  message?: string;
  /** Why the call failed, precisely (connection_refused, invalid, forbidden, …). */
  reason?: KubeErrorReason;
  /** The field paths the API server named. */
  fields?: Array<{ path: string; message: string }>;
  /** uid of the stored object (applied). */
  uid?: string;
  /** resourceVersion of the stored object (applied, not in a dry run): unchanged when the apply changed nothing. */
  resourceVersion?: string;
}

export interface PlanResult {
  /** Every step done (or, dry run, accepted). */
  ok: boolean;
  /** The first failing step was unreachable (retry) rather than refused (final). */
  unreachable: boolean;
  verdicts: StepVerdict[];
  /** The first failure's message, prefixed with its object. */
  message?: string;
}

export type ErrorClass = 'refused' | 'unreachable';

/** The one classification of a failed cluster call. */
export function classifyKubeError(e: unknown): ErrorClass {
  if (!isKubeError(e)) return 'unreachable';
  if (UNREACHABLE_REASONS.has(e.reason) || e.reason === 'too_many_requests' || e.reason === 'unknown') return 'unreachable';
  return 'refused';
}

/** The API server's words for a refusal (the Status message, and each cause with its field). */
export function refusalOf(e: unknown): { message: string; fields: Array<{ path: string; message: string }> } {
  if (isKubeError(e)) {
    const k = e as KubeError;
    const causes = k.kubeStatus?.details?.causes ?? [];
    return { message: k.kubeStatus?.message ?? k.message, fields: causes.map((c) => ({ path: c.field ?? '(object)', message: c.message ?? c.reason ?? 'invalid' })) };
  }
  return { message: (e as Error)?.message ?? String(e), fields: [] };
}

/** Apply each object, in order. */
export const applySteps = (objects: readonly KubeObject[]): PlanStep[] => objects.map((object) => ({ op: 'apply' as const, object }));

/** Delete each object, in order. */
export const deleteSteps = (refs: readonly ObjectRef[]): PlanStep[] => refs.map((ref) => ({ op: 'delete' as const, ref }));

const refOfStep = (s: PlanStep): ObjectRef => (s.op === 'apply' ? refOf(s.object) : s.ref);

export interface ApplyPlanOptions {
  dryRun?: boolean;
  /** Per call. */
  timeoutMs?: number;
  /** Dry run: go on after a refused step to report every refusal (default true); a real apply stops. */
  collectAll?: boolean;
  /**
   * Called before each apply with the uids of objects applied so far in this plan, to add ownerReferences
   * (e.g. a Job's Secrets are owned by the Job once it exists).
   */
  beforeApply?: (obj: KubeObject, applied: Map<string, { kind: string; name: string; uid: string; apiVersion: string }>) => KubeObject;
}

/** Runs a plan: each step in order. A real run stops at the first failure; a dry run reports all refusals. */
export async function applyPlan(client: KubeClient, steps: PlanStep[], opts: ApplyPlanOptions = {}): Promise<PlanResult> {
  const dryRun = !!opts.dryRun;
  const collectAll = opts.collectAll ?? dryRun;
  const verdicts: StepVerdict[] = [];
  const applied = new Map<string, { kind: string; name: string; uid: string; apiVersion: string }>();
  let failed: StepVerdict | undefined;
  for (const step of steps) {
    const ref = refOfStep(step);
    const base = { op: step.op, object: describeRef(ref), kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    if (failed && (!collectAll || failed.outcome === 'unreachable')) {
      verdicts.push({ ...base, outcome: 'skipped' });
      continue;
    }
    try {
      if (step.op === 'apply') {
        const obj = opts.beforeApply ? opts.beforeApply(step.object, applied) : step.object;
        const stored = await serverSideApply<{ metadata?: { uid?: string; resourceVersion?: string } }>(client, obj, { dryRun, timeoutMs: opts.timeoutMs });
        const uid = stored?.metadata?.uid;
        const resourceVersion = stored?.metadata?.resourceVersion;
        if (uid) applied.set(`${ref.kind}/${ref.namespace ?? ''}/${ref.name}`, { kind: ref.kind, name: ref.name, uid, apiVersion: ref.apiVersion });
        verdicts.push({ ...base, outcome: 'applied', ...(uid && !dryRun ? { uid } : {}), ...(resourceVersion && !dryRun ? { resourceVersion } : {}) });
      } else {
        if (step.ifLabels) {
          const cur = await getObject<{ metadata?: { labels?: Record<string, string> } }>(client, step.ref, opts.timeoutMs);
          if (!cur) {
            verdicts.push({ ...base, outcome: 'absent' });
            continue;
          }
          const labels = cur.metadata?.labels ?? {};
          if (!Object.entries(step.ifLabels).every(([k, v]) => labels[k] === v)) {
            verdicts.push({ ...base, outcome: 'skipped', message: 'not labelled as Harbormaster’s: left alone' });
            continue;
          }
        }
        const gone = await deleteObject(client, step.ref, { dryRun });
        verdicts.push({ ...base, outcome: gone ? 'deleted' : 'absent' });
      }
    } catch (e) {
      const cls = classifyKubeError(e);
      const r = refusalOf(e);
      const v: StepVerdict = { ...base, outcome: cls, message: r.message, ...(isKubeError(e) ? { reason: e.reason } : {}), ...(r.fields.length ? { fields: r.fields } : {}) };
      verdicts.push(v);
      failed ??= v;
      if (cls === 'unreachable') failed = v;
    }
  }
  const first = verdicts.find((v) => v.outcome === 'refused' || v.outcome === 'unreachable');
  return {
    ok: !first,
    unreachable: first?.outcome === 'unreachable',
    verdicts,
    ...(first ? { message: `${first.object}: ${first.message}` } : {}),
  };
}

/**
 * The first failure of a plan as the error its call raised (reason kept, a refusal naming its object), for
 * callers that report one failure the way they report any failed cluster call; undefined when the plan passed.
 */
export function planError(r: PlanResult): KubeError | undefined {
  const v = r.verdicts.find((x) => x.outcome === 'refused' || x.outcome === 'unreachable');
  return v && new KubeError(v.reason ?? (v.outcome === 'refused' ? 'invalid' : 'unknown'), failureMessage(v));
}

/** "the API server refused ConfigMap azureml/x: <its message>", or why the API server could not be asked. */
export function failureMessage(v: StepVerdict): string {
  return v.outcome === 'refused' ? `the API server refused ${v.object}: ${v.message}` : (v.message ?? v.outcome);
}

/** The refusals of a plan as field errors ("kubernetes.Job/name" or the field the API server named). */
export function planFieldErrors(r: PlanResult): Array<{ path: string; message: string }> {
  return r.verdicts
    .filter((v) => v.outcome === 'refused')
    .flatMap((v) => (v.fields?.length ? v.fields.map((f) => ({ path: `kubernetes.${v.kind}/${v.name}.${f.path.replace(/^\./, '')}`, message: `the API server refused ${v.object}: ${f.message}` })) : [{ path: `kubernetes.${v.kind}/${v.name}`, message: `the API server refused ${v.object}: ${v.message}` }]));
}

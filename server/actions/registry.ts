import 'server-only';
import type { z } from 'zod';
import type { Permission, Principal } from '@/lib/rbac/permissions';
import type { Db, Tx } from '../db';
import type { UserRow } from '../auth/users';
import type { PlanStep } from '../kube/plan';
import type { IntentOutcome, IntentOwner, IntentRequest } from '../runtime/intents';
import type { AzureOperationName } from '../azure/effects';

// Every mutation in Harbormaster is an action declared here (DESIGN §5.2): the same definition serves the
// console's server actions, the REST API and the admin CLI, and one pipeline (server/actions/run.ts) parses,
// authorizes, runs it in a transaction and audits it in that same transaction. The RBAC matrix test walks
// this registry, so an action without a permission cannot be added unnoticed.

export interface ActionContext {
  db: Db;
  tx: Tx;
  user: UserRow;
  principal: Principal;
  requestId: string;
  ip: string | null;
  via: 'ui' | 'api' | 'cli' | 'system';
  /** The console's address as the request reached it (see Caller.origin). */
  origin?: string;
  /** The session the request came with (SHA-256 of its cookie), when it came from a signed-in browser. */
  sessionIdHash?: string;
  /** Validate and show what would change; the transaction is rolled back and external systems get dry-run calls. */
  dryRun: boolean;
  /** What `prepare` returned (calls to external systems made before the transaction), if the action has one. */
  prepared?: unknown;
  /**
   * Cluster effects, carried out after commit (DESIGN §3 "Effects after commit"): never call a cluster to
   * change it inside run(); validate with a server-side dry run there and declare the change here. On a dry
   * run whatever is declared is dropped.
   */
  effects: Effects;
}

export type PrepareContext = Pick<ActionContext, 'db' | 'user' | 'principal' | 'requestId' | 'via' | 'origin' | 'sessionIdHash' | 'dryRun'>;

export interface Effects {
  /** Apply/delete steps on a cluster after commit, through the intent outbox (server/runtime/intents.ts). */
  kube(cluster: { id: string; name: string }, owner: IntentOwner, steps: PlanStep[], opts?: { ownByJobs?: boolean; wait?: boolean }): void;
  /** Run a recorded extension install/upgrade after commit (durable; the request does not wait for it). */
  extensionOperation(cluster: { id: string; name: string }, operationId: string): void;
  /** Re-render the cluster's inference router from the DB once the action committed (after its other intents). */
  routerSync(cluster: { id: string; name: string }, owner: IntentOwner): void;
  /**
   * A change through Azure Resource Manager after commit (server/azure/effects.ts names the operations): durable,
   * retried with backoff (and ARM's Retry-After) while ARM is unreachable or throttles, failed with ARM's message
   * otherwise. The cluster is the registered cluster the change is about. `wait: false` for long operations.
   */
  azure(cluster: { id: string; name: string }, owner: IntentOwner, operation: AzureOperationName, args: Record<string, unknown>, opts?: { wait?: boolean }): void;
  /** In-process work after commit (cache drops, notices to live pages); never on a dry run or a rollback. */
  afterCommit(fn: () => void | Promise<void>): void;
  /** In-process work once every intent of the action was carried out (e.g. wait until the live cache shows it). */
  afterApplied(fn: () => void | Promise<void>): void;
}

/** Collects an action's effects while it runs (runAction records them in its transaction). */
export class EffectSink implements Effects {
  readonly intents: IntentRequest[] = [];
  readonly after: Array<() => void | Promise<void>> = [];
  readonly applied: Array<() => void | Promise<void>> = [];
  kube(cluster: { id: string; name: string }, owner: IntentOwner, steps: PlanStep[], opts: { ownByJobs?: boolean; wait?: boolean } = {}) {
    if (steps.length) this.intents.push({ kind: 'kube.plan', cluster, owner, payload: { steps, ownByJobs: opts.ownByJobs }, wait: opts.wait ?? true });
  }
  extensionOperation(cluster: { id: string; name: string }, operationId: string) {
    this.intents.push({ kind: 'extension.operation', cluster, owner: { type: 'extension', id: cluster.id }, payload: { operationId }, wait: false });
  }
  routerSync(cluster: { id: string; name: string }, owner: IntentOwner) {
    // One is enough per action: it renders whatever the DB holds when it runs.
    if (!this.intents.some((i) => i.kind === 'router.sync' && i.cluster.id === cluster.id)) this.intents.push({ kind: 'router.sync', cluster, owner, payload: {} });
  }
  azure(cluster: { id: string; name: string }, owner: IntentOwner, operation: AzureOperationName, args: Record<string, unknown>, opts: { wait?: boolean } = {}) {
    this.intents.push({ kind: 'azure.arm', cluster, owner, payload: { operation, args }, wait: opts.wait ?? true });
  }
  afterCommit(fn: () => void | Promise<void>) {
    this.after.push(fn);
  }
  afterApplied(fn: () => void | Promise<void>) {
    this.applied.push(fn);
  }
}

export interface AuditRecord {
  targetType: string;
  targetName: string;
  workspace?: string | null;
  before?: unknown;
  after?: unknown;
  /**
   * A line for people reading the log ("2 sessions ended, 1 API token revoked"). Keys of before/after that
   * look like secrets (password, token, …) are redacted whatever their value, so counts of such things go here.
   */
  message?: string;
}

export interface ActionOutcome<O> {
  result: O;
  audit: AuditRecord;
}

export interface ActionDef<S extends z.ZodType = z.ZodType, O = unknown> {
  name: string;
  permission: Permission;
  description: string;
  input: S;
  /** For workspace-scoped permissions: the workspace the raw input names (checked before parsing). */
  workspaceOf?: (raw: Record<string, unknown>) => string | undefined;
  /**
   * The action changes clusters (declares effects.kube / effects.extensionOperation). The pipeline refuses
   * effects from an action without it, and the dry-run test (server/runtime/dry-run.k8s.test.ts) proves
   * that every action with it changes nothing with ?dryRun=true.
   */
  clusterEffects?: true;
  /** A valid input, used by the RBAC matrix test to show that allowed roles get past authorization. */
  example: z.input<S>;
  /**
   * Calls to external systems that only read (e.g. Azure Resource Manager) and must not run inside the DB
   * transaction (DESIGN §3): after authorization and parsing, before the transaction, with the plain db; errors
   * are audited as failures. Its result reaches run() as `ctx.prepared`. Also runs on a dry run.
   */
  prepare?(ctx: PrepareContext, input: z.output<S>): Promise<unknown>;
  run(ctx: ActionContext, input: z.output<S>): Promise<ActionOutcome<O>>;
  /**
   * After commit, once the action's intents were carried out (or the wait ended): shapes the answer from
   * their outcomes, or throws a problem (e.g. the API server refused at apply time). Not called on a dry run.
   */
  settle?(outcomes: IntentOutcome[], result: O, ctx: { db: Db; requestId: string }): Promise<O> | O;
}

const g = globalThis as unknown as { __hmActions?: Map<string, ActionDef> };
const registry: Map<string, ActionDef> = (g.__hmActions ??= new Map());

export function defineAction<S extends z.ZodType, O>(def: ActionDef<S, O>): ActionDef<S, O> {
  registry.set(def.name, def as unknown as ActionDef);
  return def;
}

export function getAction(name: string): ActionDef | undefined {
  return registry.get(name);
}

export function allActions(): ActionDef[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Workspace-scoped actions read the workspace from `workspace` in their input unless they say otherwise. */
export const workspaceFromInput = (raw: Record<string, unknown>) => (typeof raw.workspace === 'string' ? raw.workspace : undefined);

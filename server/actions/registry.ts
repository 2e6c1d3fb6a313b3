import 'server-only';
import type { z } from 'zod';
import type { Permission, Principal } from '@/lib/rbac/permissions';
import type { Db, Tx } from '../db';
import type { UserRow } from '../auth/users';

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
  /** Validate and show what would change; the transaction is rolled back and external systems get dry-run calls. */
  dryRun: boolean;
}

export interface AuditRecord {
  targetType: string;
  targetName: string;
  workspace?: string | null;
  before?: unknown;
  after?: unknown;
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
  /** A valid input, used by the RBAC matrix test to show that allowed roles get past authorization. */
  example: z.input<S>;
  run(ctx: ActionContext, input: z.output<S>): Promise<ActionOutcome<O>>;
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

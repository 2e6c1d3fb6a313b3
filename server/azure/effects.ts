import 'server-only';
import type { Db } from '../db';
import type { ClusterRow } from '../services/clusters';
import { EXTENSION_OPERATIONS } from './effects-extension';
import { COMPUTE_OPERATIONS } from './effects-compute';

// Changes through Azure Resource Manager happen after commit, as `azure.arm` intents (server/runtime/intents.ts):
// an action declares `effects.azure(cluster, owner, '<operation>', args)`; the intent runner calls the operation
// here — durable across restarts, retried while ARM is unreachable or throttling. Each module below owns its
// operations (a plain map, wired by import): extension install/update/remove, compute attach/detach, jobs.

export interface AzureOperationContext {
  intentId: string;
  /** How many times this intent was tried before (0 the first time). */
  attempt: number;
}

/**
 * What an operation answers: done; failed for good (ARM's message, with Harbormaster's explanation); or try again
 * after `retryAfterMs` (ARM unreachable, 429 / 503 with Retry-After, a long-running operation still running).
 */
export type AzureOperationResult = { ok: true } | { ok: false; message: string; retryAfterMs?: number };

export type AzureOperation = (db: Db, cluster: ClusterRow, args: Record<string, unknown>, ctx: AzureOperationContext) => Promise<AzureOperationResult>;

const OPERATIONS = { ...EXTENSION_OPERATIONS, ...COMPUTE_OPERATIONS } satisfies Record<string, AzureOperation>;

export type AzureOperationName = keyof typeof OPERATIONS | (string & {});

export async function runAzureOperation(db: Db, cluster: ClusterRow, operation: AzureOperationName, args: Record<string, unknown>, ctx: AzureOperationContext): Promise<AzureOperationResult> {
  const op = (OPERATIONS as Record<string, AzureOperation>)[operation];
  if (!op) return { ok: false, message: `unknown Azure operation ${operation}` };
  try {
    return await op(db, cluster, args, ctx);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

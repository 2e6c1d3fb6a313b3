import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PERMISSIONS, can, effectiveRole, type Principal } from '@/lib/rbac/permissions';
import { writeAudit, writeAuditAlone, type AuditActor } from '../audit/audit';
import { writeDenial } from '../audit/denials';
import type { Db } from '../db';
import { AppError, isAppError, zodFieldErrors, type FieldError } from '../errors';
import { logger } from '../logger';
import { ensureSystemUser, principalFor, type UserRow } from '../auth/users';
import { EffectSink, getAction, workspaceFromInput, type ActionDef } from './registry';
import { carryOut, enqueueIntents } from '../runtime/intents';
import { env } from '../env';
import './index';

export interface Caller {
  db: Db;
  user: UserRow | null;
  principal: Principal | null;
  requestId: string;
  ip: string | null;
  via: 'ui' | 'api' | 'cli' | 'system';
  /** The console's address as this request reached it (job pods fetch uploaded code from it unless HARBORMASTER_PUBLIC_URL is set). */
  origin?: string;
  /** Why authentication failed (expired token, …), for the 401 message. */
  authFailure?: string;
  /** The session (SHA-256 of its cookie) the caller signed in with; absent for API tokens, the CLI, the system. */
  sessionIdHash?: string;
}

class DryRunRollback extends Error {
  constructor(readonly result: unknown) {
    super('dry run');
  }
}

function actorOf(c: Caller, workspace?: string): AuditActor | null {
  if (!c.user) return null;
  return { id: c.user.id, email: c.user.email, role: c.principal ? effectiveRole(c.principal, workspace) : null };
}

/** Names an audit event records for an attempt; they come from validated input only. */
export interface AuditNames {
  workspace: string | null;
  targetName: string | null;
}

/**
 * A name fit for the audit log although nothing validated the input it came from yet: a plain identifier
 * (workspace, cluster, job, asset, version, UUID) or an e-mail address, at most 255 characters; anything
 * else is not recorded (null).
 */
export function auditableName(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > 255) return null;
  return /^[A-Za-z0-9][A-Za-z0-9._@+:-]*$/.test(v) ? v : null;
}

const notSignedIn = (c: Caller) =>
  new AppError('unauthorized', c.authFailure ? `${c.authFailure}: sign in or send a valid API token` : 'sign in or send a valid API token (Authorization: Bearer <token>)');

/**
 * Refuses a caller who is not signed in: audits the attempt (rate-limited per client, server/audit/denials.ts)
 * with the given names only, then throws 401. The REST layer calls it before reading a request body.
 */
export async function refuseAnonymous(name: string, caller: Caller, names: AuditNames): Promise<never> {
  await writeDenial(caller.db, { requestId: caller.requestId, action: name, ...names, ip: caller.ip, actor: null, outcome: 'denied', message: caller.authFailure ?? 'not signed in' });
  throw notSignedIn(caller);
}

/**
 * The one mutation pipeline: authorize → parse → run in a transaction → audit in that transaction.
 * Denied and failed attempts are audited too (in their own transaction, since the change rolled back);
 * denials are rate-limited per client. Until the input is validated, audited names are `opts.auditNames`
 * (the REST layer passes its route parameters, checked by auditableName) or, for other callers, the input's
 * workspace/name/email when auditableName accepts them.
 */
export interface RunOptions {
  dryRun?: boolean;
  auditNames?: AuditNames;
  /**
   * The front door found the request unfit before it could become the action's input (e.g. an ARM field with no
   * counterpart, server/arm-api): after authorization — a caller the action would not allow is denied as usual —
   * the attempt is refused with these field errors and audited as failed, exactly like invalid input.
   */
  refuse?: { fieldErrors: FieldError[]; code?: 'bad_request' | 'conflict' };
}

export async function runAction<O = unknown>(name: string, rawInput: unknown, caller: Caller, opts: RunOptions = {}): Promise<O> {
  const def = getAction(name) as ActionDef | undefined;
  if (!def) throw new AppError('not_found', `unknown action ${name}`);
  const raw = (rawInput && typeof rawInput === 'object' && !Array.isArray(rawInput) ? rawInput : {}) as Record<string, unknown>;
  const rule = PERMISSIONS[def.permission];
  const workspace = rule.scope === 'workspace' ? (def.workspaceOf ?? workspaceFromInput)(raw) : typeof raw.workspace === 'string' ? raw.workspace : undefined;
  const unvalidated: AuditNames = opts.auditNames ?? { workspace: auditableName(workspace), targetName: auditableName(raw.name) ?? auditableName(raw.email) };
  const early = { requestId: caller.requestId, action: name, ip: caller.ip, ...unvalidated };

  if (!caller.user || !caller.principal) return refuseAnonymous(name, caller, unvalidated);
  if (!can(caller.principal, def.permission, workspace)) {
    await writeDenial(caller.db, { ...early, actor: actorOf(caller, workspace), outcome: 'denied', message: `missing permission ${def.permission}` });
    // A workspace the caller cannot see is reported as not found, so its existence does not leak.
    if (rule.scope === 'workspace' && workspace && !caller.principal.globalRole && !caller.principal.memberOf.includes(workspace)) {
      throw new AppError('not_found', `workspace ${workspace} not found`);
    }
    throw new AppError('forbidden', `you do not have permission to ${rule.description.toLowerCase()} (${def.permission})`);
  }

  const parsed = opts.refuse ? undefined : def.input.safeParse(rawInput ?? {});
  if (!parsed?.success) {
    const fieldErrors = opts.refuse?.fieldErrors ?? zodFieldErrors(parsed!.error.issues as never);
    const detail = fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ');
    await writeAuditAlone(caller.db, { ...early, actor: actorOf(caller, workspace), outcome: 'failed', message: detail });
    throw new AppError(opts.refuse?.code ?? 'bad_request', detail, { fieldErrors });
  }
  // From here on the input is validated: its names are the audited ones.
  const data = (parsed.data && typeof parsed.data === 'object' ? parsed.data : {}) as Record<string, unknown>;
  const target = typeof data.name === 'string' ? data.name : typeof data.email === 'string' ? data.email : null;
  const base = { requestId: caller.requestId, action: name, workspace: workspace ?? null, ip: caller.ip, targetName: target };

  const dryRun = !!opts.dryRun;
  const effects = new EffectSink();
  let committed: { result: O; intentIds: string[] };
  try {
    // External reads first, outside any transaction (an action's `prepare`, e.g. ARM lookups).
    const prepared = def.prepare
      ? await def.prepare({ db: caller.db, user: caller.user, principal: caller.principal, requestId: caller.requestId, via: caller.via, origin: caller.origin, sessionIdHash: caller.sessionIdHash, dryRun }, parsed.data)
      : undefined;
    committed = await caller.db.transaction(async (tx) => {
      const out = await def.run(
        { db: caller.db, tx, user: caller.user!, principal: caller.principal!, requestId: caller.requestId, ip: caller.ip, via: caller.via, origin: caller.origin, sessionIdHash: caller.sessionIdHash, dryRun, effects, prepared },
        parsed.data,
      );
      // A dry run validated everything and computed the result: undo every write, audit nothing, and
      // drop every declared effect (nothing reaches a cluster).
      if (dryRun) throw new DryRunRollback(out.result);
      if (effects.intents.length && !def.clusterEffects) throw new Error(`action ${name} declared cluster effects without clusterEffects: true`);
      const intentIds = await enqueueIntents(tx, effects.intents, { action: name, requestId: caller.requestId });
      await writeAudit(tx, {
        ...base,
        actor: actorOf(caller, workspace),
        outcome: 'success',
        targetType: out.audit.targetType,
        targetName: out.audit.targetName,
        workspace: out.audit.workspace ?? workspace ?? null,
        before: out.audit.before,
        after: out.audit.after,
        message: out.audit.message,
      });
      return { result: out.result as O, intentIds };
    });
  } catch (e) {
    if (e instanceof DryRunRollback) return e.result as O;
    const err = isAppError(e) ? e : unexpected(e, caller.requestId);
    await writeAuditAlone(caller.db, { ...base, actor: actorOf(caller, workspace), outcome: 'failed', message: err.message }).catch((ae) =>
      logger.error({ err: ae, requestId: caller.requestId }, 'could not audit a failed action'),
    );
    throw err;
  }

  // Committed. Cluster effects run now, outside any transaction (DESIGN §3 "Effects after commit").
  if (committed.intentIds.length && env().HARBORMASTER_TEST_CRASH_AFTER_COMMIT === name) {
    // Test-only: die between commit and apply; the next console to start finishes the intents.
    process.kill(process.pid, 'SIGKILL');
  }
  for (const fn of effects.after) {
    try {
      await fn();
    } catch (e) {
      logger.warn({ err: e, requestId: caller.requestId, action: name }, 'after-commit step failed');
    }
  }
  if (!committed.intentIds.length && !def.settle && !effects.applied.length) return committed.result;
  const noWait = new Set(committed.intentIds.filter((_, i) => effects.intents[i].wait === false));
  const outcomes = committed.intentIds.length ? await carryOut(caller.db, committed.intentIds, { noWait }) : [];
  if (outcomes.every((o) => o.status === 'done')) {
    for (const fn of effects.applied) {
      try {
        await fn();
      } catch (e) {
        logger.warn({ err: e, requestId: caller.requestId, action: name }, 'after-apply step failed');
      }
    }
  }
  if (!def.settle) {
    const failed = outcomes.find((o) => o.status === 'failed');
    if (failed) throw new AppError('bad_request', `the change was recorded, but the cluster refused to apply it: ${failed.message}`);
  }
  return def.settle ? ((await def.settle(outcomes, committed.result, { db: caller.db, requestId: caller.requestId })) as O) : committed.result;
}

function unexpected(e: unknown, requestId: string): AppError {
  const id = randomUUID();
  logger.error({ err: e, errorId: id, requestId }, 'unexpected error in action');
  return new AppError('internal', `unexpected error (id ${id}); see the server log`);
}

/** Strict object schema helper: unknown fields are refused and named. */
export const strictObject = z.strictObject;

/**
 * The caller for changes nobody made in a request (bootstrap, demo seeding): the system account
 * (system@harbormaster.invalid, an ops admin that can never sign in), created on first use, so these changes
 * go through the same pipeline and the audit log names `system` as their actor.
 */
export async function systemCaller(db: Db, requestId = 'system'): Promise<Caller> {
  const user = await ensureSystemUser(db);
  return { db, user, principal: await principalFor(db, user), requestId, ip: null, via: 'system' };
}

import 'server-only';
import { can, effectiveRole, PERMISSIONS } from '@/lib/rbac/permissions';
import { writeAuditAlone } from '../audit/audit';
import { getAction } from '../actions/registry';
import { AppError, type FieldError } from '../errors';
import { armAction, type ArmContext } from './http';

// Refusing an ARM body that cannot become the action's input (a field Harbormaster cannot honour, a malformed
// ARM value): in the action pipeline's order and with its record — a caller the action would not allow is
// refused by the action itself (denied and audited as such); anyone else gets the 400 naming the ARM field, and
// the audit log records the failed attempt under the action's name, as runAction does for invalid input.

/** Whether the caller may run the action in this workspace (the route then decides; the action still rules). */
export function mayRun(ctx: ArmContext, action: string): boolean {
  const def = getAction(action);
  return !!def && !!ctx.principal && can(ctx.principal, def.permission, PERMISSIONS[def.permission].scope === 'workspace' ? ctx.workspace : undefined);
}

export async function refuseArmBody(ctx: ArmContext, action: string, fieldErrors: FieldError[], targetName: string | null, code: 'bad_request' | 'conflict' = 'bad_request'): Promise<never> {
  // Not allowed: the action refuses (403/404) and records the denial.
  if (!mayRun(ctx, action)) await armAction(ctx, action, { workspace: ctx.workspace });
  const message = fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ');
  await writeAuditAlone(ctx.db, {
    requestId: ctx.requestId,
    actor: ctx.user ? { id: ctx.user.id, email: ctx.user.email, role: ctx.principal ? effectiveRole(ctx.principal, ctx.workspace) : null } : null,
    action,
    workspace: ctx.workspace,
    targetName,
    ip: ctx.caller.ip,
    outcome: 'failed',
    message,
  });
  throw new AppError(code, message, { fieldErrors });
}

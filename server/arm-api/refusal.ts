import 'server-only';
import { can, PERMISSIONS } from '@/lib/rbac/permissions';
import { getAction } from '../actions/registry';
import { runAction } from '../actions/run';
import type { FieldError } from '../errors';
import type { ArmContext } from './http';

// Refusing an ARM body that cannot become the action's input (a field Harbormaster cannot honour, a malformed
// ARM value): through the action pipeline (runAction's `refuse`), so a caller the action would not allow is denied
// and audited as such, and anyone else gets the 400 (or 409) naming the ARM field, audited as a failed attempt
// under the action's name — exactly as invalid input to the /api/v1 twin.

/** Whether the caller may run the action in this workspace (the route then decides; the action still rules). */
export function mayRun(ctx: ArmContext, action: string): boolean {
  const def = getAction(action);
  return !!def && !!ctx.principal && can(ctx.principal, def.permission, PERMISSIONS[def.permission].scope === 'workspace' ? ctx.workspace : undefined);
}

export async function refuseArmBody(ctx: ArmContext, action: string, fieldErrors: FieldError[], targetName: string | null, code: 'bad_request' | 'conflict' = 'bad_request'): Promise<never> {
  await runAction(action, { workspace: ctx.workspace }, ctx.caller, { auditNames: { workspace: ctx.workspace, targetName }, refuse: { fieldErrors, code } });
  throw new Error(`${action} accepted a refused request`); // unreachable: runAction throws with `refuse`
}

// The permission table's answer for the test cast's callers (test/fixtures.ts createCast), computed from the
// table's data — not through the code under test. Used by the RBAC matrices of /api/v1's actions and of /arm/.
import type { PermissionRule } from '@/lib/rbac/permissions';

export type Who = 'anonymous' | 'admin' | 'dsVision' | 'dsForecasting' | 'auditor';
export const CALLERS: Who[] = ['anonymous', 'admin', 'dsVision', 'dsForecasting', 'auditor'];

export function expectedAllowed(rule: PermissionRule, who: Who, workspace: string | undefined): boolean {
  if (who === 'anonymous') return false;
  if (rule.anyUser) return true;
  const role = who === 'admin' ? 'ops_admin' : who === 'auditor' ? 'auditor' : 'data_scientist';
  if (!rule.roles.includes(role)) return false;
  if (role !== 'data_scientist') return true;
  const mine = who === 'dsVision' ? 'vision' : 'forecasting';
  return rule.scope === 'workspace' ? workspace === mine : true;
}

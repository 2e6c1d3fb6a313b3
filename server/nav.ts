import 'server-only';
import { can, effectiveRole, type Principal } from '@/lib/rbac/permissions';
import { ROLE_LABELS } from '@/lib/schemas/core';
import { workspaceNavItems, type NavModel } from '@/components/shell/nav-model';

/** The navigation a principal may use: only areas and pages its permissions allow (the server decides). */
export function navFor(p: Principal, currentWorkspace?: string): NavModel {
  const areas: NavModel['areas'] = [];
  if (p.globalRole === 'ops_admin' || can(p, 'clusters.read')) {
    const items = [{ href: '/ops', label: 'Overview', icon: 'layout-dashboard' }];
    if (can(p, 'clusters.read')) items.push({ href: '/ops/clusters', label: 'Clusters', icon: 'clusters' });
    if (can(p, 'azure.read')) items.push({ href: '/ops/azure', label: 'Azure', icon: 'cloud' });
    if (can(p, 'clusters.read')) items.push({ href: '/ops/instance-types', label: 'Instance types', icon: 'instance-types' });
    if (can(p, 'workspaces.manage') || can(p, 'users.read')) items.push({ href: '/ops/workspaces', label: 'Workspaces', icon: 'workspaces' });
    if (can(p, 'users.read')) items.push({ href: '/ops/users', label: 'Users & tokens', icon: 'users' });
    areas.push({ label: 'Ops', items });
  }
  const ws = currentWorkspace ?? p.memberOf[0];
  if (ws && can(p, 'workspaces.read', ws)) {
    areas.push({
      label: 'Workspace',
      items: workspaceNavItems(ws, { compute: can(p, 'compute.read', ws), jobs: can(p, 'jobs.read', ws), models: can(p, 'models.read', ws), endpoints: can(p, 'endpoints.read', ws), python: true }),
    });
  }
  if (can(p, 'audit.read')) {
    areas.push({
      label: 'Audit',
      items: [
        { href: '/audit', label: 'Audit log', icon: 'scroll-text' },
        { href: '/audit/access', label: 'Access', icon: 'shield-check' },
        ...(can(p, 'access.read') ? [{ href: '/audit/sharing', label: 'Sharing', icon: 'sharing' }] : []),
      ],
    });
  }
  areas.push({ label: 'Account', items: [{ href: '/settings', label: 'Tokens & security', icon: 'key-round' }] });
  return { areas };
}

export function roleLabel(p: Principal): string {
  const r = effectiveRole(p);
  return r ? ROLE_LABELS[r] : 'No role';
}

/** Where "/" takes a user: their most useful area. */
export function homeFor(p: Principal): string {
  if (p.globalRole === 'ops_admin') return '/ops';
  if (p.globalRole === 'auditor') return '/audit';
  if (p.memberOf.length) return `/w/${p.memberOf[0]}`;
  return '/settings';
}

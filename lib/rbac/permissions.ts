// Who may do what: data, deny by default (DESIGN §5.3). Every server action and mutating API route
// names one permission from this table; the RBAC matrix test enumerates them all × every role.
//
// Roles: `ops_admin` and `auditor` are global; `data_scientist` is a membership in one workspace.
// `scope: 'workspace'` permissions are checked against the workspace the request names: a data
// scientist holds them only in workspaces they are a member of; global roles hold them everywhere.

export const ROLES = ['ops_admin', 'auditor', 'data_scientist'] as const;
export type Role = (typeof ROLES)[number];
export type GlobalRole = Exclude<Role, 'data_scientist'>;

export interface PermissionRule {
  scope: 'global' | 'workspace';
  roles: readonly Role[];
  /** Any signed-in user, whatever their role (e.g. managing one's own tokens). */
  anyUser?: boolean;
  description: string;
}

const ALL: readonly Role[] = ['ops_admin', 'auditor', 'data_scientist'];

export const PERMISSIONS = {
  // Self-service
  'self.read': { scope: 'global', roles: ALL, anyUser: true, description: 'See one’s own profile and memberships' },
  'self.tokens': { scope: 'global', roles: ALL, anyUser: true, description: 'Create and revoke one’s own API tokens' },
  'self.password': { scope: 'global', roles: ALL, anyUser: true, description: 'Change one’s own password' },
  'self.sessions': { scope: 'global', roles: ALL, anyUser: true, description: 'Sign out everywhere' },

  // Users
  'users.read': { scope: 'global', roles: ['ops_admin', 'auditor'], description: 'List users and their roles' },
  'users.manage': { scope: 'global', roles: ['ops_admin'], description: 'Create, disable and reset users' },
  'tokens.issue': { scope: 'global', roles: ['ops_admin'], description: 'Issue API tokens for any user' },

  // Workspaces
  'workspaces.list': { scope: 'global', roles: ALL, anyUser: true, description: 'List workspaces (data scientists: their own)' },
  'workspaces.read': { scope: 'workspace', roles: ALL, description: 'Open a workspace' },
  'workspaces.manage': { scope: 'global', roles: ['ops_admin'], description: 'Create, rename and archive workspaces' },
  'members.manage': { scope: 'global', roles: ['ops_admin'], description: 'Add and remove workspace members' },

  // Infrastructure (later issues fill these in)
  'clusters.read': { scope: 'global', roles: ['ops_admin', 'auditor'], description: 'See clusters, health and extension settings' },
  'clusters.manage': { scope: 'global', roles: ['ops_admin'], description: 'Register clusters, install and configure the extension' },
  'instancetypes.manage': { scope: 'global', roles: ['ops_admin'], description: 'Create, edit and delete instance types' },
  'compute.read': { scope: 'workspace', roles: ALL, description: 'See a workspace’s compute targets and instance types' },
  'compute.manage': { scope: 'global', roles: ['ops_admin'], description: 'Attach, edit and detach compute targets' },
  'azure.read': { scope: 'global', roles: ['ops_admin', 'auditor'], description: 'See Azure connections (never their secrets) and browse subscriptions, Azure ML workspaces and clusters through them' },
  'azure.manage': { scope: 'global', roles: ['ops_admin'], description: 'Create, change, test and delete Azure connections, and link workspaces to Azure ML workspaces' },

  // Data science work in a workspace
  'jobs.read': { scope: 'workspace', roles: ALL, description: 'See jobs, logs and events' },
  'jobs.submit': { scope: 'workspace', roles: ['data_scientist', 'ops_admin'], description: 'Submit, validate and cancel jobs' },
  'environments.manage': { scope: 'workspace', roles: ['data_scientist', 'ops_admin'], description: 'Register environments' },
  'models.read': { scope: 'workspace', roles: ALL, description: 'See models, their versions and lineage' },
  'models.manage': { scope: 'workspace', roles: ['data_scientist', 'ops_admin'], description: 'Register, archive and restore model versions' },
  'endpoints.read': { scope: 'workspace', roles: ALL, description: 'See online endpoints, their deployments, status, events and logs (never keys)' },
  'endpoints.manage': { scope: 'workspace', roles: ['data_scientist', 'ops_admin'], description: 'Create, update and delete online endpoints and deployments, and move traffic' },
  'endpoints.keys': { scope: 'workspace', roles: ['data_scientist', 'ops_admin'], description: 'Read and regenerate online endpoint keys, and send test requests' },

  // Audit
  'audit.read': { scope: 'global', roles: ['ops_admin', 'auditor'], description: 'Read, verify and export the audit log' },
  'access.read': { scope: 'global', roles: ['ops_admin', 'auditor'], description: 'See who can do what, and the sharing map' },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

export interface Principal {
  userId: string;
  globalRole: GlobalRole | null;
  /** Workspace names where the user is a data scientist. */
  memberOf: readonly string[];
}

/** The role a principal acts with for a permission check (for audit records and the UI). */
export function effectiveRole(p: Principal, workspace?: string): Role | null {
  if (p.globalRole) return p.globalRole;
  if (workspace ? p.memberOf.includes(workspace) : p.memberOf.length > 0) return 'data_scientist';
  return null;
}

/** Deny by default: only what the table grants. */
export function can(p: Principal | null, permission: Permission, workspace?: string): boolean {
  const rule: PermissionRule | undefined = (PERMISSIONS as Record<string, PermissionRule>)[permission];
  if (!rule || !p) return false;
  if (rule.anyUser) return true;
  if (p.globalRole && rule.roles.includes(p.globalRole)) return true;
  if (!rule.roles.includes('data_scientist')) return false;
  if (rule.scope === 'workspace') return !!workspace && p.memberOf.includes(workspace);
  return p.memberOf.length > 0;
}

export function isPermission(x: string): x is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, x);
}

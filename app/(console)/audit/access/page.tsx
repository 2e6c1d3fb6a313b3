import type { Metadata } from 'next';
import { Check, Minus } from 'lucide-react';
import { PageHeader } from '@/components/ui/page-header';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listUsersWithWorkspaces } from '@/server/services/users';
import { listWorkspaces } from '@/server/services/workspaces';
import { listClusterRows } from '@/server/services/clusters';
import { accessEntries } from '@/server/services/access';
import { AccessWho, type AccessScopeChoice } from '@/components/audit/access-who';
import type { AccessEntryDto } from '@/lib/audit/sharing';
import { PERMISSIONS, ROLES, type PermissionRule } from '@/lib/rbac/permissions';
import { ROLE_LABELS } from '@/lib/schemas/core';

export const metadata: Metadata = { title: 'Access' };
export const dynamic = 'force-dynamic';

export default async function AccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { principal } = await requirePermission('access.read');
  const sp = await searchParams;
  const db = await getDb();
  const [users, workspaces, clusters] = await Promise.all([listUsersWithWorkspaces(db), listWorkspaces(db, principal), listClusterRows(db)]);
  const people = users.map((u) => ({ email: u.email, role: u.globalRole, status: u.status, workspaces: u.workspaces ?? [] }));
  // Who can do what on one resource (?workspace= or ?cluster=); an unknown name is an error in the panel, not the page.
  const scope: AccessScopeChoice | null =
    typeof sp.workspace === 'string' && sp.workspace ? { kind: 'workspace', name: sp.workspace } : typeof sp.cluster === 'string' && sp.cluster ? { kind: 'cluster', name: sp.cluster } : null;
  let items: AccessEntryDto[] | null = null;
  let error: string | undefined;
  if (scope) {
    try {
      items = await accessEntries(db, scope.kind === 'workspace' ? { workspace: scope.name } : { cluster: scope.name });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  const perms = Object.entries(PERMISSIONS) as [string, PermissionRule][];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Access"
        breadcrumb={[{ label: 'Audit' }, { label: 'Access' }]}
        description="Who can do what: on each workspace and cluster, each person's role and workspaces, and what each role is allowed. The server enforces exactly this table."
      />
      <Card aria-labelledby="who-can-do-what">
        <CardHeader>
          <CardTitle id="who-can-do-what">Who can do what</CardTitle>
          <CardDescription>Per workspace or cluster: the users and API tokens with access, their effective permissions and where each comes from</CardDescription>
        </CardHeader>
        <CardContent>
          <AccessWho scope={scope} items={items} error={error} workspaces={workspaces.map((w) => w.name)} clusters={clusters.map((c) => c.name).sort()} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>People</CardTitle>
          <CardDescription>Global roles and workspace memberships</CardDescription>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs uppercase tracking-wide text-muted-foreground">
              <tr>
                <th scope="col" className="py-2 pr-3">User</th>
                <th scope="col" className="py-2 pr-3">Global role</th>
                <th scope="col" className="py-2 pr-3">Data scientist in</th>
                <th scope="col" className="py-2 pr-3">Status</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {people.map((p) => (
                <tr key={p.email}>
                  <td className="py-2 pr-3 font-mono text-xs">{p.email}</td>
                  <td className="py-2 pr-3">{p.role ? ROLE_LABELS[p.role] : '—'}</td>
                  <td className="py-2 pr-3 font-mono text-xs">{p.workspaces.join(', ') || '—'}</td>
                  <td className="py-2 pr-3">{p.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Permissions by role</CardTitle>
          <CardDescription>Deny by default. Workspace-scoped permissions apply to data scientists only in their own workspaces.</CardDescription>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          <table className="w-full text-sm">
            <thead className="text-left text-xs uppercase tracking-wide text-muted-foreground">
              <tr>
                <th scope="col" className="py-2 pr-3">Permission</th>
                <th scope="col" className="py-2 pr-3">Scope</th>
                {ROLES.map((r) => (
                  <th key={r} scope="col" className="py-2 pr-3 text-center">
                    {ROLE_LABELS[r]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {perms.map(([name, rule]) => (
                <tr key={name}>
                  <td className="py-2 pr-3">
                    <div className="font-mono text-xs">{name}</div>
                    <div className="text-xs text-muted-foreground">{rule.description}</div>
                  </td>
                  <td className="py-2 pr-3 text-xs">{rule.anyUser ? 'own account' : rule.scope}</td>
                  {ROLES.map((r) => {
                    const yes = rule.anyUser || rule.roles.includes(r);
                    return (
                      <td key={r} className="py-2 pr-3 text-center">
                        {yes ? <Check aria-label="allowed" className="mx-auto size-4 text-success" /> : <Minus aria-label="denied" className="mx-auto size-4 text-muted-foreground" />}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </CardContent>
      </Card>
    </div>
  );
}

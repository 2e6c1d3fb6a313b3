import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { UsersTable } from '@/components/users/users-table';
import { CreateUserDialog } from '@/components/users/create-user-dialog';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listUsersWithWorkspaces } from '@/server/services/users';
import { listWorkspaces } from '@/server/services/workspaces';
import { can } from '@/lib/rbac/permissions';
import { PendingLinks } from '@/components/users/pending-links';
import { pendingLinks } from '@/server/auth/entra-flow';
import { entraConfig, localAccountsEnabled } from '@/server/auth/entra';

export const metadata: Metadata = { title: 'Users' };
export const dynamic = 'force-dynamic';

export default async function UsersPage() {
  const { principal, user } = await requirePermission('users.read');
  const db = await getDb();
  const list = await listUsersWithWorkspaces(db);
  const canManage = can(principal, 'users.manage');
  const workspaces = (await listWorkspaces(db, principal)).map((w) => w.name);
  const links = await pendingLinks(db);
  const local = localAccountsEnabled();
  const microsoft = !!entraConfig();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Users"
        breadcrumb={[{ label: 'Ops', href: '/ops' }, { label: 'Users' }]}
        description={
          (microsoft
            ? 'People who sign in with Microsoft or a Harbormaster password, their global role and workspace memberships (those applied from Entra ID app roles and groups are re-applied at every Microsoft sign-in). '
            : 'Local accounts, their global role and workspace memberships. ') +
          'Disabling a user ends their sessions and tokens at once; resetting a password ends their sessions and revokes their API tokens.' +
          (local ? '' : ' Local accounts are switched off: new people appear at their first Microsoft sign-in.')
        }
        primaryAction={canManage && local ? <CreateUserDialog workspaces={workspaces} /> : undefined}
      />
      <PendingLinks links={links} canManage={canManage} />
      <UsersTable users={list} canManage={canManage} selfEmail={user.email} />
    </div>
  );
}

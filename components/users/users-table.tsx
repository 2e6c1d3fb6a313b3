'use client';

import * as React from 'react';
import type { ColumnDef } from '@tanstack/react-table';
import { toast } from 'sonner';
import { DataTable } from '@/components/ui/data-table';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { Badge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { Button } from '@/components/ui/button';
import { SecretOnce } from '@/components/ui/secret-once';
import { MoreHorizontal } from 'lucide-react';
import { useAction } from '@/components/forms/use-action';
import { ROLE_LABELS } from '@/lib/schemas/core';
import { pluralize } from '@/lib/format';

export interface UserRowDto {
  id: string;
  email: string;
  displayName: string;
  globalRole: string | null;
  status: string;
  createdAt: string;
  workspaces?: string[];
  /** How they sign in: `local` (password), `entra` (Microsoft). */
  signIn?: string[];
  globalRoleSource?: string | null;
  workspaceSources?: Record<string, string>;
}

/** "Entra app role OpsAdmin" / "Entra group 1f0c…" for grants applied at a Microsoft sign-in, else null. */
function entraSource(source: string | null | undefined): string | null {
  if (source?.startsWith('entra:role:')) return `Entra app role ${source.slice(11)}`;
  if (source?.startsWith('entra:group:')) return `Entra group ${source.slice(12)}`;
  return null;
}

export function UsersTable({ users, canManage, selfEmail }: { users: UserRowDto[]; canManage: boolean; selfEmail: string }) {
  const columns = React.useMemo<ColumnDef<UserRowDto>[]>(
    () => [
      {
        accessorKey: 'email',
        header: 'User',
        cell: ({ row }) => (
          <div>
            <div className="font-medium">{row.original.displayName || row.original.email}</div>
            <div className="font-mono text-xs text-muted-foreground">{row.original.email}</div>
          </div>
        ),
      },
      {
        id: 'role',
        accessorFn: (u) => (u.globalRole ? ROLE_LABELS[u.globalRole] : u.workspaces?.length ? 'Data scientist' : 'No role'),
        header: 'Role',
        cell: ({ getValue, row }) => {
          const from = row.original.globalRole ? entraSource(row.original.globalRoleSource) : null;
          return (
            <div className="space-y-0.5">
              <Badge tone="neutral">{String(getValue())}</Badge>
              {from ? <div className="text-xs text-muted-foreground">from {from}</div> : null}
            </div>
          );
        },
      },
      {
        id: 'signIn',
        accessorFn: (u) => (u.signIn ?? []).join(','),
        header: 'Sign-in',
        cell: ({ row }) => (
          <div className="flex flex-wrap gap-1">
            {(row.original.signIn ?? []).map((p) => (
              <Badge key={p} tone={p === 'entra' ? 'info' : 'neutral'}>
                {p === 'entra' ? 'Microsoft' : p === 'local' ? 'Password' : p}
              </Badge>
            ))}
          </div>
        ),
      },
      {
        id: 'workspaces',
        accessorFn: (u) => (u.workspaces ?? []).join(', '),
        header: 'Workspaces',
        cell: ({ row }) =>
          row.original.workspaces?.length ? (
            <ul className="space-y-0.5">
              {row.original.workspaces.map((w) => {
                const from = entraSource(row.original.workspaceSources?.[w]);
                return (
                  <li key={w} className="text-xs">
                    <span className="font-mono">{w}</span>
                    {from ? <span className="text-muted-foreground"> · from {from}</span> : null}
                  </li>
                );
              })}
            </ul>
          ) : (
            <span className="text-muted-foreground">—</span>
          ),
      },
      { accessorKey: 'status', header: 'Status', cell: ({ row }) => <StatusBadge kind="user" status={row.original.status} /> },
      { accessorKey: 'createdAt', header: 'Created', cell: ({ row }) => <RelativeTime value={row.original.createdAt} /> },
      ...(canManage
        ? [
            {
              id: 'actions',
              header: () => <span className="sr-only">Actions</span>,
              enableSorting: false,
              cell: ({ row }: { row: { original: UserRowDto } }) => <UserActions user={row.original} isSelf={row.original.email === selfEmail} />,
            } satisfies ColumnDef<UserRowDto>,
          ]
        : []),
    ],
    [canManage, selfEmail],
  );
  return <DataTable label="Users" columns={columns} data={users} getRowId={(u) => u.id} filterable filterPlaceholder="Filter users…" defaultSorting={[{ id: 'email', desc: false }]} />;
}

function UserActions({ user, isSelf }: { user: UserRowDto; isSelf: boolean }) {
  const disable = useAction('users.disable');
  const enable = useAction('users.enable');
  const reset = useAction<{ newPassword: string | null; sessionsEnded: number; tokensRevoked: number }>('users.resetPassword');
  const [confirm, setConfirm] = React.useState<null | 'disable' | 'reset'>(null);
  const [done, setDone] = React.useState<{ newPassword: string | null; sessionsEnded: number; tokensRevoked: number } | null>(null);
  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="sm" aria-label={`Actions for ${user.email}`}>
            <MoreHorizontal aria-hidden className="size-4" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => setConfirm('reset')}>Reset password…</DropdownMenuItem>
          {user.status === 'active' ? (
            <DropdownMenuItem disabled={isSelf} onSelect={() => setConfirm('disable')}>
              Disable…
            </DropdownMenuItem>
          ) : (
            <DropdownMenuItem
              onSelect={async () => {
                const r = await enable.run({ email: user.email });
                if (r.ok) toast.success(`${user.email} enabled`);
                else toast.error(r.error.detail);
              }}
            >
              Enable
            </DropdownMenuItem>
          )}
        </DropdownMenuContent>
      </DropdownMenu>
      <ConfirmDialog
        open={confirm === 'disable'}
        onOpenChange={(o) => !o && setConfirm(null)}
        action="Disable user"
        objectName={user.email}
        consequence="They are signed out everywhere and their API tokens stop working. You can enable them again later."
        confirmLabel="Disable"
        tone="danger"
        onConfirm={async () => {
          const r = await disable.run({ email: user.email });
          if (r.ok) toast.success(`${user.email} disabled`);
          else toast.error(r.error.detail);
          setConfirm(null);
        }}
      />
      <ConfirmDialog
        open={confirm === 'reset'}
        onOpenChange={(o) => !o && setConfirm(null)}
        action="Reset password"
        objectName={user.email}
        consequence={
          'A new password is generated and shown once. All their sessions end and all their API tokens are revoked: scripts using them get 401 until they get a new token.' +
          (isSelf ? ' That includes this session: you will have to sign in again.' : '')
        }
        confirmLabel="Reset password"
        tone="danger"
        onConfirm={async () => {
          const r = await reset.run({ email: user.email });
          setConfirm(null);
          if (r.ok) setDone(r.data);
          else toast.error(r.error.detail);
        }}
      />
      <Dialog open={!!done} onOpenChange={(o) => !o && setDone(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Password reset</DialogTitle>
            <DialogDescription>
              {done ? `${pluralize(done.sessionsEnded, 'session')} ended and ${pluralize(done.tokensRevoked, 'API token')} revoked. ` : null}
              Give {user.email} the new password through a safe channel.
            </DialogDescription>
          </DialogHeader>
          {done?.newPassword ? <SecretOnce label="password" secret={done.newPassword} /> : null}
          <DialogFooter>
            <Button onClick={() => setDone(null)}>Done</Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}

'use client';

import * as React from 'react';
import { usePathname, useRouter } from 'next/navigation';
import type { ColumnDef } from '@tanstack/react-table';
import { Download, KeyRound, ShieldQuestion, User } from 'lucide-react';
import type { AccessEntryDto } from '@/lib/audit/sharing';
import { ROLE_LABELS } from '@/lib/schemas/core';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { groupPermissions } from './sharing-model';

export type AccessScopeChoice = { kind: 'workspace' | 'cluster'; name: string };

export interface AccessWhoProps {
  /** The resource picked (?workspace= or ?cluster=), or null. */
  scope: AccessScopeChoice | null;
  /** Its entries (null: nothing picked, or it failed: see `error`). */
  items: AccessEntryDto[] | null;
  error?: string;
  workspaces: string[];
  clusters: string[];
}

const SELECT = 'h-9 min-w-64 rounded-md border border-input bg-surface px-2 font-mono text-sm disabled:opacity-60';

export function accessExportHref(scope: AccessScopeChoice): string {
  return `/api/v1/audit/access?${new URLSearchParams({ [scope.kind]: scope.name, format: 'csv' })}`;
}

/** Effective permissions as compact chips, one per area: "jobs read · submit". */
function PermissionChips({ permissions }: { permissions: string[] }) {
  if (!permissions.length) return <span className="text-muted-foreground">none</span>;
  return (
    <ul className="flex max-w-xl flex-wrap gap-1" aria-label={`${permissions.length} permissions`}>
      {groupPermissions(permissions).map((g) => (
        <li key={g.area}>
          <Badge tone="neutral" className="font-mono" title={g.verbs.map((v) => `${g.area}.${v}`).join(', ') || g.area}>
            <span className="text-foreground">{g.area}</span>
            {g.verbs.length ? <span>{g.verbs.join(' · ')}</span> : null}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

/** "Who can do what" on one workspace or cluster: principals, role, effective permissions, where they come from. */
export function AccessWho({ scope, items, error, workspaces, clusters }: AccessWhoProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = React.useTransition();
  const value = scope ? `${scope.kind}:${scope.name}` : '';
  const pick = (v: string) => {
    const i = v.indexOf(':');
    const qs = i < 0 ? '' : `?${new URLSearchParams({ [v.slice(0, i)]: v.slice(i + 1) })}`;
    startTransition(() => router.push(`${pathname}${qs}`, { scroll: false }));
  };
  const columns = React.useMemo<ColumnDef<AccessEntryDto>[]>(
    () => [
      {
        id: 'principal',
        accessorFn: (e) => `${e.principal.name} ${e.principal.email ?? ''}`,
        header: 'Principal',
        meta: { className: 'min-w-64' },
        cell: ({ row }) => {
          const p = row.original.principal;
          const Icon = p.kind === 'token' ? KeyRound : User;
          return (
            <div className="flex items-start gap-2">
              <Icon aria-hidden className="mt-0.5 size-4 shrink-0 text-muted-foreground" />
              <div className="min-w-0">
                <div className="font-medium">
                  <span className="sr-only">{p.kind === 'token' ? 'API token ' : 'User '}</span>
                  <span className={p.kind === 'token' ? 'font-mono text-[0.8125rem]' : undefined}>{p.name}</span>
                </div>
                <div className="text-xs text-muted-foreground">
                  {p.kind === 'token' ? 'API token' : 'User'}
                  {p.email && p.email !== p.name ? <> · <span className="font-mono">{p.email}</span></> : null}
                </div>
              </div>
            </div>
          );
        },
      },
      {
        id: 'role',
        accessorFn: (e) => ROLE_LABELS[e.role] ?? e.role,
        header: 'Role',
        cell: ({ getValue }) => <Badge tone="outline">{String(getValue())}</Badge>,
      },
      {
        id: 'permissions',
        accessorFn: (e) => e.permissions.join(' '),
        header: 'Permissions',
        enableSorting: false,
        cell: ({ row }) => <PermissionChips permissions={row.original.permissions} />,
      },
      { accessorKey: 'source', header: 'Source', meta: { className: 'min-w-40' }, cell: ({ row }) => <span className="text-sm">{row.original.source}</span> },
    ],
    [],
  );
  const users = items?.filter((e) => e.principal.kind === 'user').length ?? 0;

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Workspace or cluster</span>
          <select className={SELECT} value={value} disabled={pending} onChange={(e) => pick(e.target.value)} aria-describedby="access-who-hint">
            <option value="">Choose one…</option>
            <optgroup label="Workspaces">
              {workspaces.map((w) => (
                <option key={`w-${w}`} value={`workspace:${w}`}>{w}</option>
              ))}
            </optgroup>
            <optgroup label="Clusters">
              {clusters.map((c) => (
                <option key={`c-${c}`} value={`cluster:${c}`}>{c}</option>
              ))}
            </optgroup>
          </select>
        </label>
        <p id="access-who-hint" className="pb-2 text-sm text-muted-foreground" aria-live="polite">
          {pending
            ? 'Loading…'
            : scope && items
              ? `${users} user${users === 1 ? '' : 's'} and ${items.length - users} API token${items.length - users === 1 ? '' : 's'} can act on ${scope.kind} ${scope.name}.`
              : 'Users and API tokens with access, their effective permissions and where each comes from.'}
        </p>
        {scope && items ? (
          <Button asChild variant="secondary" className="ml-auto">
            <a href={accessExportHref(scope)} download>
              <Download aria-hidden className="size-4" /> CSV
            </a>
          </Button>
        ) : null}
      </div>
      {error ? (
        <ErrorState problem={{ title: `Cannot list access to ${scope?.kind ?? ''} ${scope?.name ?? ''}`.trim(), detail: error }} retryHref={pathname} />
      ) : !scope || !items ? (
        <EmptyState icon={ShieldQuestion} title="Pick a workspace or a cluster" description="See every user and API token that can act on it, with the role, the permissions that role holds there, and where the access comes from." />
      ) : (
        <DataTable
          label={`Who can do what on ${scope.kind} ${scope.name}`}
          columns={columns}
          data={items}
          getRowId={(e) => `${e.principal.kind}:${e.principal.email ?? ''}:${e.principal.name}:${e.source}`}
          filterable
          filterPlaceholder="Filter principals…"
          empty={<EmptyState icon={ShieldQuestion} title="Nobody has access" description={`No active user or API token can act on ${scope.kind} ${scope.name}.`} />}
        />
      )}
    </div>
  );
}

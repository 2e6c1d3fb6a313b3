'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { UserMinus, UserPlus } from 'lucide-react';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { StatusBadge } from '@/components/ui/status-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';

export interface MemberDto {
  email: string;
  displayName: string;
  status: string;
  since: string;
}

export function MembersPanel({ workspace, members, candidates, canManage }: { workspace: string; members: MemberDto[]; candidates: string[]; canManage: boolean }) {
  const add = useAction('members.add');
  const remove = useAction('members.remove');
  const [removing, setRemoving] = React.useState<string | null>(null);
  const [email, setEmail] = React.useState('');

  return (
    <Card>
      <CardHeader>
        <CardTitle>Members</CardTitle>
        <CardDescription>Data scientists of this workspace: they see its compute targets and run work in it.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {canManage ? (
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={async (e) => {
              e.preventDefault();
              if (!email) return add.setFieldErrors({ email: 'choose a user' });
              const r = await add.run({ workspace, email });
              if (r.ok) {
                toast.success(`${email} added to ${workspace}`);
                setEmail('');
              }
            }}
          >
            <label className="grid gap-1 text-sm">
              <span className="font-medium">Add a member</span>
              <select
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                aria-invalid={add.fieldErrors.email ? true : undefined}
                className="h-9 min-w-64 rounded-md border border-input bg-surface px-2 text-sm"
              >
                <option value="">Choose a user…</option>
                {candidates.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" variant="secondary" pending={add.pending}>
              <UserPlus aria-hidden className="size-4" /> Add as data scientist
            </Button>
            <div className="basis-full">
              <FormError message={add.error ?? add.fieldErrors.email ?? null} />
            </div>
          </form>
        ) : null}
        {members.length === 0 ? (
          <EmptyState title="No members yet" description={canManage ? 'Add data scientists so they can use this workspace.' : 'An ops admin adds data scientists to this workspace.'} />
        ) : (
          <ul className="divide-y divide-border rounded-md border border-border" aria-label={`Members of ${workspace}`}>
            {members.map((m) => (
              <li key={m.email} className="flex items-center justify-between gap-3 px-3 py-2">
                <div className="min-w-0">
                  <div className="truncate font-medium">{m.displayName || m.email}</div>
                  <div className="font-mono text-xs text-muted-foreground">
                    {m.email} · member since <RelativeTime value={m.since} />
                  </div>
                </div>
                <div className="flex items-center gap-2">
                  <StatusBadge kind="user" status={m.status} />
                  {canManage ? (
                    <Button variant="ghost" size="sm" aria-label={`Remove ${m.email} from ${workspace}`} onClick={() => setRemoving(m.email)}>
                      <UserMinus aria-hidden className="size-4" />
                    </Button>
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(o) => !o && setRemoving(null)}
        action="Remove member"
        objectName={removing ?? ''}
        consequence={`They lose access to ${workspace} and its work at once.`}
        confirmLabel="Remove"
        tone="danger"
        onConfirm={async () => {
          const r = await remove.run({ workspace, email: removing });
          if (r.ok) toast.success(`${removing} removed from ${workspace}`);
          else toast.error(r.error.detail);
          setRemoving(null);
        }}
      />
    </Card>
  );
}

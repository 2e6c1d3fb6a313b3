'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Button } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { RelativeTime } from '@/components/ui/relative-time';
import { useAction } from '@/components/forms/use-action';

export interface PendingLinkRow {
  id: string;
  account: string;
  subject: string;
  displayName: string;
  roles: string[];
  groups: string[];
  requestedAt: string;
}

/**
 * Microsoft sign-ins that named the email of an existing account: they wait for that account's password or an ops
 * admin's decision here (never merged silently). Linking lets the person sign in with Microsoft from then on.
 */
export function PendingLinks({ links, canManage }: { links: PendingLinkRow[]; canManage: boolean }) {
  const link = useAction<{ email: string }>('users.linkIdentity');
  const reject = useAction<{ email: string }>('users.rejectIdentityLink');
  const [confirm, setConfirm] = React.useState<{ kind: 'link' | 'reject'; row: PendingLinkRow } | null>(null);
  if (!links.length) return null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Microsoft sign-ins waiting for a link</CardTitle>
        <CardDescription>These people signed in with Microsoft using the email of an existing Harbormaster account. Link only when you know it is the same person.</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="divide-y divide-border" aria-label="Sign-ins waiting for a link">
          {links.map((l) => (
            <li key={l.id} className="flex flex-wrap items-center gap-3 py-3">
              <div className="min-w-0 flex-1">
                <div className="font-medium">
                  {l.displayName || l.account} <span className="font-mono text-xs text-muted-foreground">→ {l.account}</span>
                </div>
                <div className="mt-1 flex flex-wrap items-center gap-1 text-xs text-muted-foreground">
                  <span className="font-mono">subject {l.subject}</span>
                  {l.roles.map((r) => (
                    <Badge key={r} tone="info">
                      app role {r}
                    </Badge>
                  ))}
                  {l.groups.length ? <span>· groups {l.groups.join(', ')}</span> : null}
                  <span>
                    · <RelativeTime value={l.requestedAt} />
                  </span>
                </div>
              </div>
              {canManage ? (
                <div className="flex gap-2">
                  <Button size="sm" variant="secondary" onClick={() => setConfirm({ kind: 'reject', row: l })}>
                    Refuse
                  </Button>
                  <Button size="sm" onClick={() => setConfirm({ kind: 'link', row: l })}>
                    Link
                  </Button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </CardContent>
      <ConfirmDialog
        open={!!confirm}
        onOpenChange={(o) => !o && setConfirm(null)}
        action={confirm?.kind === 'link' ? 'Link Microsoft sign-in' : 'Refuse Microsoft sign-in'}
        objectName={confirm?.row.account ?? ''}
        consequence={
          confirm?.kind === 'link'
            ? `From now on, the Microsoft account ${confirm.row.subject} signs in as ${confirm.row.account}, with the roles and workspaces Entra ID maps at each sign-in.`
            : 'Nothing is linked; that Microsoft account cannot sign in as this account. It can ask again by signing in.'
        }
        confirmLabel={confirm?.kind === 'link' ? 'Link' : 'Refuse'}
        tone={confirm?.kind === 'link' ? 'primary' : 'danger'}
        onConfirm={async () => {
          if (!confirm) return;
          const r = await (confirm.kind === 'link' ? link : reject).run({ id: confirm.row.id });
          if (r.ok) toast.success(confirm.kind === 'link' ? `Linked to ${r.data.email}` : `Refused for ${r.data.email}`);
          else toast.error(r.error.detail);
          setConfirm(null);
        }}
      />
    </Card>
  );
}

import * as React from 'react';
import { LogOut } from 'lucide-react';
import { Button } from '@/components/ui/button';
import type { ShellUser } from './nav-model';

/**
 * The signed-in user and role, with sign-out: a server action when given, otherwise a plain form POST to
 * /api/auth/logout (works without JavaScript).
 */
export function UserPanel({ user, signOutAction }: { user: ShellUser; signOutAction?: () => void | Promise<void> }) {
  const initial = (user.displayName || user.email).trim().charAt(0).toUpperCase() || '?';
  return (
    <div className="flex items-center gap-2">
      <span aria-hidden className="flex size-8 shrink-0 items-center justify-center rounded-full bg-accent-soft text-sm font-semibold text-accent-text">
        {initial}
      </span>
      <div className="grid min-w-0 flex-1 leading-tight">
        <span className="truncate text-sm font-medium" title={user.email}>{user.displayName || user.email}</span>
        <span className="truncate text-xs text-muted-foreground">{user.roleLabel}</span>
      </div>
      {/* React sets the method itself for a function action and warns if one is given. */}
      <form {...(signOutAction ? { action: signOutAction } : { action: '/api/auth/logout', method: 'post' })}>
        <Button type="submit" variant="ghost" size="icon-sm" aria-label="Sign out" title="Sign out">
          <LogOut aria-hidden />
        </Button>
      </form>
    </div>
  );
}

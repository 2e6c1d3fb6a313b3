import * as React from 'react';
import Link from 'next/link';
import { Ship } from 'lucide-react';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { ClusterStatusStrip } from './cluster-status-strip';
import { CommandPalette } from './command-palette';
import { MobileNav } from './mobile-nav';
import type { CommandEntry, NavModel, ShellUser, UnreachableCluster, WorkspaceOption } from './nav-model';
import { SidebarNav } from './sidebar-nav';
import { UserPanel } from './user-panel';
import { WorkspaceSwitcher } from './workspace-switcher';

export interface AppShellProps {
  /** Areas and items the user's role may use, computed on the server. */
  nav: NavModel;
  user: ShellUser;
  /** Workspaces the user can switch between; the switcher is hidden when empty. */
  workspaces?: WorkspaceOption[];
  /** Current workspace name; defaults to the one in the URL (/w/[workspace]). */
  currentWorkspace?: string;
  /** Server action that signs out; without it, sign-out posts a form to /api/auth/logout. */
  signOutAction?: () => void | Promise<void>;
  /** Clusters currently unreachable: shows the strip across the top. */
  unreachableClusters?: UnreachableCluster[];
  /** Extra command-palette entries (clusters, workspaces, recent jobs). */
  commandEntries?: CommandEntry[];
  children: React.ReactNode;
}

function SidebarContent({ nav, user, workspaces = [], currentWorkspace, signOutAction }: Omit<AppShellProps, 'children'>) {
  return (
    <>
      {workspaces.length > 0 && <WorkspaceSwitcher workspaces={workspaces} current={currentWorkspace} />}
      <div className="min-h-0 flex-1 overflow-y-auto">
        <SidebarNav nav={nav} />
      </div>
      <div className="border-t border-border pt-3">
        <UserPanel user={user} signOutAction={signOutAction} />
      </div>
    </>
  );
}

function Brand() {
  return (
    <Link href="/" className="flex items-center gap-2 rounded-md px-2 py-1 text-sm font-semibold">
      <Ship aria-hidden className="size-5 text-accent-text" />
      Harbormaster
    </Link>
  );
}

/**
 * The console's frame: skip link, left navigation by area with workspace switcher and user, a top bar
 * with the command palette and theme toggle, and a strip when clusters are unreachable. At ≥768 px
 * the sidebar is always shown; below, it collapses behind a menu button.
 */
export function AppShell(props: AppShellProps) {
  const { nav, unreachableClusters = [], commandEntries, children } = props;
  return (
    <div className="flex min-h-dvh">
      <a
        href="#main"
        className="sr-only z-[60] rounded-md bg-accent px-3 py-2 text-sm font-medium text-accent-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      {/* The aside spans the page height (background and border); its content sticks to the viewport. */}
      <aside aria-label="Sidebar" className="hidden w-60 shrink-0 border-r border-border bg-sidebar md:block">
        <div className="sticky top-0 flex h-dvh flex-col gap-4 p-3">
          <Brand />
          <SidebarContent {...props} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <ClusterStatusStrip clusters={unreachableClusters} />
        <header className="sticky top-0 z-30 flex h-12 items-center gap-2 border-b border-border bg-background/95 px-3 backdrop-blur supports-[backdrop-filter]:bg-background/80 md:px-6">
          <MobileNav>
            <Brand />
            <SidebarContent {...props} />
          </MobileNav>
          <CommandPalette nav={nav} entries={commandEntries} />
          <div className="ml-auto flex items-center gap-1">
            <ThemeToggle />
          </div>
        </header>
        <main id="main" tabIndex={-1} className="flex-1 px-4 py-5 outline-none md:px-6 lg:px-8">
          {children}
        </main>
      </div>
    </div>
  );
}

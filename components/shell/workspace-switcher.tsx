'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { Briefcase, Check, ChevronsUpDown } from 'lucide-react';
import {
  DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { workspaceFromPath, workspaceSwitchHref, type WorkspaceOption } from './nav-model';

/**
 * Picks the workspace; switching keeps the section ("Jobs") and lands in the other workspace. The current
 * workspace is the prop, else the one in the URL.
 */
export function WorkspaceSwitcher({ workspaces, current }: { workspaces: WorkspaceOption[]; current?: string }) {
  const pathname = usePathname() ?? '/';
  const currentName = current ?? workspaceFromPath(pathname);
  const currentWs = workspaces.find((w) => w.name === currentName);
  if (workspaces.length === 0) return null;
  return (
    <DropdownMenu>
      <DropdownMenuTrigger
        className="flex w-full items-center gap-2 rounded-md border border-border bg-surface px-2 py-1.5 text-left text-sm hover:bg-muted"
>
        <Briefcase aria-hidden className="size-4 shrink-0 text-muted-foreground" />
        <span className="grid min-w-0 flex-1 leading-tight">
          <span className="text-xs text-muted-foreground">Workspace</span>
          <span className="truncate font-medium">{currentWs?.displayName ?? 'Choose…'}</span>
        </span>
        <span className="sr-only">, switch workspace</span>
        <ChevronsUpDown aria-hidden className="size-4 shrink-0 text-muted-foreground" />
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-(--radix-dropdown-menu-trigger-width) min-w-56">
        <DropdownMenuLabel>Workspaces</DropdownMenuLabel>
        {workspaces.map((ws) => (
          <DropdownMenuItem key={ws.name} asChild>
            <Link href={workspaceSwitchHref(pathname, ws.name)} aria-current={ws.name === currentName ? 'true' : undefined}>
              <Check aria-hidden className={ws.name === currentName ? 'opacity-100' : 'opacity-0'} />
              <span className="truncate">{ws.displayName}</span>
              <span className="ml-auto font-mono text-xs text-muted-foreground">{ws.name}</span>
            </Link>
          </DropdownMenuItem>
        ))}
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';
import { activeHref, type NavModel } from './nav-model';
import { navIcon } from './nav-icons';

/** The left navigation: one labelled group per area, the current page marked with aria-current. */
export function SidebarNav({ nav, onNavigate }: { nav: NavModel; onNavigate?: () => void }) {
  const pathname = usePathname() ?? '/';
  const active = activeHref(pathname, nav.areas.flatMap((a) => a.items.map((i) => i.href)));
  const baseId = React.useId();
  return (
    <nav aria-label="Main" className="flex flex-col gap-5">
      {nav.areas.map((area, a) => (
        <div key={area.label} role="group" aria-labelledby={`${baseId}-${a}`} className="grid gap-0.5">
          <span id={`${baseId}-${a}`} className="px-2 pb-1 text-xs font-medium text-muted-foreground">{area.label}</span>
          <ul className="grid gap-0.5">
            {area.items.map((item) => {
              const Icon = navIcon(item.icon);
              const isActive = item.href === active;
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    onClick={onNavigate}
                    aria-current={isActive ? 'page' : undefined}
                    className={cn(
                      'flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-muted-foreground hover:bg-muted hover:text-foreground',
                      isActive && 'bg-accent-soft font-medium text-accent-text hover:bg-accent-soft hover:text-accent-text',
                    )}
                  >
                    <Icon aria-hidden className="size-4 shrink-0" />
                    <span className="truncate">{item.label}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';
import { tabTriggerClasses } from './tabs';

export interface TabNavItem { href: string; label: string; count?: number }

/**
 * Route-backed tabs (detail pages: Overview · Events · YAML …): links with aria-current="page" on the one
 * matching the URL. The item whose href is the longest prefix of the path wins, so "/x" is not active on "/x/events".
 */
export function TabNav({ items, label = 'Sections', className }: { items: TabNavItem[]; label?: string; className?: string }) {
  const pathname = usePathname() ?? '';
  const active = items
    .filter((i) => pathname === i.href || pathname.startsWith(`${i.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <nav aria-label={label} className={cn('flex items-end gap-1 overflow-x-auto border-b border-border', className)}>
      {items.map((item) => {
        const isActive = item.href === active;
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={isActive ? 'page' : undefined}
            className={cn(tabTriggerClasses, '-mb-px', isActive && 'border-accent text-foreground')}
          >
            {item.label}
            {item.count != null && (
              <span className="rounded-sm bg-muted px-1 text-xs tabular-nums text-muted-foreground">{item.count}</span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}

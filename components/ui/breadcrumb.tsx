import * as React from 'react';
import Link from 'next/link';
import { ChevronRight } from 'lucide-react';
import { cn } from '@/lib/utils';

export interface Crumb { label: string; href?: string }

/** Breadcrumb trail; the last crumb is the current page (aria-current) and is not a link. */
export function Breadcrumb({ items, className }: { items: Crumb[]; className?: string }) {
  if (items.length === 0) return null;
  return (
    <nav aria-label="Breadcrumb" className={cn('text-sm text-muted-foreground', className)}>
      <ol className="flex flex-wrap items-center gap-1">
        {items.map((item, i) => {
          const last = i === items.length - 1;
          return (
            <li key={`${i}-${item.label}`} className="flex items-center gap-1">
              {last || !item.href ? (
                <span aria-current={last ? 'page' : undefined} className={cn(last && 'text-foreground')}>{item.label}</span>
              ) : (
                <Link href={item.href} className="hover:text-foreground hover:underline underline-offset-4">{item.label}</Link>
              )}
              {!last && <ChevronRight aria-hidden className="size-3.5 shrink-0" />}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

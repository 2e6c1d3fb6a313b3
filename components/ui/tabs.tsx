'use client';

import * as React from 'react';
import * as TabsPrimitive from '@radix-ui/react-tabs';
import { cn } from '@/lib/utils';

/**
 * In-page tabs (Radix: role=tablist, arrow keys). For tabs that are separate routes (Overview · Events ·
 * YAML on detail pages) use <TabNav> so each tab has its own URL.
 */
export const Tabs = TabsPrimitive.Root;

export const tabTriggerClasses =
  'inline-flex items-center gap-1.5 whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium ' +
  'text-muted-foreground hover:text-foreground [&_svg]:size-4';

export function TabsList({ className, ...props }: React.ComponentProps<typeof TabsPrimitive.List>) {
  return <TabsPrimitive.List className={cn('flex items-end gap-1 overflow-x-auto border-b border-border', className)} {...props} />;
}

export function TabsTrigger({ className, ...props }: React.ComponentProps<typeof TabsPrimitive.Trigger>) {
  return (
    <TabsPrimitive.Trigger
      className={cn(
        tabTriggerClasses,
        '-mb-px disabled:pointer-events-none disabled:opacity-50 data-[state=active]:border-accent',
        'data-[state=active]:text-foreground',
        className,
      )}
      {...props}
    />
  );
}

export function TabsContent({ className, ...props }: React.ComponentProps<typeof TabsPrimitive.Content>) {
  return <TabsPrimitive.Content className={cn('pt-4', className)} {...props} />;
}

import * as React from 'react';
import { Inbox, type LucideIcon } from 'lucide-react';
import { cn } from '@/lib/utils';

export interface EmptyStateProps {
  /** What this list is, e.g. "No compute targets yet". */
  title: string;
  /** The next step, e.g. "Attach a cluster namespace to this workspace to run jobs on it." */
  description?: React.ReactNode;
  /** The button for the next step; pass it only when the user is permitted to take it. */
  action?: React.ReactNode;
  icon?: LucideIcon;
  className?: string;
}

/** The empty state of a list or panel: what this is, the next step, and the button when permitted. */
export function EmptyState({ title, description, action, icon: Icon = Inbox, className }: EmptyStateProps) {
  return (
    <div className={cn('flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed border-border px-6 py-10 text-center', className)}>
      <Icon aria-hidden className="size-8 text-muted-foreground" strokeWidth={1.5} />
      <p className="text-sm font-semibold">{title}</p>
      {description && <div className="max-w-md text-sm text-muted-foreground">{description}</div>}
      {action && <div className="mt-2 flex flex-wrap justify-center gap-2">{action}</div>}
    </div>
  );
}

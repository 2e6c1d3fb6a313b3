import * as React from 'react';
import { cn } from '@/lib/utils';
import { Breadcrumb, type Crumb } from './breadcrumb';
import { MoreActionsMenu } from './more-actions-menu';

export interface PageHeaderProps {
  title: React.ReactNode;
  breadcrumb?: Crumb[];
  description?: React.ReactNode;
  /** Shown beside the title: e.g. a <StatusBadge>. */
  status?: React.ReactNode;
  /** The primary action (a <Button>), on the right. Pass it only when the user is permitted. */
  primaryAction?: React.ReactNode;
  /** Secondary actions: <DropdownMenuItem> elements, shown in a "More actions" menu. */
  secondaryActions?: React.ReactNode;
  className?: string;
}

/** Page header: breadcrumb, title (the page's h1), description, primary action and a secondary-actions menu. */
export function PageHeader({
  title, breadcrumb, description, status, primaryAction, secondaryActions, className,
}: PageHeaderProps) {
  return (
    <header className={cn('flex flex-col gap-2 pb-4', className)}>
      {breadcrumb && <Breadcrumb items={breadcrumb} />}
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="truncate text-xl font-semibold tracking-tight">{title}</h1>
            {status}
          </div>
          {description && <div className="max-w-3xl text-sm text-muted-foreground">{description}</div>}
        </div>
        {(primaryAction || secondaryActions) && (
          <div className="flex shrink-0 items-center gap-2">
            {secondaryActions && <MoreActionsMenu>{secondaryActions}</MoreActionsMenu>}
            {primaryAction}
          </div>
        )}
      </div>
    </header>
  );
}

import * as React from 'react';
import { cva, type VariantProps } from 'class-variance-authority';
import { cn } from '@/lib/utils';

export const badgeVariants = cva(
  'inline-flex items-center gap-1 whitespace-nowrap rounded-md border px-1.5 py-0.5 text-xs font-medium ' +
    'leading-4 [&_svg]:size-3.5 [&_svg]:shrink-0',
  {
    variants: {
      tone: {
        neutral: 'border-border bg-muted text-muted-foreground',
        accent: 'border-accent/30 bg-accent-soft text-accent-text',
        success: 'border-success/30 bg-success-soft text-success-text',
        warning: 'border-warning/30 bg-warning-soft text-warning-text',
        danger: 'border-danger/30 bg-danger-soft text-danger-text',
        info: 'border-info/30 bg-info-soft text-info-text',
        outline: 'border-border bg-transparent text-foreground',
      },
    },
    defaultVariants: { tone: 'neutral' },
  },
);

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>['tone']>;

/** A small label (counts, tags, pool names). For states use <StatusBadge>, which adds the icon and word. */
export function Badge({ className, tone, ...props }: React.ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}

import * as React from 'react';
import { cn } from '@/lib/utils';

export const controlClasses =
  'w-full min-w-0 rounded-md border border-input bg-surface px-3 text-sm text-foreground shadow-xs ' +
  'placeholder:text-muted-foreground disabled:cursor-not-allowed disabled:opacity-50 ' +
  'aria-invalid:border-danger aria-invalid:ring-1 aria-invalid:ring-danger';

/** A text input. Wrap it in <FormField> to get its label, description and error wired up. */
export function Input({ className, type = 'text', ...props }: React.ComponentProps<'input'>) {
  return <input type={type} className={cn(controlClasses, 'h-9 py-1', className)} {...props} />;
}

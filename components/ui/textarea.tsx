import * as React from 'react';
import { cn } from '@/lib/utils';
import { controlClasses } from './input';

/** A multi-line text input; `mono` for YAML, JSON and keys. */
export function Textarea({ className, mono, ...props }: React.ComponentProps<'textarea'> & { mono?: boolean }) {
  return (
    <textarea
      className={cn(controlClasses, 'min-h-20 py-2', mono && 'font-mono text-xs', className)}
      {...props}
    />
  );
}

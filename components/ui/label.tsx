'use client';

import * as React from 'react';
import * as LabelPrimitive from '@radix-ui/react-label';
import { cn } from '@/lib/utils';

/** A form label; `required` appends a visual marker (the control itself carries `required`/`aria-required`). */
export function Label({
  className, required, children, ...props
}: React.ComponentProps<typeof LabelPrimitive.Root> & { required?: boolean }) {
  return (
    <LabelPrimitive.Root
      className={cn('text-sm font-medium leading-none text-foreground peer-disabled:opacity-50', className)}
      {...props}
    >
      {children}
      {required && <span aria-hidden className="ml-0.5 text-danger-text">*</span>}
    </LabelPrimitive.Root>
  );
}

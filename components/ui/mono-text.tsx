import * as React from 'react';
import { cn } from '@/lib/utils';
import { CopyButton } from './copy-button';

export interface MonoTextProps {
  /** The id, key, URL or name to show. */
  value: string;
  /** Show a copy button (default true). */
  copy?: boolean;
  /** Accessible name of the copy button: "Copy endpoint URL". */
  copyLabel?: string;
  /** Truncate long values with an ellipsis (the full value is in the title and is what gets copied). */
  truncate?: boolean;
  className?: string;
}

/** Ids, URLs and keys in monospace with a copy button: <MonoText value={job.id} copyLabel="Copy job id" />. */
export function MonoText({ value, copy = true, copyLabel, truncate = false, className }: MonoTextProps) {
  return (
    <span className={cn('inline-flex max-w-full items-center gap-0.5 align-middle', className)}>
      <code className={cn('font-mono text-[0.8125rem]', truncate && 'truncate')} title={truncate ? value : undefined}>
        {value}
      </code>
      {copy && <CopyButton value={value} label={copyLabel ?? `Copy ${value}`} />}
    </span>
  );
}

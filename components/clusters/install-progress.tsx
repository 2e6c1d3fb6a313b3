'use client';

import * as React from 'react';
import { CircleCheck, CircleDashed, CircleMinus, CircleX, Loader2 } from 'lucide-react';
import { cn } from '@/lib/utils';

export interface StepView {
  key: string;
  title: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
}

const ICONS = {
  pending: { icon: CircleDashed, cls: 'text-muted-foreground', word: 'pending' },
  running: { icon: Loader2, cls: 'text-info-text motion-safe:animate-spin', word: 'running' },
  done: { icon: CircleCheck, cls: 'text-success-text', word: 'done' },
  failed: { icon: CircleX, cls: 'text-danger-text', word: 'failed' },
  skipped: { icon: CircleMinus, cls: 'text-muted-foreground', word: 'skipped' },
} as const;

/** Install steps, each with its state and what happened ("created", "unchanged", "2 of 3 ready", the error). */
export function InstallProgress({ steps, className }: { steps: StepView[]; className?: string }) {
  const done = steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const running = steps.find((s) => s.status === 'running');
  return (
    <div className={cn('grid gap-2', className)}>
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {done} of {steps.length} steps done{running ? ` — ${running.title}` : ''}
      </p>
      <ol className="grid gap-1" aria-label="Install steps">
        {steps.map((s) => {
          const st = ICONS[s.status] ?? ICONS.pending;
          const Icon = st.icon;
          return (
            <li key={s.key} className="flex items-start gap-2 text-sm" data-step={s.key} data-status={s.status}>
              <Icon aria-hidden className={cn('mt-0.5 size-4 shrink-0', st.cls)} />
              <span className="sr-only">{st.word}: </span>
              <span className={cn(s.status === 'pending' && 'text-muted-foreground')}>
                {s.title}
                {s.detail ? <span className={cn('ml-1', s.status === 'failed' ? 'font-medium text-danger-text' : 'text-muted-foreground')}>— {s.detail}</span> : null}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

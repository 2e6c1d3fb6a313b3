'use client';

import * as React from 'react';
import { CircleX, RotateCw } from 'lucide-react';
import { cn } from '@/lib/utils';
import { Button } from './button';
import { CopyButton } from './copy-button';

/** The subset of an RFC 9457 problem+json body the UI shows. */
export interface ProblemLike {
  title?: string;
  detail?: string;
  status?: number;
  /** Request id for support and the logs (our API puts it in `requestId`; `instance` is accepted too). */
  requestId?: string;
  instance?: string;
}

export interface ErrorStateProps {
  problem?: ProblemLike;
  /** Overrides the heading; defaults to the problem's title or "Something went wrong". */
  title?: string;
  /** Retry in place (e.g. react-query refetch or an error boundary's reset). */
  onRetry?: () => void;
  /** Or retry by navigating (server-rendered pages). */
  retryHref?: string;
  className?: string;
}

/** The error state of a list or panel: the problem's detail, a retry, and the request id to quote. */
export function ErrorState({ problem, title, onRetry, retryHref, className }: ErrorStateProps) {
  const requestId = problem?.requestId ?? problem?.instance;
  return (
    <div role="alert" className={cn('flex flex-col items-start gap-2 rounded-lg border border-danger/40 bg-danger-soft p-4', className)}>
      <div className="flex items-center gap-2 text-sm font-semibold text-danger-text">
        <CircleX aria-hidden className="size-4 shrink-0" />
        {title ?? problem?.title ?? 'Something went wrong'}
      </div>
      {problem?.detail && <p className="text-sm text-foreground">{problem.detail}</p>}
      <div className="flex flex-wrap items-center gap-3">
        {onRetry && (
          <Button variant="secondary" size="sm" onClick={onRetry}><RotateCw aria-hidden />Retry</Button>
        )}
        {!onRetry && retryHref && (
          <Button variant="secondary" size="sm" asChild><a href={retryHref}><RotateCw aria-hidden />Retry</a></Button>
        )}
        {requestId && (
          <span className="flex items-center gap-1 text-xs text-muted-foreground">
            Request id <code className="font-mono text-foreground">{requestId}</code>
            <CopyButton value={requestId} label="Copy request id" size="icon-sm" />
          </span>
        )}
      </div>
    </div>
  );
}

import * as React from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import type { HealthCheckDto } from '@/lib/clusters/schemas';
import { cn } from '@/lib/utils';

const ORDER = { error: 0, warning: 1, ok: 2 } as const;

/**
 * Every check with its stable code, what it found and the fix. Problems first; checks that could not run are
 * marked "not run" rather than passed.
 */
export function HealthChecks({ checks, className }: { checks: HealthCheckDto[]; className?: string }) {
  const sorted = [...checks].sort((a, b) => ORDER[a.status] - ORDER[b.status] || Number(!!a.skipped) - Number(!!b.skipped));
  return (
    <ul className={cn('divide-y divide-border rounded-md border border-border', className)} aria-label="Health checks">
      {sorted.map((c) => (
        <li key={c.code} className="grid gap-1.5 px-4 py-3" data-check={c.code} data-status={c.status}>
          <div className="flex flex-wrap items-center gap-2">
            {c.skipped ? <StatusBadge kind="check" status="not run" /> : <StatusBadge kind="check" status={c.status} />}
            <span className="font-medium">{c.title}</span>
            <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs text-muted-foreground">{c.code}</code>
          </div>
          <p className="text-sm">{c.detail}</p>
          {c.fix && !c.skipped ? (
            <p className="text-sm text-muted-foreground">
              <span className="font-medium text-foreground">Fix: </span>
              {c.fix}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** "2 errors · 1 warning" (or "All checks pass"). */
export function ChecksSummary({ checks }: { checks: HealthCheckDto[] }) {
  const errors = checks.filter((c) => c.status === 'error').length;
  const warnings = checks.filter((c) => c.status === 'warning' && !c.skipped).length;
  const skipped = checks.filter((c) => c.skipped).length;
  if (!errors && !warnings && !skipped) return <StatusBadge kind="check" status="ok" detail={`all ${checks.length} checks pass`} />;
  return (
    <span className="inline-flex flex-wrap gap-1.5">
      {errors ? <StatusBadge kind="check" status="error" detail={`${errors} error${errors === 1 ? '' : 's'}`} /> : null}
      {warnings ? <StatusBadge kind="check" status="warning" detail={`${warnings} warning${warnings === 1 ? '' : 's'}`} /> : null}
      {skipped ? <StatusBadge kind="check" status="not run" detail={`${skipped} not run`} /> : null}
    </span>
  );
}

import * as React from 'react';
import { formatAmount, formatAmountOf, formatPercent, type ResourceKind } from '@/lib/format';
import { cn } from '@/lib/utils';

export interface GaugeProps {
  /** What is measured: "GPUs", "CPU", "Memory", "Running jobs". */
  label: string;
  used: number;
  /** The quota; null means "no limit". */
  limit: number | null;
  /** Resource kind for units; omit for plain counts. */
  kind?: ResourceKind;
  /** Size of the dial in px (width). */
  size?: number;
  className?: string;
}

/** Tone by fill: calm under 75 %, warning to 90 %, danger above — with the words always shown too. */
export function gaugeTone(ratio: number): 'accent' | 'warning' | 'danger' {
  if (ratio >= 0.9) return 'danger';
  if (ratio >= 0.75) return 'warning';
  return 'accent';
}

const STROKE: Record<ReturnType<typeof gaugeTone>, string> = {
  accent: 'stroke-accent', warning: 'stroke-warning', danger: 'stroke-danger',
};

/** Quota used vs limit as a half-circle dial with the percentage and "6 of 16 GPUs" below (role=meter). */
export function Gauge({ label, used, limit, kind, size = 120, className }: GaugeProps) {
  const amount = (v: number) => (kind ? formatAmount(kind, v) : String(Math.round(v * 100) / 100));
  const ratio = limit != null && limit > 0 ? used / limit : limit === 0 && used > 0 ? 1 : 0;
  const clamped = Math.min(1, Math.max(0, ratio));
  const words =
    limit == null
      ? `${amount(used)} used · no limit`
      : kind ? formatAmountOf(kind, used, limit) : `${amount(used)} of ${amount(limit)}`;
  const tone = gaugeTone(ratio);
  // Half circle of radius 40 centred at (50, 50): arc length π·40.
  const arc = Math.PI * 40;
  return (
    <figure className={cn('inline-flex flex-col items-center gap-1', className)} style={{ width: size }}>
      <div
        role="meter"
        aria-label={`${label} quota`}
        aria-valuemin={0}
        aria-valuemax={limit ?? undefined}
        aria-valuenow={used}
        aria-valuetext={limit == null ? words : `${words} (${formatPercent(ratio)})`}
        className="relative w-full"
      >
        <svg viewBox="0 0 100 56" className="w-full" aria-hidden>
          <path d="M 10 50 A 40 40 0 0 1 90 50" fill="none" strokeWidth="9" strokeLinecap="round" className="stroke-muted" />
          {limit != null && clamped > 0 && (
            <path
              d="M 10 50 A 40 40 0 0 1 90 50" fill="none" strokeWidth="9" strokeLinecap="round"
              strokeDasharray={`${arc * clamped} ${arc}`} className={STROKE[tone]}
            />
          )}
        </svg>
        <span className="absolute inset-x-0 bottom-0 text-center text-lg font-semibold tabular-nums leading-none">
          {limit == null ? '—' : formatPercent(ratio)}
        </span>
      </div>
      <figcaption className="text-center text-xs">
        <span className="block font-medium text-foreground">{label}</span>
        <span className={cn('tabular-nums', tone === 'danger' && limit != null ? 'text-danger-text' : 'text-muted-foreground')}>{words}</span>
      </figcaption>
    </figure>
  );
}

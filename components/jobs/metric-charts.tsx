'use client';

import * as React from 'react';
import { CartesianGrid, Line, LineChart, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis, type TooltipContentProps } from 'recharts';
import { formatMetric, type Goal, type TrialRow } from './sweep-model';
import { byTrialPoints, stepTable, trialTicks, valueAxis, type StepSeries, type TrialPoint } from './metric-chart-data';

// The charts of the job pages, drawn with recharts and loaded lazily (next/dynamic, UI.md "Building blocks"):
//   MetricByTrialChart   a sweep's primary metric by trial: x the trial index, y its final value; completed,
//                        running, stopped early and failed trials marked differently, the best one as a star
//   StepChart            lines over steps: a sweep's trials (one line each, coloured by how good they ended), or
//                        one metric of a command job or trial
// Colours are the theme's tokens (CSS variables work in SVG attributes), so light and dark both read.

const AXIS_TICK = { fontSize: 12, fill: 'var(--muted-foreground)' };
const GRID = 'var(--border)';

export const POINT_STYLE: Record<TrialPoint['kind'], { label: string; color: string; shape: 'circle' | 'cross' | 'star' | 'diamond'; size: number }> = {
  best: { label: 'best', color: 'var(--success)', shape: 'star', size: 180 },
  completed: { label: 'completed', color: 'var(--accent)', shape: 'circle', size: 60 },
  running: { label: 'running', color: 'var(--info)', shape: 'diamond', size: 60 },
  stopped: { label: 'stopped early', color: 'var(--warning)', shape: 'cross', size: 90 },
  failed: { label: 'failed', color: 'var(--danger)', shape: 'cross', size: 90 },
  canceled: { label: 'canceled', color: 'var(--muted-foreground)', shape: 'cross', size: 90 },
};

function TooltipBox({ children }: { children: React.ReactNode }) {
  return <div className="max-w-xs rounded-md border border-border bg-surface px-3 py-2 text-xs text-foreground shadow-md">{children}</div>;
}

function TrialTooltip({ active, payload, metric }: Partial<TooltipContentProps<number, string>> & { metric: string }) {
  const p = active ? (payload?.[0]?.payload as TrialPoint | undefined) : undefined;
  if (!p) return null;
  return (
    <TooltipBox>
      <div className="font-mono font-medium">{p.name}</div>
      <div className="tabular-nums">
        {metric} {formatMetric(p.value)} · {POINT_STYLE[p.kind].label}
      </div>
      {p.parameters && <div className="text-muted-foreground">{p.parameters}</div>}
    </TooltipBox>
  );
}

/** The primary metric's final value of each trial that reported it, by trial index. */
export function MetricByTrialChart({ rows, metric, parameterNames, height = 240 }: { rows: TrialRow[]; metric: string; goal: Goal; parameterNames: string[]; height?: number }) {
  const points = React.useMemo(() => byTrialPoints(rows, parameterNames), [rows, parameterNames]);
  const kinds = (Object.keys(POINT_STYLE) as Array<TrialPoint['kind']>).filter((k) => points.some((p) => p.kind === k));
  const y = React.useMemo(() => valueAxis(points.map((p) => p.value)), [points]);
  const xTicks = React.useMemo(() => trialTicks(rows.map((r) => r.index)), [rows]);
  return (
    <div className="grid gap-2 [&>*]:min-w-0">
      <ScatterChart responsive style={{ width: '100%', height }} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
        <XAxis
          type="number"
          dataKey="index"
          name="trial"
          allowDecimals={false}
          domain={[-0.5, Math.max(0, ...rows.map((r) => r.index)) + 0.5]}
          ticks={xTicks}
          tick={AXIS_TICK}
          tickFormatter={(v: number) => (Number.isInteger(v) ? String(v) : '')}
          label={{ value: 'trial', position: 'insideBottomRight', offset: -2, fontSize: 12, fill: 'var(--muted-foreground)' }}
          height={32}
        />
        <YAxis type="number" dataKey="value" name={metric} domain={y.domain} ticks={y.ticks} allowDataOverflow tick={AXIS_TICK} tickFormatter={(v: number) => formatMetric(v)} width={56} />
        <Tooltip content={<TrialTooltip metric={metric} />} cursor={{ strokeDasharray: '3 3', stroke: 'var(--muted-foreground)' }} />
        {/* One z axis per kind only to size its marks. */}
        {kinds.map((k) => (
          <ZAxis key={k} zAxisId={k} range={[POINT_STYLE[k].size, POINT_STYLE[k].size]} />
        ))}
        {kinds.map((k) => (
          <Scatter key={k} zAxisId={k} name={POINT_STYLE[k].label} data={points.filter((p) => p.kind === k)} fill={POINT_STYLE[k].color} stroke={POINT_STYLE[k].color} shape={POINT_STYLE[k].shape} isAnimationActive={false} />
        ))}
      </ScatterChart>
      <ChartLegend items={kinds.map((k) => ({ label: POINT_STYLE[k].label, color: POINT_STYLE[k].color, shape: POINT_STYLE[k].shape }))} />
    </div>
  );
}

export function ChartLegend({ items }: { items: Array<{ label: string; color: string; shape?: 'circle' | 'cross' | 'star' | 'diamond' | 'line' | 'dashed' }> }) {
  if (!items.length) return null;
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
      {items.map((i) => (
        <li key={i.label} className="inline-flex items-center gap-1.5">
          <svg aria-hidden width="14" height="14" viewBox="0 0 14 14">
            {i.shape === 'line' || i.shape === 'dashed' ? (
              <line x1="1" y1="7" x2="13" y2="7" stroke={i.color} strokeWidth="2.5" strokeDasharray={i.shape === 'dashed' ? '3 2' : undefined} />
            ) : i.shape === 'cross' ? (
              <path d="M3 3L11 11M11 3L3 11" stroke={i.color} strokeWidth="2.5" />
            ) : i.shape === 'star' ? (
              <path d="M7 1l1.8 3.9 4.2.4-3.2 2.8.9 4.1L7 10.1 3.3 12.2l.9-4.1L1 5.3l4.2-.4z" fill={i.color} />
            ) : i.shape === 'diamond' ? (
              <path d="M7 1L13 7L7 13L1 7Z" fill={i.color} />
            ) : (
              <circle cx="7" cy="7" r="5" fill={i.color} />
            )}
          </svg>
          {i.label}
        </li>
      ))}
    </ul>
  );
}

function StepTooltip({ active, payload, label, series }: Partial<TooltipContentProps<number, string>> & { series: StepSeries[] }) {
  if (!active || !payload?.length) return null;
  const byKey = new Map(series.map((s) => [s.key, s]));
  const shown = payload
    .filter((p) => typeof p.value === 'number')
    .map((p) => ({ s: byKey.get(String(p.dataKey)), value: p.value as number }))
    .filter((p): p is { s: StepSeries; value: number } => !!p.s)
    .sort((a, b) => (b.s.rank ?? 0) - (a.s.rank ?? 0));
  const max = 8;
  return (
    <TooltipBox>
      <div className="mb-1 font-medium">step {label}</div>
      <ul className="grid gap-0.5">
        {shown.slice(0, max).map(({ s, value }) => (
          <li key={s.key} className="flex items-center justify-between gap-3">
            <span className="inline-flex min-w-0 items-center gap-1.5">
              <span aria-hidden className="inline-block h-0.5 w-3 shrink-0" style={{ background: s.color }} />
              <span className="truncate font-mono">{s.label}</span>
            </span>
            <span className="tabular-nums">{formatMetric(value)}</span>
          </li>
        ))}
      </ul>
      {shown.length > max && <div className="mt-1 text-muted-foreground">and {shown.length - max} more</div>}
    </TooltipBox>
  );
}

/** Lines over steps (one per series), x the step. */
export function StepChart({ series, height = 240, compact = false }: { series: StepSeries[]; height?: number; compact?: boolean }) {
  const data = React.useMemo(() => stepTable(series), [series]);
  // The best (highest rank) last, so it is drawn on top.
  const ordered = React.useMemo(() => [...series].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)), [series]);
  const single = data.length === 1;
  return (
    <LineChart responsive data={data} style={{ width: '100%', height }} margin={{ top: 8, right: 12, bottom: compact ? 0 : 4, left: 0 }}>
      <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
      <XAxis
        type="number"
        dataKey="step"
        domain={single ? [(data[0]?.step ?? 0) - 1, (data[0]?.step ?? 0) + 1] : ['dataMin', 'dataMax']}
        allowDecimals={false}
        tick={AXIS_TICK}
        height={compact ? 24 : 32}
        label={compact ? undefined : { value: 'step', position: 'insideBottomRight', offset: -2, fontSize: 12, fill: 'var(--muted-foreground)' }}
      />
      <YAxis type="number" domain={['auto', 'auto']} tick={AXIS_TICK} tickFormatter={(v: number) => formatMetric(v)} width={56} />
      <Tooltip content={<StepTooltip series={series} />} />
      {ordered.map((s) => (
        <Line
          key={s.key}
          dataKey={s.key}
          name={s.label}
          type="linear"
          stroke={s.color}
          strokeWidth={s.width ?? 1.5}
          strokeDasharray={s.dashed ? '4 3' : undefined}
          strokeOpacity={s.opacity ?? 1}
          dot={single || data.length <= 12 ? { r: s.width && s.width > 2 ? 3 : 2, fill: s.color, strokeWidth: 0 } : false}
          activeDot={{ r: 4 }}
          connectNulls
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
}

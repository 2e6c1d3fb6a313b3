'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import type { SweepJobSpec } from '@/lib/aml/job-spec';
import { axisTicks, axisX, axisY, buildAxes, METRIC_AXIS, trialPath, type Plot } from './parallel-coordinates';
import { extent, formatMetric, goodness, goodnessColor, parametersText, type Goal, type TrialRow } from './sweep-model';

// Parameters → metric as parallel coordinates (UI.md "Draw what people compare"), drawn as SVG here (recharts
// has none): one vertical axis per parameter and one for the primary metric, one line per trial coloured from
// worst (amber) to best (the accent), the best trial thick in green. Pointing at a line names the trial; a
// click opens it. The trials table is the alternative for screen readers.

const HEIGHT = 300;
const MARGIN = { top: 40, right: 64, bottom: 16, left: 64 };

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = React.useRef<T>(null);
  const [width, setWidth] = React.useState(0);
  React.useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(([e]) => setWidth(Math.round(e.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

export interface ParallelCoordinatesProps {
  workspace: string;
  rows: TrialRow[];
  parameterNames: string[];
  searchSpace?: SweepJobSpec['searchSpace'];
  metric: { name: string; goal: Goal };
}

export function ParallelCoordinates({ workspace, rows, parameterNames, searchSpace, metric }: ParallelCoordinatesProps) {
  const router = useRouter();
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = React.useState<string | null>(null);
  const axes = React.useMemo(() => buildAxes({ parameters: parameterNames, searchSpace, trials: rows, metric }), [parameterNames, searchSpace, rows, metric]);
  const range = React.useMemo(() => extent(rows.map((r) => r.metric)), [rows]);
  const plot: Plot = { width: Math.max(width, 320), height: HEIGHT, margin: MARGIN };
  // Without a metric first (underneath), then from worst to best, the best last (on top).
  const ordered = React.useMemo(() => {
    const score = (r: TrialRow) => (r.best ? 3 : r.metric === undefined || !range ? -1 : goodness(r.metric, range[0], range[1], metric.goal));
    return [...rows].sort((a, b) => score(a) - score(b));
  }, [rows, range, metric.goal]);
  const hovered = rows.find((r) => r.name === hover);

  return (
    <div className="grid gap-2">
      <div ref={ref} className="relative w-full min-w-0">
        {width > 0 && (
          <svg role="img" aria-label={`Parallel coordinates: ${parameterNames.join(', ')} and ${metric.name} of ${rows.length} trials`} width={plot.width} height={HEIGHT} className="block" onMouseLeave={() => setHover(null)}>
            <g>
              {ordered.map((r) => {
                const d = trialPath(axes, r, plot);
                if (!d) return null;
                const noMetric = r.metric === undefined;
                const g = noMetric || !range ? 0.5 : goodness(r.metric!, range[0], range[1], metric.goal);
                const color = r.best ? 'var(--success)' : noMetric ? 'var(--muted-foreground)' : goodnessColor(g);
                const dim = hover !== null && hover !== r.name;
                return (
                  <g key={r.uid} data-trial={r.name} data-best={r.best || undefined}>
                    <path
                      d={d}
                      fill="none"
                      stroke={color}
                      strokeWidth={r.best || hover === r.name ? 3 : 1.5}
                      strokeDasharray={noMetric ? '4 3' : undefined}
                      strokeOpacity={dim ? 0.15 : noMetric ? 0.6 : 0.9}
                      strokeLinejoin="round"
                    />
                    <path
                      d={d}
                      fill="none"
                      stroke="transparent"
                      strokeWidth={10}
                      className="cursor-pointer"
                      onMouseEnter={() => setHover(r.name)}
                      onClick={() => router.push(`/w/${workspace}/jobs/${encodeURIComponent(r.name)}`)}
                    >
                      <title>{`${r.name}: ${parametersText(r.parameters, parameterNames)} · ${metric.name} ${formatMetric(r.metric)}`}</title>
                    </path>
                  </g>
                );
              })}
            </g>
            {axes.map((axis, i) => {
              const x = axisX(i, axes.length, plot);
              const isMetric = axis.key === METRIC_AXIS;
              // Tick labels outside the plot on the last (metric) axis, left of the others.
              const side = i === axes.length - 1 && axes.length > 1 ? 1 : -1;
              return (
                <g key={axis.key} aria-hidden>
                  <line x1={x} x2={x} y1={axisY(1, plot)} y2={axisY(0, plot)} stroke="var(--muted-foreground)" strokeWidth={1} />
                  <text x={x} y={MARGIN.top - 20} textAnchor={i === 0 ? 'start' : i === axes.length - 1 ? 'end' : 'middle'} className="fill-foreground font-mono text-xs font-medium">
                    {axis.label}
                  </text>
                  {axisTicks(axis).map(([p, text]) => (
                    <g key={`${p}-${text}`}>
                      <line x1={x + side * 4} x2={x} y1={axisY(p, plot)} y2={axisY(p, plot)} stroke="var(--muted-foreground)" />
                      <text x={x + side * 7} y={axisY(p, plot)} dy="0.32em" textAnchor={side < 0 ? 'end' : 'start'} className={isMetric ? 'fill-foreground text-[11px] tabular-nums' : 'fill-muted-foreground text-[11px] tabular-nums'} paintOrder="stroke" stroke="var(--surface)" strokeWidth={3}>
                        {text}
                      </text>
                    </g>
                  ))}
                </g>
              );
            })}
          </svg>
        )}
        {width === 0 && <div style={{ height: HEIGHT }} />}
      </div>
      <div className="flex min-h-5 flex-wrap items-center justify-between gap-x-4 gap-y-1 text-xs text-muted-foreground">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1" aria-label="Legend">
          <span className="inline-flex items-center gap-1.5">
            worse
            <span aria-hidden className="inline-block h-2 w-16 rounded-sm" style={{ background: `linear-gradient(to right, ${goodnessColor(0)}, ${goodnessColor(1)})` }} />
            better {metric.name}
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden className="inline-block h-[3px] w-4 rounded-sm bg-success" /> best trial
          </span>
          {rows.some((r) => r.metric === undefined) && (
            <span className="inline-flex items-center gap-1.5">
              <span aria-hidden className="inline-block w-4 border-t-2 border-dashed border-muted-foreground" /> no {metric.name} yet
            </span>
          )}
        </div>
        <span aria-live="polite" className="font-mono text-foreground">
          {hovered ? `${hovered.name} · ${parametersText(hovered.parameters, parameterNames)} · ${metric.name} ${formatMetric(hovered.metric)}` : ''}
        </span>
      </div>
    </div>
  );
}

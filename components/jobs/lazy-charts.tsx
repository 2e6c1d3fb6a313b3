'use client';

import dynamic from 'next/dynamic';
import { Skeleton } from '@/components/ui/skeleton';

// The recharts charts, loaded only when a page shows one (UI.md: heavy parts load lazily, so the first-load
// JavaScript budget holds). Each shows a skeleton of its height meanwhile.

const placeholder = (height: number) =>
  function ChartLoading() {
    return <Skeleton className="w-full" style={{ height }} />;
  };

export const LazyMetricByTrialChart = dynamic(() => import('./metric-charts').then((m) => m.MetricByTrialChart), { ssr: false, loading: placeholder(268) });
export const LazyStepChart = dynamic(() => import('./metric-charts').then((m) => m.StepChart), { ssr: false, loading: placeholder(240) });
export const LazySmallStepChart = dynamic(() => import('./metric-charts').then((m) => m.StepChart), { ssr: false, loading: placeholder(160) });

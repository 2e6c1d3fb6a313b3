'use client';

import dynamic from 'next/dynamic';
import { Skeleton } from '@/components/ui/skeleton';

// @xyflow/react is loaded only when the sharing map's graph view is shown (UI.md: heavy parts load lazily).
export const LazySharingGraph = dynamic(() => import('./sharing-graph').then((m) => m.SharingGraphView), {
  ssr: false,
  loading: () => <Skeleton className="h-64 w-full" />,
});

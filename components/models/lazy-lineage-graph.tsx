'use client';

import dynamic from 'next/dynamic';
import { Skeleton } from '@/components/ui/skeleton';

// @xyflow/react is loaded only on a version's page (UI.md: heavy parts load lazily); a skeleton meanwhile.
export const LazyLineageGraph = dynamic(() => import('./lineage-graph').then((m) => m.LineageGraphView), {
  ssr: false,
  loading: () => <Skeleton className="h-44 w-full" />,
});

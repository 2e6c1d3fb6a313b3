'use client';

import * as React from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { Download, Network, Table2, Waypoints } from 'lucide-react';
import type { SharingMapDto } from '@/lib/audit/sharing';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PartialBanner } from '@/components/ui/partial-banner';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { cn } from '@/lib/utils';
import { SharingFlags } from './sharing-flags';
import { LazySharingGraph } from './sharing-graph-lazy';
import { SharingMatrix } from './sharing-matrix';
import { SHARING_LOCATIONS, sharingFiltersToParams, type SharingFilters, type SharingView } from './sharing-model';

const LOCATION: Record<string, string> = { cloud: 'Cloud', 'on-prem': 'On-premises', edge: 'Edge' };
const SELECT = 'h-9 rounded-md border border-input bg-surface px-2 text-sm disabled:opacity-60';

export interface SharingMapViewProps {
  /** The map as the service returns it for the filters. */
  map: SharingMapDto;
  filters: SharingFilters;
  /** Every cluster and workspace (the filters' choices, whatever is filtered). */
  clusterOptions: Array<{ name: string; location: string }>;
  workspaceOptions: string[];
}

function FilterSelect(props: { label: string; any: string; value: string; options: Array<{ value: string; label: string }>; onChange: (v: string) => void; disabled?: boolean; mono?: boolean }) {
  return (
    <label className="grid gap-1 text-sm">
      <span className="font-medium">{props.label}</span>
      <select className={cn(SELECT, props.mono && 'font-mono')} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.any}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </label>
  );
}

/** Export links: the API with the same filters, as CSV or JSON. */
export function sharingExportHref(filters: SharingFilters, format: 'csv' | 'json'): string {
  const p = sharingFiltersToParams({ ...filters, view: 'matrix' });
  if (format === 'csv') p.set('format', 'csv');
  const qs = p.toString();
  return `/api/v1/audit/sharing${qs ? `?${qs}` : ''}`;
}

export function SharingExportButtons({ filters }: { filters: SharingFilters }) {
  return (
    <div className="flex gap-2">
      <Button asChild variant="secondary">
        <a href={sharingExportHref(filters, 'csv')} download>
          <Download aria-hidden className="size-4" /> CSV
        </a>
      </Button>
      <Button asChild variant="secondary">
        <a href={sharingExportHref(filters, 'json')} download="harbormaster-sharing.json">
          <Download aria-hidden className="size-4" /> JSON
        </a>
      </Button>
    </div>
  );
}

/**
 * The sharing map's body: filters (location, cluster, workspace: in the URL, the server filters), flags, the
 * per-cluster errors as a banner, and the matrix or the graph (?view=graph; switching does not reload).
 */
export function SharingMapView({ map, filters, clusterOptions, workspaceOptions }: SharingMapViewProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = React.useTransition();
  const [view, setView] = React.useState<SharingView>(filters.view);
  React.useEffect(() => setView(filters.view), [filters.view]);

  const go = (next: Partial<SharingFilters>) => {
    const merged = { ...filters, view, ...next };
    // A cluster outside the chosen location would filter everything out: drop it.
    if (next.location !== undefined && merged.cluster && next.location && clusterOptions.find((c) => c.name === merged.cluster)?.location !== next.location) merged.cluster = '';
    const qs = sharingFiltersToParams(merged).toString();
    startTransition(() => router.push(`${pathname}${qs ? `?${qs}` : ''}`, { scroll: false }));
  };
  const changeView = (v: string) => {
    const next: SharingView = v === 'graph' ? 'graph' : 'matrix';
    setView(next);
    const qs = sharingFiltersToParams({ ...filters, view: next }).toString();
    window.history.replaceState(null, '', `${pathname}${qs ? `?${qs}` : ''}`);
  };
  const filtered = !!(filters.location || filters.cluster || filters.workspace);
  const clustersShown = clusterOptions.filter((c) => !filters.location || c.location === filters.location);
  const targets = map.cells.reduce((n, c) => n + c.targets.length, 0);

  return (
    <div className="grid gap-4">
      <form role="search" aria-label="Filter the sharing map" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect label="Location" any="Any location" value={filters.location} disabled={pending} onChange={(v) => go({ location: v })} options={SHARING_LOCATIONS.map((l) => ({ value: l, label: LOCATION[l] }))} />
        <FilterSelect label="Cluster" any="Any cluster" mono value={filters.cluster} disabled={pending} onChange={(v) => go({ cluster: v })} options={clustersShown.map((c) => ({ value: c.name, label: c.name }))} />
        <FilterSelect label="Workspace" any="Any workspace" mono value={filters.workspace} disabled={pending} onChange={(v) => go({ workspace: v })} options={workspaceOptions.map((w) => ({ value: w, label: w }))} />
        {filtered ? (
          <Button type="button" variant="ghost" onClick={() => go({ location: '', cluster: '', workspace: '' })} disabled={pending}>
            Clear filters
          </Button>
        ) : null}
        <p className="ml-auto self-center text-sm text-muted-foreground tabular-nums" aria-live="polite">
          {pending ? 'Loading…' : `${map.clusters.length} cluster${map.clusters.length === 1 ? '' : 's'} · ${map.workspaces.length} workspace${map.workspaces.length === 1 ? '' : 's'} · ${targets} compute target${targets === 1 ? '' : 's'}`}
        </p>
      </form>

      <PartialBanner errors={map.errors.map((e) => ({ source: e.cluster, message: `${e.message} (usage, namespaces and drift unknown there)` }))} total={map.clusters.length} />

      <SharingFlags flags={map.flags} />

      {map.clusters.length === 0 || (map.cells.length === 0 && map.workspaces.length === 0) ? (
        <EmptyState
          icon={Network}
          title={filtered ? 'Nothing matches these filters' : 'No clusters yet'}
          description={
            filtered ? (
              <>No cluster or workspace matches. <Link className="text-accent-text underline underline-offset-4" href={pathname}>Clear the filters</Link>.</>
            ) : (
              'The sharing map shows which workspaces run on which clusters once an ops admin registers clusters and attaches them to workspaces.'
            )
          }
        />
      ) : (
        <Tabs value={view} onValueChange={changeView}>
          <TabsList aria-label="Sharing map view">
            <TabsTrigger value="matrix"><Table2 aria-hidden /> Matrix</TabsTrigger>
            <TabsTrigger value="graph"><Waypoints aria-hidden /> Graph</TabsTrigger>
          </TabsList>
          <TabsContent value="matrix">
            {map.cells.length === 0 ? (
              <p className="mb-3 text-sm text-muted-foreground">No workspace has compute on {filtered ? 'these clusters' : 'any cluster'} yet: an ops admin attaches compute targets on a cluster’s Compute targets tab.</p>
            ) : null}
            <SharingMatrix map={map} />
          </TabsContent>
          <TabsContent value="graph">
            {view === 'graph' ? <LazySharingGraph map={map} /> : null}
            <p className="mt-2 text-xs text-muted-foreground">Cluster → compute target → workspace. The matrix shows the same data as a table.</p>
          </TabsContent>
        </Tabs>
      )}
    </div>
  );
}

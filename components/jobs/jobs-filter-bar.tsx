'use client';

import * as React from 'react';
import { ChevronDown, X } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { FilterInput, useDebouncedText } from '@/components/ui/data-table-parts';
import {
  DropdownMenu, DropdownMenuCheckboxItem, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { hasFilters, NO_FILTERS, type JobListFilters, type JobOrder } from '@/lib/jobs/list-query';
import { JOB_STATUSES } from '@/lib/jobs/status';
import { cn } from '@/lib/utils';

// The jobs list's filter bar. Every control writes the URL (the page reads its filters from there), so a
// filtered, sorted view can be bookmarked and shared; text fields report after typing pauses.

const selectClass = 'h-9 rounded-md border border-input bg-surface px-2 text-sm';
const ACTIVE = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing'];
const ENDED = ['Completed', 'Failed', 'Canceled'];

const SORTS: Array<{ value: string; label: string }> = [
  { value: 'createdAt:desc', label: 'Newest first' },
  { value: 'createdAt:asc', label: 'Oldest first' },
  { value: 'name:asc', label: 'Name A–Z' },
  { value: 'name:desc', label: 'Name Z–A' },
  { value: 'status:asc', label: 'Status A–Z' },
  { value: 'status:desc', label: 'Status Z–A' },
  { value: 'duration:desc', label: 'Longest run first' },
  { value: 'duration:asc', label: 'Shortest run first' },
];

/** A text box that reports after typing pauses and adopts outside changes (clearing, navigation). */
function DebouncedInput({ value, onChange, ...props }: Omit<React.ComponentProps<typeof Input>, 'value' | 'onChange'> & { value: string; onChange: (v: string) => void }) {
  const [text, setText] = useDebouncedText(value, onChange, 300);
  return <Input value={text} onChange={(e) => setText(e.target.value)} {...props} />;
}

/** A day (YYYY-MM-DD) from an ISO instant or a day, and the instant a day starts (UTC). */
const dayOf = (v: string) => (v ? v.slice(0, 10) : '');
const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

export interface JobsFilterBarProps {
  filters: JobListFilters;
  onChange: (next: JobListFilters) => void;
  computeTargets: string[];
  /** The signed-in user's email ("Mine"). */
  me: string | null;
  /** At the end of the bar (the live indicator). */
  trailing?: React.ReactNode;
}

export function JobsFilterBar({ filters, onChange, computeTargets, me, trailing }: JobsFilterBarProps) {
  const set = (patch: Partial<JobListFilters>) => onChange({ ...filters, ...patch });
  const toggleStatus = (s: string, on: boolean) => set({ status: on ? [...filters.status, s] : filters.status.filter((x) => x !== s) });
  const statusLabel = !filters.status.length ? 'any' : filters.status.length <= 2 ? filters.status.join(', ') : `${filters.status.slice(0, 2).join(', ')} +${filters.status.length - 2}`;
  const order = filters.orderBy ? `${filters.orderBy.field}:${filters.orderBy.dir}` : 'createdAt:desc';
  // `until` is exclusive; the "to" box shows the last day included.
  const toDay = filters.until ? addDays(dayOf(filters.until), filters.until.length > 10 ? 0 : -1) : '';
  return (
    <div role="search" aria-label="Filter jobs" className="grid gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid w-56 gap-1 xl:w-80">
          <span className="text-xs text-muted-foreground">Name</span>
          <FilterInput value={filters.q} onChange={(q) => set({ q: q.trim() })} placeholder="Name or display name…" label="Search jobs by name" debounceMs={300} />
        </div>
        <div className="grid gap-1">
          <span className="text-xs text-muted-foreground" id="jobs-status-label">Status</span>
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="secondary" className="w-36 justify-between font-normal xl:w-44" aria-labelledby="jobs-status-label jobs-status-value">
                <span id="jobs-status-value" className="truncate">{statusLabel}</span>
                <ChevronDown aria-hidden className="opacity-60" />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="start">
              <DropdownMenuLabel>Show jobs that are</DropdownMenuLabel>
              {JOB_STATUSES.map((s) => (
                <DropdownMenuCheckboxItem key={s} checked={filters.status.includes(s)} onCheckedChange={(on) => toggleStatus(s, on === true)} onSelect={(e) => e.preventDefault()}>
                  {s}
                </DropdownMenuCheckboxItem>
              ))}
              <DropdownMenuSeparator />
              <DropdownMenuItem onSelect={() => set({ status: ACTIVE })}>Only active</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => set({ status: ENDED })}>Only ended</DropdownMenuItem>
              <DropdownMenuItem onSelect={() => set({ status: [] })}>Any status</DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        </div>
        <label className="grid gap-1">
          <span className="text-xs text-muted-foreground">Compute target</span>
          <select className={cn(selectClass, 'w-36 xl:w-44')} value={filters.compute} onChange={(e) => set({ compute: e.target.value })}>
            <option value="">All</option>
            {[...new Set([...computeTargets, ...(filters.compute ? [filters.compute] : [])])].map((c) => (
              <option key={c} value={c}>{c}</option>
            ))}
          </select>
        </label>
        <label className="grid gap-1">
          <span className="text-xs text-muted-foreground">Sort</span>
          <select
            className={cn(selectClass, 'w-36 xl:w-44')}
            value={order}
            onChange={(e) => {
              const [field, dir] = e.target.value.split(':') as [JobOrder['field'], JobOrder['dir']];
              set({ orderBy: field === 'createdAt' && dir === 'desc' ? null : { field, dir } });
            }}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>{s.label}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <label className="grid gap-1">
          <span className="text-xs text-muted-foreground">Experiment</span>
          <DebouncedInput value={filters.experiment} onChange={(experiment) => set({ experiment })} placeholder="Any" className="w-44" />
        </label>
        <div className="grid gap-1">
          <label htmlFor="jobs-created-by" className="text-xs text-muted-foreground">Submitted by</label>
          <div className="flex gap-1">
            <DebouncedInput id="jobs-created-by" type="email" value={filters.createdBy} onChange={(createdBy) => set({ createdBy })} placeholder="Anyone (email)" className="w-56" />
            {me && filters.createdBy.toLowerCase() !== me.toLowerCase() && (
              <Button variant="secondary" onClick={() => set({ createdBy: me })}>Mine</Button>
            )}
          </div>
        </div>
        <fieldset className="grid gap-1">
          <legend className="mb-1 text-xs text-muted-foreground">Submitted between (UTC days)</legend>
          <div className="flex items-center gap-1">
            <Input type="date" aria-label="Submitted from" className="w-40" value={dayOf(filters.since)} max={toDay || undefined} onChange={(e) => set({ since: e.target.value })} />
            <span aria-hidden className="text-muted-foreground">–</span>
            <Input type="date" aria-label="Submitted until (inclusive)" className="w-40" value={toDay} min={dayOf(filters.since) || undefined} onChange={(e) => set({ until: e.target.value ? addDays(e.target.value, 1) : '' })} />
          </div>
        </fieldset>
        {hasFilters(filters) && (
          <Button variant="ghost" onClick={() => onChange({ ...NO_FILTERS, orderBy: filters.orderBy })}>
            <X aria-hidden /> Clear filters
          </Button>
        )}
        {trailing && <div className="ml-auto flex h-9 items-center">{trailing}</div>}
      </div>
    </div>
  );
}

'use client';

import * as React from 'react';
import Link from 'next/link';
import type { Header } from '@tanstack/react-table';
import { flexRender } from '@tanstack/react-table';
import { ArrowDown, ArrowUp, ChevronLeft, ChevronRight, ChevronsUpDown, Search, X } from 'lucide-react';
import { formatCount } from '@/lib/format';
import { cn } from '@/lib/utils';
import { Button } from './button';
import { Input } from './input';

/** A header cell's content: a button that cycles the sort, with the direction drawn and in aria-sort on the <th>. */
export function SortableHeader<TData>({ header }: { header: Header<TData, unknown> }) {
  const content = flexRender(header.column.columnDef.header, header.getContext());
  if (!header.column.getCanSort()) return <>{content}</>;
  const dir = header.column.getIsSorted();
  const Icon = dir === 'asc' ? ArrowUp : dir === 'desc' ? ArrowDown : ChevronsUpDown;
  return (
    <button
      type="button"
      onClick={header.column.getToggleSortingHandler()}
      className={cn(
        '-mx-1.5 inline-flex items-center gap-1 rounded-sm px-1.5 py-0.5 hover:bg-muted hover:text-foreground',
        dir && 'text-foreground',
      )}
    >
      {content}
      <Icon aria-hidden className={cn('size-3.5', !dir && 'opacity-50')} />
    </button>
  );
}

export function ariaSort(dir: false | 'asc' | 'desc'): 'ascending' | 'descending' | 'none' {
  return dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none';
}

/**
 * The text of a box that reports to `onChange` after typing pauses for `debounceMs` (so a server-side filter
 * is not asked per keystroke), and adopts outside changes of `value` (e.g. the URL's ?q= after navigation).
 */
export function useDebouncedText(value: string, onChange: (v: string) => void, debounceMs: number): [string, (text: string) => void] {
  const [text, setText] = React.useState(value);
  // Adopt outside changes during render, not in an effect (but not the echo of what was typed, trimmed).
  const [outside, setOutside] = React.useState(value);
  if (value !== outside) {
    setOutside(value);
    if (value !== text.trim()) setText(value);
  }
  const report = React.useEffectEvent((v: string) => onChange(v));
  React.useEffect(() => {
    if (text === outside) return;
    const t = setTimeout(() => report(text), Math.max(0, debounceMs));
    return () => clearTimeout(t);
  }, [text, outside, debounceMs]);
  return [text, setText];
}

/**
 * The filter box. With `debounceMs` (server-side filtering) it reports after typing pauses, so a
 * request is not made per keystroke.
 */
export function FilterInput({
  value, onChange, placeholder = 'Filter…', label = 'Filter rows', debounceMs = 0,
}: { value: string; onChange: (v: string) => void; placeholder?: string; label?: string; debounceMs?: number }) {
  const [text, setText] = useDebouncedText(value, onChange, debounceMs);
  return (
    <div className="relative w-full max-w-xs">
      <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
      <Input
        type="search"
        aria-label={label}
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="pr-8 pl-8 [&::-webkit-search-cancel-button]:hidden"
      />
      {text && (
        <button
          type="button"
          aria-label="Clear filter"
          onClick={() => setText('')}
          className="absolute top-1/2 right-2 -translate-y-1/2 rounded-sm p-0.5 text-muted-foreground hover:text-foreground"
        >
          <X aria-hidden className="size-3.5" />
        </button>
      )}
    </div>
  );
}

export interface PaginationProps {
  /** 1-based page number. */
  page: number;
  pageSize: number;
  total: number;
  onPageChange?: (page: number) => void;
  /** Link-based paging (server-rendered lists): the href of a page. */
  pageHref?: (page: number) => string;
}

/** "1–50 of 10,000" with previous / next (buttons, or links when `pageHref` is given). */
export function Pagination({ page, pageSize, total, onPageChange, pageHref }: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const step = (target: number, label: string, icon: React.ReactNode, disabled: boolean) => {
    if (pageHref && !disabled) {
      return (
        <Button variant="secondary" size="icon-sm" asChild>
          <Link href={pageHref(target)} aria-label={label} scroll={false}>{icon}</Link>
        </Button>
      );
    }
    return (
      <Button variant="secondary" size="icon-sm" aria-label={label} disabled={disabled || !onPageChange} onClick={() => onPageChange?.(target)}>
        {icon}
      </Button>
    );
  };
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-3 px-3 py-2 text-xs text-muted-foreground">
      <span className="tabular-nums" aria-live="polite">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <div className="flex items-center gap-2">
        <span className="tabular-nums">Page {formatCount(page)} of {formatCount(pages)}</span>
        {step(page - 1, 'Previous page', <ChevronLeft aria-hidden />, page <= 1)}
        {step(page + 1, 'Next page', <ChevronRight aria-hidden />, page >= pages)}
      </div>
    </nav>
  );
}

/**
 * Row highlights for live updates: `flash(id)` marks a row for the highlight's duration. Pass `ids` to
 * DataTable's `highlightedRowIds`.
 */
export function useRowHighlights(durationMs = 1600): [ReadonlySet<string>, (id: string) => void] {
  const [ids, setIds] = React.useState<ReadonlySet<string>>(() => new Set());
  const timers = React.useRef(new Map<string, ReturnType<typeof setTimeout>>());
  React.useEffect(() => {
    const map = timers.current;
    return () => map.forEach(clearTimeout);
  }, []);
  const flash = React.useCallback((id: string) => {
    const existing = timers.current.get(id);
    if (existing) clearTimeout(existing);
    // Remove then re-add on the next frame so a second update restarts the CSS animation.
    setIds((prev) => { const next = new Set(prev); next.delete(id); return next; });
    requestAnimationFrame(() => setIds((prev) => new Set(prev).add(id)));
    timers.current.set(id, setTimeout(() => {
      timers.current.delete(id);
      setIds((prev) => { const next = new Set(prev); next.delete(id); return next; });
    }, durationMs));
  }, [durationMs]);
  return [ids, flash];
}

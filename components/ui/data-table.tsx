'use client';

import * as React from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import {
  flexRender, getCoreRowModel, getFilteredRowModel, getPaginationRowModel, getSortedRowModel, useReactTable,
  type ColumnDef, type Row, type RowData, type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { SearchX } from 'lucide-react';
import { cn } from '@/lib/utils';
import { Button } from './button';
import { EmptyState } from './empty-state';
import { Skeleton } from './skeleton';
import { FilterInput, Pagination, SortableHeader, ariaSort, type PaginationProps } from './data-table-parts';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-align numbers. */
    align?: 'left' | 'right' | 'center';
    /** Extra classes for this column's <th> and <td>s (e.g. a width). */
    className?: string;
  }
}

export interface DataTableProps<TData> {
  /** Column definitions (`createColumnHelper<T>()` or plain ColumnDef objects). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<TData, any>[];
  data: TData[];
  /** Accessible name of the table ("Jobs"). */
  label: string;
  /** Stable row id (used for highlights and React keys); defaults to the row index. */
  getRowId?: (row: TData, index: number) => string;
  /** Every row links to its detail page: the link column's cell becomes a link, and a click anywhere in the row follows it. */
  rowHref?: (row: TData) => string | undefined;
  /** Column whose cell holds the row link; defaults to the first column. */
  linkColumnId?: string;
  loading?: boolean;
  skeletonRows?: number;
  /** What to show with no rows (an <EmptyState>); a "no match" state is shown instead when a filter is active. */
  empty?: React.ReactNode;
  /** Show a filter box. Client-side unless `onFilterChange` is given (then the server filters). */
  filterable?: boolean;
  filterPlaceholder?: string;
  filterValue?: string;
  onFilterChange?: (value: string) => void;
  /** Server-side sorting: controlled state plus a change handler. Without it, sorting is client-side. */
  sorting?: SortingState;
  onSortingChange?: (sorting: SortingState) => void;
  /** Initial sort for client-side sorting, e.g. newest first. */
  defaultSorting?: SortingState;
  /** Server-side pagination (page is 1-based): `data` is the current page. */
  pagination?: PaginationProps;
  /** Client-side pagination for small data sets; omit to show all rows (virtualized above `virtualizeAbove`). */
  clientPageSize?: number;
  /** Rows to flash briefly (live updates); see useRowHighlights. */
  highlightedRowIds?: ReadonlySet<string>;
  /** Extra controls beside the filter (selects, export button). */
  toolbar?: React.ReactNode;
  virtualizeAbove?: number;
  /** Height of the scroll area when virtualized, in px. */
  maxHeight?: number;
  /** Height of a virtual row in px (rows must not grow beyond it: clamp multi-line cells). */
  rowHeight?: number;
  /** Called when the virtual window comes within a screenful of the last row (infinite lists: load the next page). */
  onEndReached?: () => void;
  /** Below the rows, inside the table's frame (e.g. "Load more"). */
  footer?: React.ReactNode;
  className?: string;
}

const ROW_HEIGHT = 37;
const INTERACTIVE = 'a, button, input, select, textarea, label, [role="button"], [role="menuitem"], [role="checkbox"]';
const alignClass = (align?: 'left' | 'right' | 'center') =>
  align === 'right' ? 'text-right' : align === 'center' ? 'text-center' : 'text-left';

/** The one table: sorting (aria-sort), filtering, server or client pagination, row links, skeleton, empty, virtual rows. */
export function DataTable<TData>(props: DataTableProps<TData>) {
  const {
    columns, data, label, getRowId, rowHref, linkColumnId, loading = false, skeletonRows = 5, empty, filterable = false,
    filterPlaceholder, filterValue, onFilterChange, sorting: sortingProp, onSortingChange, defaultSorting, pagination, clientPageSize,
    highlightedRowIds, toolbar, virtualizeAbove = 100, maxHeight = 640, rowHeight = ROW_HEIGHT, onEndReached, footer, className,
  } = props;
  const router = useRouter();
  const serverSort = onSortingChange != null;
  const serverFilter = onFilterChange != null;
  const [localSorting, setLocalSorting] = React.useState<SortingState>(defaultSorting ?? []);
  const [localFilter, setLocalFilter] = React.useState('');
  const [pageIndex, setPageIndex] = React.useState(0);
  const sorting = serverSort ? (sortingProp ?? []) : localSorting;
  const globalFilter = serverFilter ? (filterValue ?? '') : localFilter;

  const table = useReactTable({
    data,
    columns,
    getRowId,
    state: {
      sorting,
      globalFilter,
      ...(clientPageSize && !pagination ? { pagination: { pageIndex, pageSize: clientPageSize } } : {}),
    },
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      if (serverSort) onSortingChange(next); else setLocalSorting(next);
      setPageIndex(0);
    },
    onPaginationChange: (updater) => {
      const next = typeof updater === 'function' ? updater({ pageIndex, pageSize: clientPageSize ?? 50 }) : updater;
      setPageIndex(next.pageIndex);
    },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: serverSort ? undefined : getSortedRowModel(),
    getFilteredRowModel: serverFilter ? undefined : getFilteredRowModel(),
    getPaginationRowModel: clientPageSize && !pagination ? getPaginationRowModel() : undefined,
    manualSorting: serverSort,
    manualFiltering: serverFilter,
    manualPagination: pagination != null || !clientPageSize,
    autoResetPageIndex: false,
  });

  const rows = table.getRowModel().rows;
  const visibleColumns = table.getVisibleLeafColumns();
  const linkColumn = linkColumnId ?? visibleColumns[0]?.id;
  const virtual = !loading && rows.length > virtualizeAbove;
  const scrollRef = React.useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: virtual ? rows.length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    initialRect: { width: 0, height: maxHeight },
  });
  const items = virtual ? virtualizer.getVirtualItems() : [];
  const padTop = items.length > 0 ? items[0].start : 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const shownRows = loading ? [] : virtual ? items.map((v) => rows[v.index]) : rows;
  const lastShown = items.length > 0 ? items[items.length - 1].index : -1;
  const endReached = React.useEffectEvent(() => onEndReached?.());
  React.useEffect(() => {
    if (virtual && lastShown >= rows.length - Math.ceil(maxHeight / rowHeight)) endReached();
  }, [virtual, lastShown, rows.length, maxHeight, rowHeight]);

  const onRowClick = React.useCallback(
    (event: React.MouseEvent<HTMLTableRowElement>, href: string | undefined) => {
      if (!href || event.defaultPrevented) return;
      const target = event.target as HTMLElement;
      if (target.closest(INTERACTIVE) || window.getSelection()?.toString()) return;
      if (event.metaKey || event.ctrlKey) window.open(href, '_blank', 'noopener');
      else router.push(href);
    },
    [router],
  );
  const cellsKey = visibleColumns.map((c) => c.id).join(' ');

  const filterActive = globalFilter.trim() !== '';
  const clearFilter = () => (serverFilter ? onFilterChange('') : setLocalFilter(''));
  const colSpan = Math.max(1, visibleColumns.length);

  return (
    <div className={cn('grid gap-3', className)}>
      {(filterable || toolbar) && (
        <div className="flex flex-wrap items-center gap-2">
          {filterable && (
            <FilterInput
              value={globalFilter}
              onChange={serverFilter ? onFilterChange : setLocalFilter}
              placeholder={filterPlaceholder}
              label={`Filter ${label.toLowerCase()}`}
              debounceMs={serverFilter ? 250 : 0}
            />
          )}
          {toolbar && <div className="ml-auto flex flex-wrap items-center gap-2">{toolbar}</div>}
        </div>
      )}
      <div className="overflow-hidden rounded-lg border border-border bg-surface">
        <div ref={scrollRef} className="overflow-auto" style={virtual ? { maxHeight } : undefined}>
          <table
            aria-label={label}
            aria-busy={loading || undefined}
            aria-rowcount={virtual ? rows.length + 1 : undefined}
            className="w-full border-collapse text-sm tabular-nums"
          >
            <thead className={cn('bg-muted/60', virtual && 'sticky top-0 z-10 bg-muted')}>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id} aria-rowindex={virtual ? 1 : undefined} className="border-b border-border">
                  {group.headers.map((header) => (
                    <th
                      key={header.id}
                      scope="col"
                      colSpan={header.colSpan}
                      aria-sort={header.column.getCanSort() ? ariaSort(header.column.getIsSorted()) : undefined}
                      className={cn(
                        'h-9 px-3 text-xs font-medium whitespace-nowrap text-muted-foreground',
                        alignClass(header.column.columnDef.meta?.align),
                        header.column.columnDef.meta?.className,
                      )}
                    >
                      {header.isPlaceholder ? null : <SortableHeader header={header} />}
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
            <tbody>
              {loading &&
                Array.from({ length: skeletonRows }, (_, r) => (
                  <tr key={`skeleton-${r}`} className="border-b border-border last:border-0">
                    {visibleColumns.map((column) => (
                      <td key={column.id} className="px-3 py-2.5"><Skeleton className="h-4 w-[70%]" /></td>
                    ))}
                  </tr>
                ))}
              {!loading && rows.length === 0 && (
                <tr>
                  <td colSpan={colSpan} className="p-4">
                    {filterActive ? (
                      <EmptyState
                        icon={SearchX}
                        title={`No ${label.toLowerCase()} match “${globalFilter}”`}
                        action={<Button variant="secondary" size="sm" onClick={clearFilter}>Clear filter</Button>}
                        className="border-0"
                      />
                    ) : (
                      empty ?? <EmptyState title={`No ${label.toLowerCase()} yet`} className="border-0" />
                    )}
                  </td>
                </tr>
              )}
              {padTop > 0 && <tr aria-hidden style={{ height: padTop }} />}
              {shownRows.map((row, i) => (
                <DataTableRow
                  key={row.id}
                  row={row}
                  href={rowHref?.(row.original)}
                  rowIndex={virtual ? (items[i]?.index ?? 0) + 2 : undefined}
                  height={virtual ? rowHeight : undefined}
                  highlighted={!!highlightedRowIds?.has(row.id)}
                  linkColumn={linkColumn}
                  cellsKey={cellsKey}
                  columns={columns}
                  onRowClick={onRowClick}
                />
              ))}
              {padBottom > 0 && <tr aria-hidden style={{ height: padBottom }} />}
            </tbody>
          </table>
        </div>
        {footer && <div className="border-t border-border">{footer}</div>}
        {pagination && <div className="border-t border-border"><Pagination {...pagination} /></div>}
        {!pagination && clientPageSize && table.getPageCount() > 1 && (
          <div className="border-t border-border">
            <Pagination
              page={pageIndex + 1}
              pageSize={clientPageSize}
              total={table.getFilteredRowModel().rows.length}
              onPageChange={(p) => setPageIndex(p - 1)}
            />
          </div>
        )}
      </div>
    </div>
  );
}

interface DataTableRowProps<TData> {
  row: Row<TData>;
  href: string | undefined;
  rowIndex: number | undefined;
  height: number | undefined;
  highlighted: boolean;
  linkColumn: string | undefined;
  /** The visible columns, and the column definitions (cells may close over the caller's state): a row re-renders when they change. */
  cellsKey: string;
  columns: unknown;
  onRowClick: (event: React.MouseEvent<HTMLTableRowElement>, href: string | undefined) => void;
}

/**
 * One row, memoized: while scrolling a virtual table only the rows that come into view render (a row's object
 * changes when its data does, so live updates still show).
 */
const DataTableRow = React.memo(function DataTableRow<TData>({ row, href, rowIndex, height, highlighted, linkColumn, onRowClick }: DataTableRowProps<TData>) {
  return (
    <tr
      aria-rowindex={rowIndex}
      onClick={href ? (e) => onRowClick(e, href) : undefined}
      className={cn('border-b border-border last:border-0 hover:bg-muted/50', href && 'cursor-pointer', highlighted && 'animate-row-flash')}
      style={height ? { height } : undefined}
    >
      {row.getVisibleCells().map((cell) => {
        const content = flexRender(cell.column.columnDef.cell, cell.getContext());
        return (
          <td key={cell.id} className={cn('px-3 py-2 align-middle', alignClass(cell.column.columnDef.meta?.align), cell.column.columnDef.meta?.className)}>
            {href && cell.column.id === linkColumn ? (
              <Link href={href} className="font-medium text-foreground hover:text-accent-text hover:underline underline-offset-4">
                {content}
              </Link>
            ) : (
              content
            )}
          </td>
        );
      })}
    </tr>
  );
}) as <TData>(props: DataTableRowProps<TData>) => React.ReactElement;

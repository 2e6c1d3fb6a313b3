import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ColumnDef } from '@tanstack/react-table';
import { describe, expect, it, vi } from 'vitest';
import { DataTable, type DataTableProps } from './data-table';

// The table calls useRouter for row clicks; outside a Next app there is no router to provide it.
vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn() }) }));

interface Job { id: string; name: string; gpus: number }
const columns: ColumnDef<Job, unknown>[] = [
  { accessorKey: 'name', header: 'Name' },
  { accessorKey: 'gpus', header: 'GPUs', meta: { align: 'right' } },
  { id: 'actions', header: '', enableSorting: false, cell: () => h('button', { type: 'button' }, 'Cancel') },
];
const jobs = (n: number): Job[] => Array.from({ length: n }, (_, i) => ({ id: `job-${i}`, name: `train-${i}`, gpus: i % 4 }));
const render = (props: Partial<DataTableProps<Job>>) =>
  renderToStaticMarkup(h(DataTable<Job>, { columns, data: jobs(3), label: 'Jobs', getRowId: (j) => j.id, ...props }));
const bodyRows = (html: string) => (html.split('<tbody>')[1].match(/<tr[ >]/g) ?? []).length;

describe('DataTable', () => {
  it('renders a named table with a row per item and numbers right-aligned', () => {
    const html = render({});
    expect(html).toContain('aria-label="Jobs"');
    expect(bodyRows(html)).toBe(3);
    expect(html).toMatch(/<td class="[^"]*text-right[^"]*">\d+<\/td>/);
  });

  it('marks sortable columns with aria-sort and reflects the server sort', () => {
    const html = render({ sorting: [{ id: 'gpus', desc: true }], onSortingChange: () => {} });
    expect(html).toMatch(/<th[^>]*aria-sort="none"[^>]*>.*?Name/);
    expect(html).toMatch(/<th[^>]*aria-sort="descending"[^>]*>.*?GPUs/);
    // The actions column cannot be sorted, so it claims no sort state.
    expect((html.match(/aria-sort=/g) ?? []).length).toBe(2);
  });

  it('sorts client-side data when no server handler is given', () => {
    const data = [{ id: 'a', name: 'b-job', gpus: 1 }, { id: 'b', name: 'c-job', gpus: 3 }, { id: 'c', name: 'a-job', gpus: 2 }];
    const order = (html: string) => ['a-job', 'b-job', 'c-job'].sort((x, y) => html.indexOf(x) - html.indexOf(y));
    const base = { columns, data, label: 'Jobs', getRowId: (j: Job) => j.id };
    expect(order(renderToStaticMarkup(h(DataTable<Job>, base)))).toEqual(['b-job', 'c-job', 'a-job']);
    const byName = renderToStaticMarkup(h(DataTable<Job>, { ...base, defaultSorting: [{ id: 'name', desc: false }] }));
    expect(order(byName)).toEqual(['a-job', 'b-job', 'c-job']);
    expect(byName).toMatch(/<th[^>]*aria-sort="ascending"[^>]*>.*?Name/);
    const byGpusDesc = renderToStaticMarkup(h(DataTable<Job>, { ...base, defaultSorting: [{ id: 'gpus', desc: true }] }));
    expect(order(byGpusDesc)).toEqual(['c-job', 'a-job', 'b-job']);
  });

  it('links each row to its detail page from the first column', () => {
    const html = render({ rowHref: (j) => `/w/vision/jobs/${j.id}` });
    expect(html).toContain('href="/w/vision/jobs/job-0"');
    expect(html).toMatch(/<a [^>]*href="\/w\/vision\/jobs\/job-2"[^>]*>train-2<\/a>/);
    expect(html).toContain('cursor-pointer');
  });

  it('shows skeleton rows and aria-busy while loading', () => {
    const html = render({ loading: true, skeletonRows: 4 });
    expect(html).toContain('aria-busy="true"');
    expect(bodyRows(html)).toBe(4);
    expect(html).not.toContain('train-0');
  });

  it('shows the empty state with no rows', () => {
    const html = render({ data: [], empty: h('p', null, 'No jobs yet — submit one') });
    expect(html).toContain('No jobs yet — submit one');
    expect(html).toContain('colSpan="3"');
  });

  it('explains an empty result of a filter and offers to clear it', () => {
    const html = render({ data: [], filterable: true, filterValue: 'gpu-99', onFilterChange: () => {} });
    expect(html).toContain('No jobs match “gpu-99”');
    expect(html).toContain('Clear filter');
    expect(html).toContain('aria-label="Filter jobs"');
  });

  it('renders server pagination as a range and page count', () => {
    const html = render({ pagination: { page: 2, pageSize: 50, total: 10_000, pageHref: (p) => `?page=${p}` } });
    expect(html).toContain('51–100 of 10,000');
    expect(html).toContain('Page 2 of 200');
    expect(html).toContain('href="?page=1"');
    expect(html).toContain('href="?page=3"');
  });

  it('paginates small data client-side', () => {
    const html = render({ data: jobs(25), clientPageSize: 10 });
    expect(bodyRows(html)).toBe(10);
    expect(html).toContain('1–10 of 25');
    expect(html).toContain('Page 1 of 3');
  });

  it('virtualizes long lists: only a window of rows is in the DOM, with the full count announced', () => {
    const html = render({ data: jobs(5000), maxHeight: 400 });
    const rows = bodyRows(html);
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
    expect(html).toContain('aria-rowcount="5001"');
    expect(html).toContain('train-0');
    expect(html).not.toContain('train-4999');
  });

  it('does not virtualize short lists', () => {
    const html = render({ data: jobs(100) });
    expect(bodyRows(html)).toBe(100);
    expect(html).not.toContain('aria-rowcount');
  });

  it('highlights updated rows', () => {
    const html = render({ highlightedRowIds: new Set(['job-1']) });
    expect((html.match(/animate-row-flash/g) ?? []).length).toBe(1);
  });
});

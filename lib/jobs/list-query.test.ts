import { describe, expect, it } from 'vitest';
import type { JobSummaryDto } from './dto';
import { appendPage, applyToPage, composeJobList, filtersFromParams, filtersToParams, hasFilters, jobsApiUrl, NO_FILTERS } from './list-query';

const job = (uid: string, over: Partial<JobSummaryDto> = {}): JobSummaryDto => ({
  uid,
  name: `job-${uid}`,
  displayName: '',
  experimentName: '',
  type: 'command',
  status: 'Queued',
  statusMessage: null,
  computeTarget: 'gpu',
  cluster: 'lab',
  instanceType: 'gpu-1',
  instanceCount: 1,
  createdAt: `2026-01-01T00:00:${uid.padStart(2, '0')}.000Z`,
  startedAt: null,
  finishedAt: null,
  createdBy: null,
  ...over,
});
const uids = (l: { items: JobSummaryDto[] }) => l.items.map((j) => j.uid);

describe('filters in the URL', () => {
  it('round-trips every filter with the API parameter names', () => {
    const f = filtersFromParams(new URLSearchParams('status=Running,Queued&compute=azureml:gpu&experiment=yolo&createdBy=dana@example.com&q=res&since=2026-01-01&until=2026-01-08&orderBy=name'));
    expect(f).toEqual({ status: ['Running', 'Queued'], compute: 'gpu', experiment: 'yolo', createdBy: 'dana@example.com', q: 'res', since: '2026-01-01', until: '2026-01-08', orderBy: { field: 'name', dir: 'asc' } });
    expect(filtersToParams(f).toString()).toBe('status=Queued%2CRunning&compute=gpu&experiment=yolo&createdBy=dana%40example.com&q=res&since=2026-01-01&until=2026-01-08&orderBy=name%3Aasc');
    expect(filtersFromParams(filtersToParams(f))).toEqual({ ...f, status: ['Queued', 'Running'] });
    expect(hasFilters(f)).toBe(true);
  });

  it('leaves out what it does not understand instead of failing the page', () => {
    const f = filtersFromParams({ status: ['Bogus', 'Failed'], since: 'yesterday', orderBy: 'size:desc', q: '  ' });
    expect(f).toEqual({ ...NO_FILTERS, status: ['Failed'] });
    // The default order is not written out.
    expect(filtersFromParams(new URLSearchParams('orderBy=createdAt:desc')).orderBy).toBeNull();
    expect(filtersFromParams(new URLSearchParams('orderBy=duration')).orderBy).toEqual({ field: 'duration', dir: 'desc' });
    expect(hasFilters(filtersFromParams(new URLSearchParams('orderBy=name')))).toBe(false);
  });

  it('builds the API URL of a page', () => {
    expect(jobsApiUrl('vision', { ...NO_FILTERS, status: ['Running'] }, { limit: 100, cursor: 'abc' })).toBe('/api/v1/workspaces/vision/jobs?status=Running&limit=100&cursor=abc');
  });
});

describe('the list as shown', () => {
  it('is the first page while there is no more', () => {
    expect(uids(composeJobList({ items: [job('3'), job('2'), job('1')] }, null, null))).toEqual(['3', '2', '1']);
  });

  it('places a job that arrives on the stream in the server order, and leaves rows past the loaded window for their page', () => {
    // Newest first, page 1 of 2: a new job goes on top; an old job that changed (prepended by the stream) waits for its page.
    const head = { items: [job('9'), job('5'), job('4'), job('8'), job('7')], next: 'c1' };
    expect(uids(composeJobList(head, null, null))).toEqual(['9', '8', '7']);
    // Name order.
    const byName = { items: [job('b', { name: 'zeta' }), job('x', { name: 'alpha' }), job('y', { name: 'beta' })] };
    expect(uids(composeJobList(byName, null, { field: 'name', dir: 'asc' }))).toEqual(['x', 'y', 'b']);
  });

  it('keeps the server order for duration (not in the list items) and never shows a row twice', () => {
    const head = { items: [job('n'), job('a'), job('b')], next: 'c1' };
    const older = { items: [job('c'), job('n')], next: undefined };
    const l = composeJobList(head, older, { field: 'duration', dir: 'desc' });
    expect(uids(l)).toEqual(['n', 'a', 'b', 'c']);
    expect(l.next).toBeUndefined();
  });

  it('joins loaded pages, takes fresher rows from the stream and follows the last page cursor', () => {
    const head = { items: [job('9'), job('8', { status: 'Running' })], next: 'c1' };
    const older = appendPage(null, { items: [job('7'), job('6')], next: 'c2' });
    const l = composeJobList(head, older, null);
    expect(uids(l)).toEqual(['9', '8', '7', '6']);
    expect(l.next).toBe('c2');
    const more = appendPage(older, { items: [job('6'), job('5')] });
    expect(uids(more)).toEqual(['7', '6', '5']);
    expect(more.next).toBeUndefined();
    // Stream events for rows of the later pages.
    const modified = applyToPage(more, 'MODIFIED', job('6', { status: 'Completed' }));
    expect(modified.items[1].status).toBe('Completed');
    expect(uids(applyToPage(modified, 'DELETED', job('7')))).toEqual(['6', '5']);
    expect(applyToPage(modified, 'MODIFIED', job('42'))).toBe(modified);
  });
});

// The jobs list's filters and order as the page's URL carries them, and as the jobs API takes them — the same
// parameter names, so a page URL's query string is the API's (DESIGN §4: status, compute, experiment,
// createdBy, since/until, q, orderBy). Parsing here is lenient (a hand-edited URL drops what it does not
// understand instead of failing the page); the API validates strictly. Pure: server pages and the browser
// share it.
import type { JobSummaryDto } from './dto';
import { JOB_STATUSES } from './status';

export const JOB_ORDER_FIELDS = ['createdAt', 'status', 'duration', 'name'] as const;
export type JobOrderField = (typeof JOB_ORDER_FIELDS)[number];
export interface JobOrder {
  field: JobOrderField;
  dir: 'asc' | 'desc';
}

export interface JobListFilters {
  status: string[];
  compute: string;
  experiment: string;
  /** The submitter's email. */
  createdBy: string;
  /** Text in the name or display name. */
  q: string;
  /** A day (YYYY-MM-DD, UTC) or an ISO instant: submitted at or after. */
  since: string;
  /** A day (YYYY-MM-DD, UTC) or an ISO instant: submitted before (exclusive). */
  until: string;
  /** null: the API's default, newest first. */
  orderBy: JobOrder | null;
}

export const NO_FILTERS: JobListFilters = { status: [], compute: '', experiment: '', createdBy: '', q: '', since: '', until: '', orderBy: null };
export const DEFAULT_ORDER: JobOrder = { field: 'createdAt', dir: 'desc' };

/** The direction a field sorts in when its header is first clicked (names A→Z, the rest largest first). */
export const defaultDir = (field: JobOrderField): 'asc' | 'desc' => (field === 'name' ? 'asc' : 'desc');

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function getAll(p: ParamSource, key: string): string[] {
  if (p instanceof URLSearchParams) return p.getAll(key);
  const v = p[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
const get = (p: ParamSource, key: string) => getAll(p, key)[0]?.trim() ?? '';

const validDate = (v: string) => (v && !Number.isNaN(new Date(v).getTime()) ? v : '');

/** Filters from a page URL's search parameters; what is not understood is left out. */
export function filtersFromParams(p: ParamSource): JobListFilters {
  const status = [
    ...new Set(
      getAll(p, 'status')
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter((s) => (JOB_STATUSES as readonly string[]).includes(s)),
    ),
  ];
  const m = /^(createdAt|status|duration|name)(?::(asc|desc))?$/.exec(get(p, 'orderBy'));
  const orderBy = m ? { field: m[1] as JobOrderField, dir: (m[2] as 'asc' | 'desc' | undefined) ?? defaultDir(m[1] as JobOrderField) } : null;
  return {
    status,
    compute: get(p, 'compute').replace(/^azureml:/, ''),
    experiment: get(p, 'experiment'),
    createdBy: get(p, 'createdBy'),
    q: get(p, 'q'),
    since: validDate(get(p, 'since')),
    until: validDate(get(p, 'until')),
    orderBy: orderBy && !(orderBy.field === DEFAULT_ORDER.field && orderBy.dir === DEFAULT_ORDER.dir) ? orderBy : null,
  };
}

/** The filters as search parameters (page URL and API alike), in a fixed order; empty ones left out. */
export function filtersToParams(f: JobListFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status.length) p.set('status', [...f.status].sort((a, b) => JOB_STATUSES.indexOf(a as never) - JOB_STATUSES.indexOf(b as never)).join(','));
  for (const k of ['compute', 'experiment', 'createdBy', 'q', 'since', 'until'] as const) if (f[k].trim()) p.set(k, f[k].trim());
  if (f.orderBy) p.set('orderBy', `${f.orderBy.field}:${f.orderBy.dir}`);
  return p;
}

export function hasFilters(f: JobListFilters): boolean {
  return f.status.length > 0 || !!(f.compute || f.experiment || f.createdBy || f.q || f.since || f.until);
}

/** GET /api/v1/workspaces/{ws}/jobs for these filters (a page of `limit`, from `cursor`). */
export function jobsApiUrl(workspace: string, f: JobListFilters, opts: { limit: number; cursor?: string }): string {
  const p = filtersToParams(f);
  p.set('limit', String(opts.limit));
  if (opts.cursor) p.set('cursor', opts.cursor);
  return `/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs?${p.toString()}`;
}

// ---- the list as shown: the live first page plus the pages loaded after it ---------------------------------

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The server's order, in the browser (ties broken by uid, as the server breaks them by id; createdAt is ISO
 * 8601 UTC from the server, so it sorts as text), for placing rows that arrive on the stream. Duration is not in the list items: no comparator, rows keep the server's order.
 */
export function jobComparator(order: JobOrder | null): ((a: JobSummaryDto, b: JobSummaryDto) => number) | null {
  const o = order ?? DEFAULT_ORDER;
  const key: ((j: JobSummaryDto) => string) | null = o.field === 'createdAt' ? (j) => j.createdAt : o.field === 'name' ? (j) => j.name : o.field === 'status' ? (j) => j.status : null;
  if (!key) return null;
  const sign = o.dir === 'desc' ? -1 : 1;
  return (a, b) => sign * (cmpStr(key(a), key(b)) || cmpStr(a.uid, b.uid));
}

export interface JobPage {
  items: JobSummaryDto[];
  next?: string;
}

/**
 * The rows to show: the first page (kept current by the jobs stream, which also prepends jobs that start to
 * match) and the pages loaded after it (`older`, updated from the same stream by the caller). Rows are
 * placed in the server's order; while more pages exist, rows that sort after the last loaded one are left
 * for the page that will bring them (so a row never shows twice or out of place).
 */
export function composeJobList(head: JobPage | undefined, older: JobPage | null, order: JobOrder | null): { items: JobSummaryDto[]; next?: string } {
  const headItems = head?.items ?? [];
  const next = older ? older.next : head?.next;
  const byUid = new Map<string, JobSummaryDto>();
  for (const j of older?.items ?? []) byUid.set(j.uid, j);
  for (const j of headItems) byUid.set(j.uid, j);
  const cmp = jobComparator(order);
  if (!cmp) {
    const seen = new Set<string>();
    const items: JobSummaryDto[] = [];
    for (const j of [...headItems, ...(older?.items ?? [])]) {
      if (seen.has(j.uid)) continue;
      seen.add(j.uid);
      items.push(byUid.get(j.uid)!);
    }
    return { items, next };
  }
  let items = [...byUid.values()].sort(cmp);
  const boundary = next ? (older?.items.at(-1) ?? headItems.at(-1)) : undefined;
  if (boundary) {
    const b = byUid.get(boundary.uid) ?? boundary;
    items = items.filter((j) => j.uid === b.uid || cmp(j, b) <= 0);
  }
  return { items, next };
}

/** Applies a stream event to a loaded page (the pages after the first: MODIFIED in place, DELETED removed). */
export function applyToPage(page: JobPage, type: 'ADDED' | 'MODIFIED' | 'DELETED', job: JobSummaryDto): JobPage {
  const at = page.items.findIndex((j) => j.uid === job.uid);
  if (at < 0) return page;
  if (type === 'DELETED') return { ...page, items: page.items.filter((_, i) => i !== at) };
  const items = page.items.slice();
  items[at] = job;
  return { ...page, items };
}

/** Appends a fetched page, without rows already shown. */
export function appendPage(older: JobPage | null, page: JobPage): JobPage {
  const have = new Set((older?.items ?? []).map((j) => j.uid));
  return { items: [...(older?.items ?? []), ...page.items.filter((j) => !have.has(j.uid))], next: page.next };
}

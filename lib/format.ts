// How numbers, units and times read in the console (UI.md "Numbers, units, time"). Pure and
// deterministic: every function that depends on "now" or on a time zone takes it as an argument, so
// server rendering, hydration and tests agree.
import { formatCores, formatGiB } from './quantity';

export { formatCores, formatGiB };

export type DateInput = Date | number | string;

/** Accepts a Date, epoch milliseconds or an ISO string; returns an invalid Date for anything else. */
export function toDate(input: DateInput): Date {
  return input instanceof Date ? input : new Date(input);
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "12 s ago", "3 min ago", "5 h ago", "4 d ago", "2 mo ago", "1 y ago"; future times read
 * "in 3 min". Units are floored so a label never claims more time has passed than has.
 */
export function formatRelativeTime(input: DateInput, now: DateInput = Date.now()): string {
  const then = toDate(input).getTime();
  const ref = toDate(now).getTime();
  if (!Number.isFinite(then) || !Number.isFinite(ref)) return '—';
  const diff = ref - then;
  const abs = Math.abs(diff);
  if (abs < 5 * SECOND) return 'just now';
  let text: string;
  if (abs < MINUTE) text = `${Math.floor(abs / SECOND)} s`;
  else if (abs < HOUR) text = `${Math.floor(abs / MINUTE)} min`;
  else if (abs < DAY) text = `${Math.floor(abs / HOUR)} h`;
  else if (abs < 30 * DAY) text = `${Math.floor(abs / DAY)} d`;
  else if (abs < 365 * DAY) text = `${Math.floor(abs / (30 * DAY))} mo`;
  else text = `${Math.floor(abs / (365 * DAY))} y`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Elapsed time for people: "45s", "12m 05s", "1h 02m", "3d 04h". Sub-second durations read "<1s";
 * negative or unknown durations read "—".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < SECOND) return '<1s';
  const totalSeconds = Math.floor(ms / SECOND);
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) return `${days}d ${pad2(hours)}h`;
  if (hours > 0) return `${hours}h ${pad2(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad2(seconds)}s`;
  return `${seconds}s`;
}

/** Duration between two instants (end defaults to now), e.g. a job's run time. */
export function formatDurationBetween(start: DateInput, end: DateInput = Date.now()): string {
  return formatDuration(toDate(end).getTime() - toDate(start).getTime());
}

/**
 * The absolute local time shown on hover, e.g. "28 Nov 2025, 14:59:07 CET". `timeZone` and `locale`
 * default to the browser's; pass them to pin the output.
 */
export function formatAbsoluteTime(input: DateInput, opts: { locale?: string; timeZone?: string } = {}): string {
  const d = toDate(input);
  if (!Number.isFinite(d.getTime())) return '—';
  return new Intl.DateTimeFormat(opts.locale ?? 'en-GB', {
    day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    timeZone: opts.timeZone, timeZoneName: 'short',
  }).format(d);
}

/**
 * "2025-11-28 13:59 UTC": built by hand (not Intl) so the server's and the browser's output are
 * byte-identical during hydration whatever their ICU versions.
 */
export function formatUtcShort(input: DateInput): string {
  const d = toDate(input);
  if (!Number.isFinite(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())} UTC`;
}

/** ISO 8601 in UTC to the second, for exports: "2025-11-28T13:59:07Z". */
export function formatIsoUtc(input: DateInput): string {
  const d = toDate(input);
  if (!Number.isFinite(d.getTime())) return '';
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "1 GPU", "3 GPUs": the plural is the singular plus "s" unless given. */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** Whole numbers with thousands separators, the same on server and client: "10,000". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const rounded = Math.round(n);
  const sign = rounded < 0 ? '-' : '';
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A ratio as a whole percentage: 0.625 → "63%". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${Math.round(ratio * 100)}%`;
}

/** GPUs as whole numbers, with the model when known: "2 GPUs", "1 × NVIDIA A100". */
export function formatGpus(count: number, model?: string): string {
  const n = Math.floor(count);
  return model ? `${formatCount(n)} × ${model}` : pluralize(n, 'GPU');
}

export type ResourceKind = 'cpu' | 'memory' | 'gpu';

/** A value of one resource kind in its display unit: "0.5 cores", "15.6 GiB", "2 GPUs". */
export function formatResource(kind: ResourceKind, value: number): string {
  if (kind === 'cpu') return `${formatCores(value)} ${value === 1 ? 'core' : 'cores'}`;
  if (kind === 'memory') return formatGiB(value);
  return pluralize(Math.floor(value), 'GPU');
}

/** The bare number of a resource in its display unit, for "6 of 16 GPUs": "0.5", "15.6", "3". */
export function formatAmount(kind: ResourceKind, value: number): string {
  if (kind === 'cpu') return formatCores(value);
  if (kind === 'memory') return (value / 2 ** 30).toFixed(1);
  return formatCount(Math.floor(value));
}

/** "6 of 16 GPUs", "2.5 of 16 cores", "12.0 of 64.0 GiB". */
export function formatAmountOf(kind: ResourceKind, value: number, total: number): string {
  return `${formatAmount(kind, value)} of ${formatResource(kind, total)}`;
}

/**
 * Capacity in words: "3 of 8 GPUs free", "2.5 of 16 cores free", "12.0 of 64.0 GiB free".
 * `free` and `total` are in base units (cores, bytes, count); free never reads below zero.
 */
export function formatCapacityFree(kind: ResourceKind, free: number, total: number): string {
  return `${formatAmountOf(kind, Math.max(0, free), total)} free`;
}

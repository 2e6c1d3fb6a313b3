'use client';

import * as React from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownToLine, Download, Pause, Play, RotateCw, Search } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Switch } from '@/components/ui/switch';
import { formatCount, pluralize } from '@/lib/format';
import { cn } from '@/lib/utils';
import type { JobDetailDto, JobRankDto } from '@/server/services/job-detail';
import { appendCapped, LineSplitter, parseAnsi, stripAnsi } from './log-text';

// The Logs tab (UI.md "Logs"): one rank's log read from GET …/logs as a stream (fetch + ReadableStream), so
// lines appear as the container prints them; only the visible lines are rendered (virtual rows), the view
// follows the tail until the reader scrolls up (then "Jump to latest"), with a pause toggle, a search within,
// ANSI colours rendered or stripped, and the whole log as a download. The stream restarts when the rank's pod
// changes (a retried rank, or a pod that has just started). LogViewer is the same viewer for any pod log
// (a deployment's replicas use it with their own URL and picker).

const LINE_HEIGHT = 20;
const selectClass = 'h-9 rounded-md border border-input bg-surface px-2 text-sm';

type StreamStatus = 'connecting' | 'streaming' | 'ended' | 'error';
interface StreamState {
  lines: string[];
  dropped: number;
  status: StreamStatus;
  error?: string;
}
const EMPTY: StreamState = { lines: [], dropped: 0, status: 'connecting' };

function useLogStream(url: string, key: string, follow: boolean): StreamState & { retry: () => void } {
  const [state, setState] = React.useState<StreamState>(EMPTY);
  const [attempt, setAttempt] = React.useState(0);
  React.useEffect(() => {
    const ctrl = new AbortController();
    let pending: string[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const more = pending;
      pending = [];
      if (more.length) setState((s) => ({ ...s, ...appendCapped(s.lines, more, s.dropped) }));
    };
    const flushSoon = () => {
      if (!frame) frame = requestAnimationFrame(flush);
    };
    setState(EMPTY);
    (async () => {
      try {
        const res = await fetch(`${url}${follow ? '&follow=true' : ''}`, { signal: ctrl.signal, credentials: 'same-origin', cache: 'no-store' });
        if (!res.ok || !res.body) {
          let detail = `${res.status} ${res.statusText}`.trim();
          try {
            const p = (await res.json()) as { detail?: string };
            detail = p.detail ?? detail;
          } catch {
            /* not problem+json */
          }
          setState((s) => ({ ...s, status: 'error', error: detail }));
          return;
        }
        setState((s) => ({ ...s, status: 'streaming' }));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const split = new LineSplitter();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const l of split.push(value)) pending.push(l);
          flushSoon();
        }
        for (const l of split.flush()) pending.push(l);
        cancelAnimationFrame(frame);
        flush();
        setState((s) => ({ ...s, status: 'ended' }));
      } catch (e) {
        if (ctrl.signal.aborted) return;
        cancelAnimationFrame(frame);
        flush();
        setState((s) => ({ ...s, status: 'error', error: `the log stream broke off: ${(e as Error).message}` }));
      }
    })();
    return () => {
      ctrl.abort();
      cancelAnimationFrame(frame);
    };
  }, [url, key, follow, attempt]);
  return { ...state, retry: () => setAttempt((a) => a + 1) };
}

/** The pod the server reads a rank's log from: the newest attempt that has started. */
function podOf(ranks: JobRankDto[], rank: number, trial: number | undefined): JobRankDto | undefined {
  const mine = ranks.filter((r) => r.rank === rank && (trial === undefined || (r.trial ?? 0) === trial)).sort((a, b) => String(b.startedAt ?? '').localeCompare(String(a.startedAt ?? '')));
  return mine.find((r) => r.startedAt) ?? mine[0];
}

export function JobLogs({ workspace, job }: { workspace: string; job: JobDetailDto }) {
  const sweep = job.type === 'sweep';
  const trials = React.useMemo(() => [...new Set(job.ranks.map((r) => r.trial ?? 0))].sort((a, b) => a - b), [job.ranks]);
  const [rank, setRank] = React.useState(0);
  const [trial, setTrial] = React.useState(0);
  const pod = podOf(job.ranks, rank, sweep ? trial : undefined);
  const started = !!(pod?.startedAt || pod?.finishedAt);
  const base = `/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs/${encodeURIComponent(job.name)}/logs?rank=${rank}${sweep ? `&trial=${trial}` : ''}`;
  // Follow while the container can still print; a new pod (or one that just started) opens a new stream.
  const follow = job.live && pod?.phase !== 'Succeeded' && pod?.phase !== 'Failed';
  return (
    <LogViewer
      url={base}
      streamKey={`${pod?.pod ?? ''}:${started}`}
      follow={follow}
      live={job.live}
      started={started}
      pod={pod?.pod}
      label={`Log of ${sweep ? `trial ${trial}, ` : ''}rank ${rank}`}
      selectors={
        <>
          {sweep && (
            <label className="grid gap-1 text-xs text-muted-foreground">
              Trial
              <select className={selectClass} value={trial} onChange={(e) => setTrial(Number(e.target.value))}>
                {(trials.length ? trials : [0]).map((t) => (
                  <option key={t} value={t}>Trial {t}</option>
                ))}
              </select>
            </label>
          )}
          <label className="grid gap-1 text-xs text-muted-foreground">
            Rank
            <select className={selectClass} value={rank} onChange={(e) => setRank(Number(e.target.value))}>
              {Array.from({ length: Math.max(1, job.instanceCount) }, (_, r) => (
                <option key={r} value={r}>Rank {r}{r === 0 && job.instanceCount > 1 ? ' (primary)' : ''}</option>
              ))}
            </select>
          </label>
        </>
      }
    />
  );
}

export interface LogViewerProps {
  /** The log's URL with its query (…/logs?rank=0); `&follow=true` and `&download=true` are added to it. */
  url: string;
  /** Changes when the stream must open again (a new pod, or one that has just started). */
  streamKey: string;
  /** Follow the container while it can still print. */
  follow: boolean;
  /** The object is still live: an ended stream offers "Read again". */
  live: boolean;
  /** The pod's container has started (else an empty, ended log says it is waiting for it). */
  started: boolean;
  pod?: string;
  /** The log region's accessible name ("Log of rank 0"). */
  label: string;
  /** The pickers left of the search (rank, trial, replica). */
  selectors?: React.ReactNode;
}

/** The log viewer of the job page, for any pod log streamed as text (jobs' ranks, deployments' replicas). */
export function LogViewer({ url: base, streamKey, follow, live, started, pod, label, selectors }: LogViewerProps) {
  const log = useLogStream(base, streamKey, follow);

  const [query, setQuery] = React.useState('');
  const [colours, setColours] = React.useState(true);
  // follow: the view keeps to the tail; scrolled: the reader scrolled up (back at the bottom, it follows
  // again); paused: the reader asked it to hold still.
  const [mode, setMode] = React.useState<'follow' | 'scrolled' | 'paused'>('follow');
  const stick = mode === 'follow';
  const deferredQuery = React.useDeferredValue(query.trim().toLowerCase());
  const shown = React.useMemo(() => {
    if (!deferredQuery) return null;
    const out: number[] = [];
    log.lines.forEach((l, i) => {
      if (stripAnsi(l).toLowerCase().includes(deferredQuery)) out.push(i);
    });
    return out;
  }, [log.lines, deferredQuery]);
  const count = shown ? shown.length : log.lines.length;

  const scrollRef = React.useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => LINE_HEIGHT, overscan: 30 });
  const [seen, setSeen] = React.useState(0);
  React.useLayoutEffect(() => {
    if (!stick || count === 0) return;
    virtualizer.scrollToIndex(count - 1, { align: 'end' });
    setSeen(log.lines.length + log.dropped);
  }, [stick, count, virtualizer, log.lines.length, log.dropped]);
  const unseen = stick ? 0 : Math.max(0, log.lines.length + log.dropped - seen);

  function onScroll() {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 1.5;
    if (!atBottom && mode === 'follow') setMode('scrolled');
    else if (atBottom && mode === 'scrolled') setMode('follow');
  }

  const statusText =
    log.status === 'connecting'
      ? 'Connecting…'
      : log.status === 'error'
        ? `The log could not be read: ${log.error}`
        : log.status === 'streaming'
          ? follow
            ? 'Following live'
            : 'Reading…'
          : started || !live
            ? 'End of log'
            : 'Waiting for the pod to start: the log opens by itself when it does';

  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap items-end gap-3">
        {selectors}
        <div className="relative w-full max-w-xs">
          <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input type="search" aria-label="Search the log" placeholder="Search the log…" value={query} onChange={(e) => setQuery(e.target.value)} className="pl-8" />
        </div>
        <label className="flex h-9 items-center gap-2 text-sm">
          <Switch checked={colours} onCheckedChange={setColours} aria-label="Colours" />
          Colours
        </label>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {follow && (
            <Button variant="secondary" size="sm" onClick={() => setMode(stick ? 'paused' : 'follow')}>
              {stick ? <Pause aria-hidden /> : <Play aria-hidden />} {stick ? 'Pause auto-scroll' : 'Follow the tail'}
            </Button>
          )}
          <Button variant="secondary" size="sm" asChild>
            <a href={`${base}&download=true`} download>
              <Download aria-hidden /> Download
            </a>
          </Button>
        </div>
      </div>

      <div className="overflow-hidden rounded-lg border border-border bg-surface">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-border bg-muted/60 px-3 py-1.5 text-xs text-muted-foreground">
          <span role="status" aria-live="polite" className={cn(log.status === 'error' && 'font-medium text-danger-text')}>
            {statusText}
          </span>
          {pod && <span>pod <span className="font-mono">{pod}</span></span>}
          <span className="tabular-nums">
            {shown ? `${formatCount(shown.length)} of ${pluralize(log.lines.length, 'line')} match` : pluralize(log.lines.length + log.dropped, 'line')}
          </span>
          {log.dropped > 0 && <span>the first {formatCount(log.dropped)} are not kept here — download the whole log</span>}
          {(log.status === 'error' || (log.status === 'ended' && live)) && (
            <Button variant="link" size="sm" className="h-auto text-xs" onClick={log.retry}>
              <RotateCw aria-hidden /> Read again
            </Button>
          )}
        </div>
        <div className="relative">
          <div
            ref={scrollRef}
            onScroll={onScroll}
            role="log"
            aria-live="off"
            aria-label={label}
            tabIndex={0}
            className="h-[32rem] overflow-auto font-mono text-xs leading-5"
          >
            {count === 0 ? (
              <p className="p-3 font-sans text-sm text-muted-foreground">{log.status === 'connecting' ? 'Reading the log…' : shown ? 'No line matches.' : 'Nothing printed yet.'}</p>
            ) : (
              <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: '100%' }}>
                {virtualizer.getVirtualItems().map((v) => {
                  const index = shown ? shown[v.index] : v.index;
                  const line = log.lines[index] ?? '';
                  return (
                    <div key={v.key} className="absolute left-0 flex w-max min-w-full hover:bg-muted/50" style={{ top: 0, height: LINE_HEIGHT, transform: `translateY(${v.start}px)` }}>
                      <span aria-hidden className="sticky left-0 w-14 shrink-0 bg-surface pr-3 text-right text-muted-foreground tabular-nums select-none">{index + log.dropped + 1}</span>
                      <LogLine line={line} colours={colours} query={deferredQuery} />
                    </div>
                  );
                })}
              </div>
            )}
          </div>
          {!stick && (
            <Button size="sm" className="absolute right-4 bottom-3 shadow-md" onClick={() => setMode('follow')}>
              <ArrowDownToLine aria-hidden /> Jump to latest{unseen > 0 ? ` (${formatCount(unseen)} new)` : ''}
            </Button>
          )}
        </div>
      </div>
    </div>
  );
}

function LogLine({ line, colours, query }: { line: string; colours: boolean; query: string }) {
  const segments = colours ? parseAnsi(line) : [{ text: stripAnsi(line) }];
  return (
    <span className="pr-3 whitespace-pre">
      {segments.map((s, i) => (
        <span key={i} className={s.className}>
          {query ? <Highlight text={s.text} query={query} /> : s.text}
        </span>
      ))}
    </span>
  );
}

function Highlight({ text, query }: { text: string; query: string }) {
  const lower = text.toLowerCase();
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(query); i >= 0 && query; i = lower.indexOf(query, at)) {
    parts.push(text.slice(at, i), <mark key={i} className="rounded-sm bg-warning-soft text-foreground">{text.slice(i, i + query.length)}</mark>);
    at = i + query.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

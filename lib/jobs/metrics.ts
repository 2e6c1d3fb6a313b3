// Metrics without anything installed in the image: a job prints one line per value on stdout,
//
//   HARBORMASTER_METRIC <name>=<number> [step=<int>]
//
// e.g. `print(f"HARBORMASTER_METRIC val_loss={loss} step={epoch}")`. The console reads rank 0's log as the job
// runs (server/runtime/metrics.ts) and stores each value with its position among the values of that name
// (seq 1, 2, …: early termination's "intervals") and its step (seq when the line gives none). A line that starts
// with the marker but does not parse is counted and ignored; other lines are not metrics at all.

export const METRIC_MARKER = 'HARBORMASTER_METRIC';

export type MetricLine = { ok: true; name: string; value: number; step?: number } | { ok: false; reason: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_.\-/:]{0,254}$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** One log line: undefined when it is not a metric line; a reason when it is one that does not parse. */
export function parseMetricLine(line: string): MetricLine | undefined {
  const text = line.replace(/\r$/, '').trim();
  if (!text.startsWith(METRIC_MARKER)) return undefined;
  const rest = text.slice(METRIC_MARKER.length);
  if (rest && !/^\s/.test(rest)) return undefined; // HARBORMASTER_METRICS… is another word
  const parts = rest.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 2) return { ok: false, reason: 'expected <name>=<number> [step=<int>]' };
  const eq = parts[0].indexOf('=');
  if (eq <= 0) return { ok: false, reason: `"${parts[0].slice(0, 60)}" is not <name>=<number>` };
  const name = parts[0].slice(0, eq);
  const raw = parts[0].slice(eq + 1);
  if (!NAME.test(name)) return { ok: false, reason: `"${name.slice(0, 60)}" is not a metric name` };
  if (!NUMBER.test(raw)) return { ok: false, reason: `${name}: "${raw.slice(0, 40)}" is not a number` };
  const value = Number(raw);
  if (!Number.isFinite(value)) return { ok: false, reason: `${name}: ${raw.slice(0, 40)} is not finite` };
  if (parts.length === 1) return { ok: true, name, value };
  const m = /^step=([-+]?\d{1,15})$/.exec(parts[1]);
  if (!m) return { ok: false, reason: `"${parts[1].slice(0, 40)}" is not step=<int>` };
  return { ok: true, name, value, step: Number(m[1]) };
}

export interface MetricPoint {
  name: string;
  /** 1-based position among this name's values in the log. */
  seq: number;
  step: number;
  value: number;
}

/**
 * Reads a log as it arrives (chunks split anywhere, even inside a UTF-8 character or a line) and answers the
 * metric points of each complete line. Reading the same log again from its start gives the same points.
 */
export class MetricReader {
  private rest = '';
  private decoder = new TextDecoder();
  private counts = new Map<string, number>();
  ignored = 0;
  /** Lines longer than this are not metrics (and are not kept whole in memory). */
  static readonly MAX_LINE = 4096;

  push(chunk: Uint8Array | string): MetricPoint[] {
    this.rest += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = this.rest.split('\n');
    this.rest = lines.pop() ?? '';
    if (this.rest.length > MetricReader.MAX_LINE) this.rest = this.rest.slice(0, MetricReader.MAX_LINE);
    return this.lines(lines);
  }

  /** The last line when the log ends without a newline. */
  end(): MetricPoint[] {
    const last = this.rest + this.decoder.decode();
    this.rest = '';
    return last ? this.lines([last]) : [];
  }

  private lines(lines: string[]): MetricPoint[] {
    const out: MetricPoint[] = [];
    for (const line of lines) {
      const m = parseMetricLine(line.length > MetricReader.MAX_LINE ? line.slice(0, MetricReader.MAX_LINE) : line);
      if (!m) continue;
      if (!m.ok) {
        this.ignored++;
        continue;
      }
      const seq = (this.counts.get(m.name) ?? 0) + 1;
      this.counts.set(m.name, seq);
      out.push({ name: m.name, seq, step: m.step ?? seq, value: m.value });
    }
    return out;
  }
}

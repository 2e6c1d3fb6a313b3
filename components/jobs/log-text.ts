// Log text for the viewer (pure): a streamed body cut into lines, ANSI colour codes rendered as classes or
// stripped, and a cap on the lines kept in the browser (the download has the whole log).

/** Lines kept in memory; older ones are dropped (and counted) so a day-long log does not exhaust the tab. */
export const MAX_LOG_LINES = 50_000;

/** Cuts streamed text into complete lines; the unfinished tail waits for the next chunk. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map(cleanLine);
  }
  /** The unfinished line at the end of the stream. */
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [cleanLine(r)] : [];
  }
}

/** A trailing \r, and progress bars redrawn with \r: the line as it last looked. */
function cleanLine(line: string): string {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  const at = l.lastIndexOf('\r');
  return at >= 0 ? l.slice(at + 1) : l;
}

/** Appends lines, keeping at most `max`; returns the lines and how many were dropped from the start. */
export function appendCapped(lines: readonly string[], more: readonly string[], dropped: number, max = MAX_LOG_LINES): { lines: string[]; dropped: number } {
  const all = lines.concat(more);
  if (all.length <= max) return { lines: all, dropped };
  const cut = all.length - max;
  return { lines: all.slice(cut), dropped: dropped + cut };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[([0-9;]*)([A-Za-z])/g;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

export interface AnsiSegment {
  text: string;
  /** Tailwind classes for the colour and weight in effect (token colours only). */
  className?: string;
}

// The 8 basic colours (and their bright variants) mapped onto the console's semantic tokens, so contrast holds
// in light and dark.
const COLOURS: Record<number, string> = {
  30: 'text-muted-foreground',
  31: 'text-danger-text',
  32: 'text-success-text',
  33: 'text-warning-text',
  34: 'text-info-text',
  35: 'text-accent-text',
  36: 'text-info-text',
  37: 'text-foreground',
};

/** SGR colour codes (30–37, 90–97, bold, reset) as segments; other escape sequences are dropped. */
export function parseAnsi(line: string): AnsiSegment[] {
  if (!line.includes('\x1b')) return [{ text: line }];
  const out: AnsiSegment[] = [];
  let colour: string | undefined;
  let bold = false;
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const className = [colour, bold ? 'font-bold' : undefined].filter(Boolean).join(' ') || undefined;
    out.push(className ? { text, className } : { text });
  };
  for (const m of line.matchAll(ANSI)) {
    push(line.slice(last, m.index));
    last = m.index! + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (const c of codes) {
      if (c === 0) {
        colour = undefined;
        bold = false;
      } else if (c === 1) bold = true;
      else if (c === 22) bold = false;
      else if (c === 39) colour = undefined;
      else if (COLOURS[c]) colour = COLOURS[c];
      else if (c >= 90 && c <= 97) colour = COLOURS[c - 60];
    }
  }
  push(line.slice(last));
  return out;
}

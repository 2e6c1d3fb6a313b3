import { describe, expect, it } from 'vitest';
import { appendCapped, LineSplitter, parseAnsi, stripAnsi } from './log-text';

describe('log text', () => {
  it('cuts a stream into lines across chunks, keeping the last redraw of a \\r progress line', () => {
    const s = new LineSplitter();
    expect(s.push('epoch 1\nepo')).toEqual(['epoch 1']);
    expect(s.push('ch 2\r\n10%\r50%\r100%\nlast')).toEqual(['epoch 2', '100%']);
    expect(s.flush()).toEqual(['last']);
    expect(s.flush()).toEqual([]);
  });

  it('keeps at most the newest lines and counts what it dropped', () => {
    expect(appendCapped(['a', 'b'], ['c'], 0, 5)).toEqual({ lines: ['a', 'b', 'c'], dropped: 0 });
    expect(appendCapped(['a', 'b', 'c'], ['d', 'e', 'f'], 2, 4)).toEqual({ lines: ['c', 'd', 'e', 'f'], dropped: 4 });
  });

  it('renders SGR colours as token classes, or strips them', () => {
    const line = '\x1b[1;31mERROR\x1b[0m loss \x1b[92mok\x1b[39m done\x1b[K';
    expect(stripAnsi(line)).toBe('ERROR loss ok done');
    expect(parseAnsi(line)).toEqual([
      { text: 'ERROR', className: 'text-danger-text font-bold' },
      { text: ' loss ' },
      { text: 'ok', className: 'text-success-text' },
      { text: ' done' },
    ]);
    expect(parseAnsi('plain')).toEqual([{ text: 'plain' }]);
  });
});

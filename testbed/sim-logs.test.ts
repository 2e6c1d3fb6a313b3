// The shell interpreter of testbed/sim-logs.mjs: what a pod annotated harbormaster.io/sim-log: command prints, and when.
import { describe, expect, it } from 'vitest';
import { containerScript, criTimestamp, interpret } from './sim-logs.mjs';

describe('sim-logs interpret', () => {
  it('prints echo lines and moves the clock on sleep', () => {
    expect(interpret('echo "HARBORMASTER_METRIC loss=0.9 step=1"; sleep 1; echo "HARBORMASTER_METRIC loss=0.5 step=2"')).toEqual([
      { atMs: 0, text: 'HARBORMASTER_METRIC loss=0.9 step=1' },
      { atMs: 1000, text: 'HARBORMASTER_METRIC loss=0.5 step=2' },
    ]);
    expect(interpret('sleep 0.25 && echo a\nsleep .5 1s\necho b && sleep 1m; echo c')).toEqual([
      { atMs: 250, text: 'a' },
      { atMs: 1750, text: 'b' },
      { atMs: 61_750, text: 'c' },
    ]);
  });

  it('handles quotes, escapes, comments and line continuations like sh', () => {
    expect(interpret(`echo 'a  "b"' "c  'd'" e\\ f "\\$HOME \\"q\\"" # comment\n# whole line\necho one \\\n  two`).map((l) => l.text)).toEqual([
      `a  "b" c  'd' e f $HOME "q"`,
      'one two',
    ]);
    expect(interpret('echo "two\nlines"; echo "x;y && z"').map((l) => l.text)).toEqual(['two', 'lines', 'x;y && z']);
  });

  it('expands variables from the container env and assignments; unknown ones are empty', () => {
    expect(interpret('LR=0.1; export EPOCHS=3\necho "lr=$LR epochs=${EPOCHS} rank=$RANK node=$NODE x=$MISSING."', { NODE: 'n1' })).toEqual([
      { atMs: 0, text: 'lr=0.1 epochs=3 rank= node=n1 x=.' },
    ]);
  });

  it('ignores other commands, pipes, redirections and the branch after ||; stops at exit', () => {
    const script = 'python train.py --lr 0.1\necho piped | tee f; echo hidden > f; echo ok || echo never; sleep nope; echo $(date)\nexit 3\necho after';
    expect(interpret(script)).toEqual([{ atMs: 0, text: 'ok' }]);
  });

  it('takes the user command behind the launcher, else the sh -c script', () => {
    expect(containerScript({ command: ['/bin/sh', '-c', 'LAUNCHER', 'harbormaster-launcher', 'echo hi'] })).toBe('echo hi');
    expect(containerScript({ command: ['bash', '-c', 'echo direct'] })).toBe('echo direct');
    expect(containerScript({ command: ['sh'], args: ['-c', 'echo args'] })).toBe('echo args');
    expect(containerScript({ command: ['python', 'train.py'] })).toBe('');
  });

  it('writes CRI timestamps with nanoseconds', () => {
    expect(criTimestamp(Date.UTC(2026, 10, 28, 13, 0, 0, 400))).toBe('2026-11-28T13:00:00.400000000Z');
  });
});

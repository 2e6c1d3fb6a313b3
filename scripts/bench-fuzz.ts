// The fuzz properties (test/fuzz/properties.ts) at bench size for `npm run bench`: ≥ 10,000 generated inputs each
// (BENCH_FUZZ_RUNS), sync and async (code archives) alike, printing the count and the slowest input's time; an
// input over 1 s (timed again alone, so a GC pause does not count) or an exception fails.
// BENCH_FUZZ=0 skips it; FUZZ_SEED changes the seed.
import { FUZZ_ASYNC_PROPERTIES, FUZZ_PROPERTIES, FUZZ_SEED, runAnyProperty } from '../test/fuzz/properties';

/** Per-input bound (issue 18: no input takes more than 1 s). */
export const FUZZ_MAX_MS = 1000;

export async function benchFuzz(runs = Number(process.env.BENCH_FUZZ_RUNS ?? 10_000)): Promise<{ lines: string[]; failed?: Error }> {
  const lines: string[] = [`fuzz: seed ${FUZZ_SEED}, ${runs} inputs per property`];
  let failed: Error | undefined;
  for (const p of [...FUZZ_PROPERTIES, ...FUZZ_ASYNC_PROPERTIES]) {
    const t = performance.now();
    try {
      const r = await runAnyProperty(p, runs);
      const total = ((performance.now() - t) / 1000).toFixed(1);
      // A single maximum catches GC pauses too: the slowest input is timed again alone before it counts as slow.
      const again = r.maxMs > 100 ? await r.retimeSlowest() : r.maxMs;
      const verdict = again > FUZZ_MAX_MS ? `OVER ${FUZZ_MAX_MS} ms` : 'ok';
      lines.push(`fuzz ${p.name}: ${r.runs} inputs, max ${r.maxMs.toFixed(2)} ms/input, total ${total} s — ${verdict}`);
      if (r.maxMs > 100) lines.push(`  slowest (${again.toFixed(2)} ms timed again alone): ${r.slowest}`);
      if (again > FUZZ_MAX_MS) failed ??= new Error(`fuzz ${p.name}: an input took ${again.toFixed(0)} ms`);
    } catch (e) {
      failed ??= e as Error;
      lines.push(`fuzz ${p.name}: FAILED: ${(e as Error).message.split('\n').slice(0, 4).join(' | ')}`);
    }
  }
  return { lines, failed };
}

if (process.argv[1]?.endsWith('bench-fuzz.ts')) {
  const r = await benchFuzz();
  for (const l of r.lines) console.log(l);
  process.exit(r.failed ? 1 : 0);
}

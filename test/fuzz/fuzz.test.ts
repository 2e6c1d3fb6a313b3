// The fuzz properties (test/fuzz/properties.ts) at a CI-sized, seeded run count: no parser lets an exception
// escape on generated input. The bench (`npm run bench`) runs the same properties ≥ 10,000 times each and
// reports the slowest input; time is not asserted here.
import { describe, expect, it } from 'vitest';
import { FUZZ_ASYNC_PROPERTIES, FUZZ_PROPERTIES, runAsyncProperty, runProperty } from './properties';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

describe('fuzz: parsers and renderers of user input never throw', () => {
  for (const p of FUZZ_PROPERTIES) {
    it(p.name, () => {
      const r = runProperty(p, RUNS);
      expect(r.runs).toBe(RUNS);
    });
  }
  for (const p of FUZZ_ASYNC_PROPERTIES) {
    it(p.name, async () => {
      const r = await runAsyncProperty(p, RUNS);
      expect(r.runs).toBe(RUNS);
    }, 120_000);
  }
});

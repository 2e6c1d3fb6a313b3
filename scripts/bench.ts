// `npm run bench`: speed and memory figures as ratios against a baseline measured in the same run
// (DESIGN §6–§7: benchmarks, not timed tests). Prints a table; exits 0 (1 when the live part
// was meant to run and failed). Grows with each feature.
//
//   audit append        one audited event (hash chain + advisory lock) vs a plain INSERT of the same row
//   audit verify        verifying N events vs reading the same N rows
//   audit first page    the audit log's filtered first page vs an unfiltered SELECT … LIMIT 50
//   jobs first page      the jobs list's filtered, sorted first page at 10,000 jobs vs the API server's own
//                        unsorted LIST ?limit=50 and a full LIST of 10,000 Jobs in the same run
//                        (scripts/bench-jobs.ts; BENCH_JOBS=0 skips it)
//   live: change → open page   a Job completing in a local cluster → its row shows Completed on a data
//                        scientist's open jobs page in Chromium, vs a raw client-node watch measured in the
//                        same run (scripts/bench-live.ts; DESIGN §7: p95 < 200 ms). BENCH_LIVE=0 skips it;
//                        BENCH_LIVE_JOBS sets the number of jobs (default 30), BENCH_LIVE_GAP_MS an idle
//                        pause between them (default 0: back to back). Skipped, with the reason, when the
//                        testbed binaries or Chromium are missing.
//   YAML alias bomb refused   reading the issue-18 job file (six levels of ten aliases, 10^7 scalars once
//                        expanded; it held the event loop for seconds) until the 10,000-node cap refuses it, vs
//                        reading an ordinary job file of the same size (lib/yaml-limits.ts)
//   fuzz                 every parser and renderer of user input (test/fuzz/properties.ts) on ≥ 10,000 generated
//                        inputs each: count and slowest input printed, fails over 1 s per input or on an exception
//                        (scripts/bench-fuzz.ts; BENCH_FUZZ=0 skips it)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../server/db/client';
import { verifyAuditChain, writeAuditAlone } from '../server/audit/audit';
import { listAuditEvents } from '../server/services/audit-log';

const N = Number(process.env.BENCH_EVENTS ?? 2000);

async function time<T>(fn: () => Promise<T>, reps = 1): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) await fn();
  return Number(process.hrtime.bigint() - t) / 1e6 / reps;
}

const rows: Array<[string, number, number]> = [];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-bench-'));
const h = await openDatabase({ dataDir: dir, purpose: 'bench' });
try {
  await h.db.execute(sql`CREATE TABLE bench_plain (id bigserial PRIMARY KEY, action text, target text, after jsonb, at timestamptz DEFAULT now())`);
  const ev = (i: number) => ({ requestId: `b${i}`, actor: { id: null, email: `u${i % 7}@example.com`, role: 'ops_admin' }, action: i % 3 ? 'workspaces.create' : 'users.disable', targetName: `t${i}`, outcome: 'success' as const, after: { i, name: `t${i}` } });
  const plain = await time(async () => {
    for (let i = 0; i < 200; i++) await h.db.execute(sql`INSERT INTO bench_plain (action, target, after) VALUES ('workspaces.create', ${'t' + i}, ${JSON.stringify({ i })}::jsonb)`);
  });
  const audited = await time(async () => {
    for (let i = 0; i < 200; i++) await writeAuditAlone(h.db, ev(i));
  });
  rows.push(['audit append (200 events)', audited, plain]);
  for (let i = 200; i < N; i++) await writeAuditAlone(h.db, ev(i));
  const read = await time(() => h.db.execute(sql`SELECT * FROM audit_events ORDER BY id`));
  const verify = await time(() => verifyAuditChain(h.db));
  rows.push([`audit verify (${N} events)`, verify, read]);
  const page = await time(() => listAuditEvents(h.db, { q: 'users', limit: 50 }), 20);
  const raw = await time(() => h.db.execute(sql`SELECT * FROM audit_events LIMIT 50`), 20);
  rows.push(['audit log first page, filtered', page, raw]);
} finally {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

const rssMiB = (process.memoryUsage().rss / 2 ** 20).toFixed(0); // before the live part loads Playwright
const { benchLive, liveSkipReason } = await import('./bench-live'); // loaded after the audit part: its rss stays comparable
const notes: string[] = [];
let failed: Error | undefined;
const skip = process.env.BENCH_LIVE === '0' ? 'BENCH_LIVE=0' : liveSkipReason();
if (skip) notes.push(`live: skipped (${skip})`);
else {
  try {
    const live = await benchLive({ jobs: Number(process.env.BENCH_LIVE_JOBS ?? 30), gapMs: Number(process.env.BENCH_LIVE_GAP_MS ?? 0) });
    rows.push(...live.rows);
    notes.push(...live.lines);
  } catch (e) {
    failed = e as Error;
    notes.push(`live: FAILED: ${failed.message}`);
  }
}

// The jobs list at 10,000 jobs (scripts/bench-jobs.ts): BENCH_JOBS=0 skips it, BENCH_JOBS_COUNT sets the count.
const { benchJobList, jobsSkipReason } = await import('./bench-jobs');
const jobsSkip = process.env.BENCH_JOBS === '0' ? 'BENCH_JOBS=0' : jobsSkipReason();
if (jobsSkip) notes.push(`jobs list: skipped (${jobsSkip})`);
else {
  try {
    const r = await benchJobList({ count: Number(process.env.BENCH_JOBS_COUNT ?? 10_000) });
    rows.push(...r.rows);
    notes.push(...r.lines);
  } catch (e) {
    failed = e as Error;
    notes.push(`jobs list: FAILED: ${failed.message}`);
  }
}

// The YAML caps (lib/yaml-limits.ts): a refused alias bomb costs what an ordinary file of its size costs to read.
{
  const { parseJobYaml } = await import('../lib/aml/job-spec');
  const { aliasBomb } = await import('../test/yaml-bombs');
  const bomb = aliasBomb(6);
  const plain = `command: python train.py --epochs 10\nenvironment: {image: python:3.11-slim}\ncompute: azureml:cpu-cluster\ntags:\n${Array.from({ length: 12 }, (_, i) => `  tag${i}: value-${i}-of-the-job`).join('\n')}\n`;
  const refused = parseJobYaml(bomb);
  if (refused.ok || !/YAML nodes/.test(refused.errors[0]?.message ?? '')) throw new Error('the YAML alias bomb was not refused by the node cap');
  for (let i = 0; i < 50; i++) parseJobYaml(i % 2 ? bomb : plain); // warm up
  rows.push([`YAML alias bomb refused (${bomb.length} B)`, await time(async () => void parseJobYaml(bomb), 200), await time(async () => void parseJobYaml(plain), 200)]);
  notes.push(`YAML alias bomb: ${bomb.length}-byte job file refused at the 10,000-node cap; baseline: a ${plain.length}-byte job file read in full`);
}

// Fuzzing (issue 18; scripts/bench-fuzz.ts): the test/fuzz properties at ≥ 10,000 inputs each, the slowest input
// per parser against the 1 s bound. BENCH_FUZZ=0 skips it, BENCH_FUZZ_RUNS sets the count.
if (process.env.BENCH_FUZZ === '0') notes.push('fuzz: skipped (BENCH_FUZZ=0)');
else {
  const { benchFuzz } = await import('./bench-fuzz');
  const fuzz = await benchFuzz(Math.max(10_000, Number(process.env.BENCH_FUZZ_RUNS ?? 10_000)));
  notes.push(...fuzz.lines);
  if (fuzz.failed) failed = fuzz.failed;
}

console.log('benchmark'.padEnd(36), 'ms'.padStart(10), 'baseline ms'.padStart(12), 'ratio'.padStart(8));
for (const [name, ms, base] of rows) console.log(name.padEnd(36), ms.toFixed(1).padStart(10), base.toFixed(1).padStart(12), (ms / base).toFixed(2).padStart(8));
for (const n of notes) console.log(n);
console.log(`rss ${rssMiB} MiB (after the audit benchmarks)`);
process.exit(failed ? 1 : 0);

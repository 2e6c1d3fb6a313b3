#!/usr/bin/env node
// The whole test suite (README "Quick start"; .ci/run runs the same command):
//   1. dependencies (npm ci when node_modules is missing or stale)
//   2. type check (tsc --noEmit) and lint (the server boundary of DESIGN §5.1)
//   3. vitest: unit + DB on PGlite, the DB suite again on a real PostgreSQL, nginx router, Azure ML SDK
//      differential, and the local-Kubernetes integration tests (the testbed is built and cached on first use)
//   4. e2e: production build + Playwright on Debian's Chromium
// Ends with one line "N passed, N failed". Needs no network except the package registries on first run.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, ensureDeps, log, run } from './lib.mjs';

ensureDeps();
const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function step(name, fn) {
  const t = Date.now();
  log('test', `── ${name}`);
  try {
    fn();
  } catch (e) {
    failures.push(`${name}: ${e.message}`);
  }
  log('test', `── ${name} done in ${Math.round((Date.now() - t) / 1000)} s`);
}

step('type check', () => run('npx', ['tsc', '--noEmit', '-p', '.']));
step('lint (server boundary)', () => run('npx', ['eslint', '.']));

step('vitest (unit, postgres, nginx, sdk, k8s)', () => {
  const out = path.join(ROOT, 'test-results', 'vitest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], { cwd: ROOT, stdio: 'inherit' });
  if (fs.existsSync(out)) {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    results.passed += j.numPassedTests ?? 0;
    results.failed += (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0 ? 0 : 0);
    results.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    if (j.numFailedTestSuites && !j.numFailedTests) results.failed += j.numFailedTestSuites;
  }
  if (r.status !== 0) throw new Error(`vitest exited with ${r.status}`);
});

step('e2e (Playwright + Chromium)', () => {
  const r = spawnSync(process.execPath, ['scripts/e2e.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const report = path.join(ROOT, 'test-results', 'e2e-report.json');
  if (fs.existsSync(report)) {
    const s = JSON.parse(fs.readFileSync(report, 'utf8')).stats ?? {};
    results.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    results.failed += s.unexpected ?? 0;
    results.skipped += s.skipped ?? 0;
  }
  if (r.status !== 0) throw new Error(`e2e exited with ${r.status}`);
});

if (failures.length) {
  log('test', 'failed steps:');
  for (const f of failures) log('test', `  ${f}`);
  if (results.failed === 0) results.failed = failures.length;
}
console.log(`${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`);
process.exit(failures.length ? 1 : 0);

// The shared half of the differential tests against the official Azure ML SDK (lib/aml/*.sdk.test.ts): the
// cases are files given to both parsers; their accept/refuse verdicts must agree, and each Harbormaster refusal
// must name the field the case changed. Harbormaster is stricter only in the cases marked `stricter`, each with
// its reason (then the SDK must accept and Harbormaster refuse). The SDK runs once per suite, in one Python
// process, from the cached virtualenv (sdk-venv.ts); without the package index the suite skips, unless CI=true.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobIssue } from '@/lib/aml/issues';
import { ensureSdkVenv, type SdkVerdict } from './sdk-venv';

export type Doc = Record<string, unknown>;

export interface DifferentialCase {
  id: string;
  text: string;
  /** The field the variant changes: a refusal must name it (or a field under it). */
  field?: string;
  /** Set when Harbormaster refuses by design although the SDK accepts: the reason. */
  stricter?: string;
}

export type Verdict = { ok: true } | { ok: false; errors: JobIssue[] };

/** Sets (or, with undefined, deletes) a dotted path in a copy of the document. */
export function withField(base: Doc, path: string, value: unknown): Doc {
  const doc = structuredClone(base);
  const keys = path.split('.');
  let cur: Record<string, unknown> = doc;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return doc;
}

/** YAML 1.1 quoting, so PyYAML reads back exactly the values we meant. */
export const dumpYaml = (d: Doc) => stringify(d, { version: '1.1' });

/** A refusal "names the field" when one error path is the field, inside it, or encloses it. */
export function namesField(paths: string[], field: string): boolean {
  return paths.some((p) => p === field || p.startsWith(`${field}.`) || field.startsWith(`${p}.`));
}

export interface DifferentialSuite {
  /** Log prefix, e.g. "[sdk-differential]". */
  label: string;
  title: string;
  cases: DifferentialCase[];
  /** The name each case's file gets in its own folder. */
  fileName: string;
  /** Creates what the documents name next to the file (local folders), so the SDK judges the document. */
  prepare: (dir: string) => void;
  sdk: (python: string, files: string[], workDir: string) => { version: string; results: SdkVerdict[] };
  ours: (c: DifferentialCase) => Verdict;
  /** More tests inside the describe block. */
  extra?: () => void;
}

export function differentialSuite(s: DifferentialSuite): void {
  let work: string | undefined;
  let verdicts: Map<string, SdkVerdict> | undefined;
  let skipReason: string | undefined;
  let sdkVersion = '';
  const ours = new Map<string, Verdict>();

  beforeAll(() => {
    const venv = ensureSdkVenv();
    if (!venv.ok) {
      if (!venv.unreachable) throw new Error(venv.reason);
      skipReason = `the Python package index cannot be reached, so azure-ai-ml cannot be installed: ${venv.reason}`;
      return;
    }
    work = mkdtempSync(join(tmpdir(), 'hm-aml-diff-'));
    const files: string[] = [];
    for (const c of s.cases) {
      const dir = join(work, c.id.replace(/[^A-Za-z0-9_.-]/g, '_'));
      mkdirSync(dir, { recursive: true });
      s.prepare(dir);
      const file = join(dir, s.fileName);
      writeFileSync(file, c.text);
      files.push(file);
    }
    const r = s.sdk(venv.python, files, work);
    sdkVersion = r.version;
    verdicts = new Map(s.cases.map((c, i) => [c.id, r.results[i]]));
    for (const c of s.cases) ours.set(c.id, s.ours(c));
  }, 900_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (!verdicts) return;
    const all = s.cases;
    const agree = all.filter((c) => !c.stricter && ours.get(c.id)!.ok === verdicts!.get(c.id)!.accepted).length;
    const stricter = all.filter((c) => c.stricter && !ours.get(c.id)!.ok && verdicts!.get(c.id)!.accepted).length;
    const plain = all.filter((c) => !c.stricter).length;
    if (process.env.HM_SDK_DIFF_TABLE) {
      // The verdict table, one line a document: id, SDK verdict (and its reason), Harbormaster's.
      for (const c of all) {
        const sdk = verdicts.get(c.id)!;
        const hm = ours.get(c.id)!;
        const sdkText = sdk.accepted ? 'accepts' : `refuses (${sdk.paths.join(', ') || sdk.error?.split('\n')[0].slice(0, 100)})`;
        const hmText = hm.ok ? 'accepts' : `refuses (${hm.errors.map((e) => e.path || '<document>').join(', ')})`;
        console.log(`${s.label} ${c.id}${c.stricter ? ' [stricter]' : ''}: SDK ${sdkText}; Harbormaster ${hmText}`);
      }
    }
    console.log(
      `${s.label} azure-ai-ml ${sdkVersion}: ${all.length} documents; verdicts agree on ${agree}/${plain} ` +
        `(${((100 * agree) / plain).toFixed(1)}%); ${stricter}/${all.length - plain} listed stricter-by-design cases confirmed ` +
        `(SDK accepts, Harbormaster refuses with the field)`,
    );
  });

  describe(s.title, () => {
    s.extra?.();

    it('can run the SDK (skips only when the package index is unreachable, never in CI)', (ctx) => {
      if (skipReason) {
        if (process.env.CI === 'true') throw new Error(`CI=true and the differential test cannot run: ${skipReason}`);
        console.warn(`${s.label} SKIPPED: ${skipReason}`);
        ctx.skip();
      }
      expect(verdicts?.size).toBe(s.cases.length);
    });

    for (const c of s.cases) {
      it(`${c.id}${c.stricter ? ' (stricter by design)' : ''}`, (ctx) => {
        if (!verdicts) return ctx.skip();
        const sdk = verdicts.get(c.id)!;
        const hm = ours.get(c.id)!;
        const hmErrors = hm.ok ? [] : hm.errors;
        const detail = `SDK: ${sdk.accepted ? 'accepts' : `refuses ${JSON.stringify(sdk.paths)} ${sdk.error?.slice(0, 300)}`}\nHarbormaster: ${
          hm.ok ? 'accepts' : `refuses ${JSON.stringify(hmErrors)}`
        }`;
        if (c.stricter) {
          expect(sdk.accepted, `listed as stricter-by-design but the SDK refuses it too — move it to the plain cases\n${detail}`).toBe(true);
          expect(hm.ok, `listed as stricter-by-design (${c.stricter}) but Harbormaster accepts\n${detail}`).toBe(false);
        } else {
          expect(hm.ok, `verdicts differ\n${detail}`).toBe(sdk.accepted);
        }
        if (!hm.ok) {
          for (const e of hmErrors) expect(e.message.length, `error without a reason: ${JSON.stringify(e)}`).toBeGreaterThan(10);
          if (c.field) expect(namesField(hmErrors.map((e) => e.path), c.field), `refusal does not name ${c.field}\n${detail}`).toBe(true);
          // Where the SDK names fields, ours must name one of the same top-level fields.
          if (!sdk.accepted && sdk.paths.length > 0) {
            const top = (p: string) => p.split('.')[0];
            const sdkTops = new Set(sdk.paths.map(top));
            expect(hmErrors.some((e) => sdkTops.has(top(e.path))), `SDK blames ${[...sdkTops].join(', ')}\n${detail}`).toBe(true);
          }
        }
      });
    }
  });
}

// One shape for every complaint about a job file: a dotted path down to the offending leaf
// (`outputs.model.mode`, `search_space.boosting.values.1`) and a sentence a data scientist can act on.
// zod issues are translated here so messages name the received value and the accepted ones.

import type { z } from 'zod';

export interface JobIssue {
  /** Dotted path in Azure ML field names; '' for the whole document. */
  path: string;
  message: string;
}

/** Drops repeated issues (same path and message), keeping the first. */
export function dedupeIssues(issues: JobIssue[]): JobIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The errors and warnings a normalization pass collects (job-spec.ts, model-spec.ts). */
export class IssueCollector {
  errors: JobIssue[] = [];
  warnings: JobIssue[] = [];

  protected error(path: string, message: string) {
    this.errors.push({ path, message });
  }
  protected warn(path: string, message: string) {
    this.warnings.push({ path, message });
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return value.constructor?.name === 'YamlTimestamp' ? `a date (${String(value)})` : 'a mapping';
  if (typeof value === 'string') return value.length > 60 ? `"${value.slice(0, 57)}…"` : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true (a boolean)' : 'false (a boolean)';
  return `${String(value)} (a number)`;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** "did you mean" for typos in field names and enum values. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p as string];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** Translates zod issues (already pointing at leaves) into JobIssues. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], root: unknown): JobIssue[] {
  const out: JobIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    const params = issue.code === 'custom' ? (issue.params as { unknownField?: boolean; known?: string[] } | undefined) : undefined;
    if (params?.unknownField) {
      const key = String(path[path.length - 1]);
      const known = params.known ?? [];
      const hint = suggest(key, known);
      out.push({
        path: formatPath(path),
        message: `unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; fields allowed here: ${known.join(', ')}`,
      });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: `unknown field "${key}"` });
      continue;
    }
    const received = valueAt(root, path);
    if (issue.code === 'invalid_type') {
      if (received === undefined) {
        out.push({ path: formatPath(path), message: 'is required' });
      } else {
        const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
        out.push({ path: formatPath(path), message: `must be ${expected}, not ${describeValue(received)}` });
      }
      continue;
    }
    if (issue.code === 'invalid_value') {
      const allowed = issue.values.map((v) => String(v));
      const hint = typeof received === 'string' ? suggest(received, allowed) : undefined;
      out.push({
        path: formatPath(path),
        message: `${describeValue(received)} is not allowed; use one of: ${allowed.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
      continue;
    }
    out.push({ path: formatPath(path), message: issue.message });
  }
  return out;
}

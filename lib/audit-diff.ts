// Flattens before/after snapshots into path-level differences for the audit log's "Changes" view.
export interface DiffLine {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

function flatten(v: unknown, prefix: string, out: Map<string, string>) {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (!entries.length && prefix) out.set(prefix, '{}');
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, JSON.stringify(v));
  } else if (v !== null && v !== undefined) {
    out.set('(value)', JSON.stringify(v));
  }
}

export function diffLines(before: unknown, after: unknown): DiffLine[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before ?? null, '', a);
  flatten(after ?? null, '', b);
  const out: DiffLine[] = [];
  for (const [k, v] of a) {
    if (!b.has(k)) out.push({ path: k, kind: 'removed', before: v });
    else if (b.get(k) !== v) out.push({ path: k, kind: 'changed', before: v, after: b.get(k) });
  }
  for (const [k, v] of b) if (!a.has(k)) out.push({ path: k, kind: 'added', after: v });
  return out.sort((x, y) => x.path.localeCompare(y.path));
}

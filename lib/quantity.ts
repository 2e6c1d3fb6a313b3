// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), parsed exactly enough for
// validation and arithmetic: decimal SI (m, k, M, G, T, P, E), binary (Ki … Ei) and exponent forms.
// Values are returned as plain numbers in the base unit (cores, bytes, count).

const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|([eE][+-]?\d+))?$/;

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export type QuantityResult = { ok: true; value: number } | { ok: false; reason: string };

/** Parses a Kubernetes quantity ("700m", "1.5Gi", "2", 4). Explains why when it is not one. */
export function parseQuantity(input: unknown): QuantityResult {
  if (typeof input === 'number') {
    return Number.isFinite(input) ? { ok: true, value: input } : { ok: false, reason: 'is not a finite number' };
  }
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string or number quantity such as "2", "500m" or "4Gi"' };
  const s = input.trim();
  if (s !== input || s === '') return { ok: false, reason: `"${input}" is not a Kubernetes quantity: no spaces allowed (write "2Gi", not "2 GB")` };
  if (/\s/.test(s)) return { ok: false, reason: `"${input}" is not a Kubernetes quantity: no spaces allowed (write "2Gi", not "2 GB")` };
  const m = QUANTITY_RE.exec(s);
  if (!m) {
    if (/^\d+(\.\d+)?\s*(GB|MB|KB|TB|gb|mb|kb|Gb|Mb|g|mb)$/.test(s)) {
      return { ok: false, reason: `"${input}" is not a Kubernetes quantity: use binary suffixes like "2Gi" or decimal ones like "2G" (case-sensitive, no "B")` };
    }
    return { ok: false, reason: `"${input}" is not a Kubernetes quantity (examples: "500m", "2", "1.5Gi", "512Mi")` };
  }
  const num = Number(m[1]);
  const value = m[3] ? num * 10 ** Number(m[3].slice(1)) : num * SUFFIX[m[2] ?? ''];
  return { ok: true, value };
}

/** Parses or throws; for values already validated. */
export function quantityValue(input: unknown): number {
  const r = parseQuantity(input);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

/** Formats cores for people: "0.5", "16". */
export function formatCores(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : String(Math.round(cores * 100) / 100);
}

/** Formats bytes as GiB with one decimal: "15.6 GiB". */
export function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

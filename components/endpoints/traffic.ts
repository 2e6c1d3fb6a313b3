// The traffic split of an online endpoint as the pages show and edit it: every deployment with its share
// (0 when the endpoint's traffic leaves it out), in the deployments' order; shares are whole percents that
// sum to 100 (or all 0: nothing is served yet). Pure: the bar, the slider and the number inputs use these.

export type Traffic = Record<string, number>;

/** Every deployment with its share (0 when absent), in the given order; shares of unknown names are kept last. */
export function trafficOf(traffic: Traffic, deployments: readonly string[]): Traffic {
  const out: Traffic = {};
  for (const d of deployments) out[d] = traffic[d] ?? 0;
  for (const [d, p] of Object.entries(traffic)) if (!(d in out)) out[d] = p;
  return out;
}

export const trafficTotal = (t: Traffic) => Object.values(t).reduce((s, p) => s + (Number.isFinite(p) ? p : 0), 0);

/** Two deployments, one slider: `first` gets `percent`, the other the rest. */
export function splitTwo(names: readonly [string, string], percent: number): Traffic {
  const p = clampPercent(percent);
  return { [names[0]]: p, [names[1]]: 100 - p };
}

/** "Promote": all traffic to one deployment. */
export function promote(deployments: readonly string[], name: string): Traffic {
  return Object.fromEntries(deployments.map((d) => [d, d === name ? 100 : 0]));
}

export function clampPercent(n: number): number {
  if (!Number.isFinite(n)) return 0;
  return Math.min(100, Math.max(0, Math.round(n)));
}

export function sameTraffic(a: Traffic, b: Traffic): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/** Why a split cannot be saved, or null: whole percents 0–100 summing to 100 (or all 0). */
export function trafficProblem(t: Traffic): string | null {
  for (const [d, p] of Object.entries(t)) {
    if (!Number.isInteger(p) || p < 0 || p > 100) return `${d}: a share is a whole percent from 0 to 100`;
  }
  const total = trafficTotal(t);
  if (total !== 100 && total !== 0) return total < 100 ? `${100 - total} % is not assigned: the shares must add up to 100 %` : `${total - 100} % too much: the shares must add up to 100 %`;
  return null;
}

/** The deployments that take traffic, for the bar (in order; none when nothing is served). */
export function trafficSegments(t: Traffic): Array<{ name: string; percent: number; index: number }> {
  return Object.entries(t)
    .map(([name, percent], index) => ({ name, percent, index }))
    .filter((s) => s.percent > 0);
}

/** "blue 90 · green 10", or "no traffic". */
export function describeTraffic(t: Traffic): string {
  const segs = trafficSegments(t);
  return segs.length ? segs.map((s) => `${s.name} ${s.percent} %`).join(' · ') : 'no traffic';
}

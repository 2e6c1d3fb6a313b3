import 'server-only';
// Kubernetes names for job objects. Azure ML job names allow upper case, "_" and 255 characters; Kubernetes
// wants DNS labels. Multi-node jobs are the tightest: pods of an Indexed Job get the hostname
// `<job>-<index>` (at most 63 characters) and the headless Service shares the job's name (DNS-1035: must
// start with a letter). A name that had to change, or be shortened, gets a short hash of the original so
// two different job names never collide ("My_Job" and "my-job" differ).

/** Longest job object name: leaves room for `-<index>` hostnames and `-t<trial>` sweep suffixes. */
export const JOB_NAME_MAX = 52;

function hash6(text: string): string {
  // FNV-1a, base36: stable across processes and versions.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(6, '0').slice(-6);
}

/** A DNS-1035 label (starts with a letter) of at most `max` characters derived from `name`. */
export function jobObjectName(name: string, max = JOB_NAME_MAX): string {
  let s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(s)) s = `j-${s}`.replace(/-+$/, '');
  if (s === name && s.length <= max) return s;
  const suffix = `-${hash6(name)}`;
  const base = s.slice(0, max - suffix.length).replace(/-+$/, '');
  return `${base}${suffix}`;
}

/** Name of one trial of a sweep: `<sweep>-t<index>`, within the same limits as any job. */
export function trialObjectName(sweepName: string, index: number): string {
  const suffix = `-t${index}`;
  return `${jobObjectName(sweepName, JOB_NAME_MAX - suffix.length)}${suffix}`;
}

/** A label value (≤ 63 characters, alphanumeric at both ends) that identifies `value`. */
export function labelValue(value: string): string {
  const ok = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value) && value.length <= 63;
  if (ok) return value;
  const suffix = `-${hash6(value)}`;
  const cleaned = value.replace(/[^-A-Za-z0-9_.]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return `${cleaned.slice(0, 63 - suffix.length).replace(/[^A-Za-z0-9]+$/, '')}${suffix}`.replace(/^-/, 'x-');
}

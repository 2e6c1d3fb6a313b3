// Syntax checks for Kubernetes names and labels (k8s.io/apimachinery/pkg/util/validation) and for Azure ML
// compute target names. Each validator returns null when the value is valid, or one precise message saying
// what is wrong and where, so forms and API errors can show it as is. Messages never repeat the field name:
// callers prefix it (e.g. `metadata.name: must be …`).

const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
const LABEL_VALUE_MAX = 63;
const QUALIFIED_NAME_MAX = 63;

export type NameError = string | null;

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\t') return 'a tab';
  if (/^[A-Z]$/.test(ch)) return `an uppercase letter "${ch}"`;
  return `"${ch}"`;
}

/** First character of `s` not in `allowed`, with its 1-based position. */
function firstBadChar(s: string, allowed: RegExp): { ch: string; pos: number } | null {
  let pos = 0;
  for (const ch of s) {
    pos++;
    if (!allowed.test(ch)) return { ch, pos };
  }
  return null;
}

function typeError(value: unknown): NameError {
  if (typeof value === 'string') return null;
  if (value === undefined || value === null) return 'is required';
  return `must be a string (got ${typeof value}${typeof value === 'number' || typeof value === 'boolean' ? ` ${String(value)}: quote it` : ''})`;
}

/**
 * DNS-1123 label (RFC 1123): namespaces, Service names, most resource names that end up in DNS.
 * At most 63 characters, lowercase letters, digits and '-', starting and ending with a letter or digit.
 */
export function validateDns1123Label(value: unknown): NameError {
  const t = typeError(value);
  if (t) return t;
  const s = value as string;
  if (s === '') return 'must not be empty';
  if (s.length > DNS1123_LABEL_MAX) return `must be no more than ${DNS1123_LABEL_MAX} characters (it has ${s.length})`;
  const bad = firstBadChar(s, /[a-z0-9-]/);
  if (bad) {
    return `must contain only lowercase letters, digits and '-' (found ${describeChar(bad.ch)} at position ${bad.pos})`;
  }
  if (!/^[a-z0-9]/.test(s)) return 'must start with a lowercase letter or digit';
  if (!/[a-z0-9]$/.test(s)) return 'must end with a lowercase letter or digit';
  return null;
}

/**
 * DNS-1123 subdomain: names of most objects (and of custom resources such as InstanceType).
 * At most 253 characters; one or more DNS-1123 labels joined by '.'.
 */
export function validateDns1123Subdomain(value: unknown): NameError {
  const t = typeError(value);
  if (t) return t;
  const s = value as string;
  if (s === '') return 'must not be empty';
  if (s.length > DNS1123_SUBDOMAIN_MAX) return `must be no more than ${DNS1123_SUBDOMAIN_MAX} characters (it has ${s.length})`;
  const bad = firstBadChar(s, /[a-z0-9.-]/);
  if (bad) {
    return `must contain only lowercase letters, digits, '-' and '.' (found ${describeChar(bad.ch)} at position ${bad.pos})`;
  }
  if (!/^[a-z0-9]/.test(s)) return 'must start with a lowercase letter or digit';
  if (!/[a-z0-9]$/.test(s)) return 'must end with a lowercase letter or digit';
  // Kubernetes' regex: each '.'-separated part starts and ends with a letter or digit.
  const parts = s.split('.');
  for (const part of parts) {
    if (part === '') return "must not contain empty parts ('..')";
    if (!/^[a-z0-9]/.test(part) || !/[a-z0-9]$/.test(part)) {
      return `each '.'-separated part must start and end with a lowercase letter or digit ("${part}" does not)`;
    }
  }
  return null;
}

/** The name part of a qualified name / label key, and label values: alphanumerics, '-', '_', '.'. */
function validateNamePart(s: string, what: string, max: number): NameError {
  if (s.length > max) return `${what} must be no more than ${max} characters (it has ${s.length})`;
  const bad = firstBadChar(s, /[A-Za-z0-9_.-]/);
  if (bad) {
    return `${what} must contain only letters, digits, '-', '_' and '.' (found ${describeChar(bad.ch)} at position ${bad.pos})`;
  }
  if (!/^[A-Za-z0-9]/.test(s)) return `${what} must start with a letter or digit`;
  if (!/[A-Za-z0-9]$/.test(s)) return `${what} must end with a letter or digit`;
  return null;
}

/**
 * Qualified name: label keys, annotation keys, node selector keys. An optional DNS-1123 subdomain prefix and
 * '/', then a name of at most 63 characters (letters, digits, '-', '_', '.'; starts and ends alphanumeric).
 */
export function validateQualifiedName(value: unknown): NameError {
  const t = typeError(value);
  if (t) return t;
  const s = value as string;
  if (s === '') return 'must not be empty';
  const parts = s.split('/');
  if (parts.length > 2) return `must be a name with at most one '/' prefix separator, like "example.com/my-name" (it has ${parts.length - 1})`;
  let name = s;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    if (prefix === '') return "prefix before '/' must not be empty";
    const pErr = validateDns1123Subdomain(prefix);
    if (pErr) return `prefix "${prefix}" ${pErr} (the prefix is a DNS subdomain, like "example.com")`;
    name = n;
  }
  if (name === '') return "name after '/' must not be empty";
  return validateNamePart(name, parts.length === 2 ? `name part "${name}"` : 'name', QUALIFIED_NAME_MAX);
}

/** Label key: a qualified name (same rules as Kubernetes). */
export const validateLabelKey = validateQualifiedName;

/** Label value (also node selector values): empty, or up to 63 letters/digits/'-'/'_'/'.', alphanumeric at both ends. */
export function validateLabelValue(value: unknown): NameError {
  const t = typeError(value);
  if (t) return t;
  const s = value as string;
  if (s === '') return null;
  return validateNamePart(s, 'label value', LABEL_VALUE_MAX);
}

/**
 * Azure ML compute target name (MicrosoftDocs/azure-docs#55961): 2–16 characters, letters, digits and '-',
 * starting with a letter and ending with a letter or digit.
 */
export function validateComputeTargetName(value: unknown): NameError {
  const t = typeError(value);
  if (t) return t;
  const s = value as string;
  if (s.length < 2 || s.length > 16) return `must be 2 to 16 characters long (it has ${s.length})`;
  const bad = firstBadChar(s, /[A-Za-z0-9-]/);
  if (bad) return `must contain only letters, digits and '-' (found ${describeChar(bad.ch)} at position ${bad.pos})`;
  if (!/^[A-Za-z]/.test(s)) return 'must start with a letter';
  if (!/[A-Za-z0-9]$/.test(s)) return 'must end with a letter or digit';
  return null;
}

/** Boolean forms, for filters and quick checks. */
export const isDns1123Label = (v: unknown): v is string => validateDns1123Label(v) === null;
export const isDns1123Subdomain = (v: unknown): v is string => validateDns1123Subdomain(v) === null;
export const isQualifiedName = (v: unknown): v is string => validateQualifiedName(v) === null;
export const isLabelValue = (v: unknown): v is string => validateLabelValue(v) === null;
export const isComputeTargetName = (v: unknown): v is string => validateComputeTargetName(v) === null;

/**
 * Checks a label map (metadata.labels, nodeSelector). Returns one entry per bad key or value, keyed by the
 * map key, with the message; empty when valid.
 */
export function validateLabels(labels: Record<string, unknown>): Array<{ key: string; part: 'key' | 'value'; message: string }> {
  const out: Array<{ key: string; part: 'key' | 'value'; message: string }> = [];
  for (const [k, v] of Object.entries(labels)) {
    const kErr = validateLabelKey(k);
    if (kErr) out.push({ key: k, part: 'key', message: `key "${k}" ${kErr}` });
    const vErr = validateLabelValue(v);
    if (vErr) out.push({ key: k, part: 'value', message: vErr });
  }
  return out;
}

// Adapters over lib/k8s-names.ts (the one implementation of Kubernetes name and label syntax) in the
// `…Problem(value) → reason | undefined` form the settings code uses, plus host names for sslCname.
import { validateDns1123Label, validateDns1123Subdomain, validateLabelKey, validateLabelValue } from '../k8s-names';

export const dnsSubdomainProblem = (value: string): string | undefined => validateDns1123Subdomain(value) ?? undefined;
export const dnsLabelProblem = (value: string): string | undefined => validateDns1123Label(value) ?? undefined;
export const labelKeyProblem = (key: string): string | undefined => validateLabelKey(key) ?? undefined;
export function labelValueProblem(value: string): string | undefined {
  const p = validateLabelValue(value);
  return p ? `label value "${value}": ${p.replace(/^label value /, '')}` : undefined;
}

/** A DNS host name (FQDN), e.g. the scoring host `sslCname`. Wildcards are not host names. */
export function hostnameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 253) return `is ${value.length} characters long; the limit is 253`;
  if (/^[0-9.]+$/.test(value) || value.includes(':')) return 'must be a DNS name, not an IP address';
  if (value.startsWith('*')) return 'must be a concrete host name, not a wildcard (the certificate may be a wildcard)';
  const labels = value.replace(/\.$/, '').split('.');
  if (labels.length < 2) return 'must be a fully qualified name such as "ml.example.com"';
  for (const l of labels) {
    if (!/^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/.test(l) || l.length > 63) {
      return `label "${l}" is not valid in a DNS name (letters, digits and "-", at most 63 characters)`;
    }
  }
  return undefined;
}

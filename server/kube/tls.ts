import 'server-only';
// Checks a TLS certificate and key for the inference router before they reach the cluster, so the operator
// learns at upload time what Azure ML reports later as E40007 INVALID_SSL_SETTING or as clients failing the
// handshake: key/certificate mismatch, chain order (leaf → intermediate → root), expiry, host name coverage
// of sslCname, passphrase-protected keys and PEM syntax.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

export type TlsErrorCode =
  | 'cert_missing'
  | 'cert_parse'
  | 'key_missing'
  | 'key_parse'
  | 'key_encrypted'
  | 'key_mismatch'
  | 'key_too_small'
  | 'chain_order'
  | 'tls_expired'
  | 'tls_not_yet_valid'
  | 'cname_mismatch';

export type TlsWarningCode = 'tls_expiring' | 'chain_incomplete' | 'self_signed' | 'leaf_is_ca';

export interface TlsProblem<C extends string> {
  code: C;
  message: string;
}

export interface TlsCertInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
}

export interface TlsInfo {
  subject: string;
  sans: string[];
  notAfter: string;
  chain: TlsCertInfo[];
}

export interface TlsValidation {
  ok: boolean;
  errors: TlsProblem<TlsErrorCode>[];
  warnings: TlsProblem<TlsWarningCode>[];
  info?: TlsInfo;
}

export interface TlsInput {
  /** Full chain PEM: server certificate first, then intermediates, optionally the root. */
  certPem: string;
  /** Unencrypted private key PEM (PKCS#8, PKCS#1 or SEC1). */
  keyPem: string;
  /** Host name clients will use (sslCname); checked against SANs (or the CN without SANs). */
  cname?: string;
  now?: Date;
}

/** Days before notAfter from which an upload is accepted with a warning. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], pem: m[0] }));
}

/** "CN=a\nO=b" (Node's format) → "CN=a, O=b". */
function dn(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

function cnOf(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

function dnsSans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

function allSans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(/,\s*/).filter(Boolean);
}

function label(cert: X509Certificate, index: number): string {
  return `certificate #${index + 1} (${cnOf(cert) ? `CN=${cnOf(cert)}` : dn(cert.subject)})`;
}

function isSelfIssued(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function parseKey(keyPem: string): { key?: KeyObject; error?: TlsProblem<TlsErrorCode> } {
  const blocks = pemBlocks(keyPem);
  if (blocks.length === 0) {
    return { error: { code: 'key_missing', message: 'no PEM private key found: expected a block starting with "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY)' } };
  }
  const keyBlocks = blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (keyBlocks.length === 0) {
    return { error: { code: 'key_missing', message: `the key file holds ${blocks.map((b) => b.label).join(', ')} but no private key` } };
  }
  const block = keyBlocks[0];
  if (block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block.pem)) {
    return {
      error: {
        code: 'key_encrypted',
        message: 'the private key is protected by a passphrase; the router needs an unencrypted key (as Azure ML does). Remove the passphrase with: openssl pkey -in key.pem -out key-unencrypted.pem',
      },
    };
  }
  try {
    return { key: createPrivateKey({ key: block.pem, format: 'pem' }) };
  } catch (e) {
    return { error: { code: 'key_parse', message: `the private key cannot be read: ${(e as Error).message}` } };
  }
}

function keyStrengthProblem(key: KeyObject): string | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && d?.modulusLength !== undefined && d.modulusLength < 2048) {
    return `the RSA key has ${d.modulusLength} bits; TLS libraries refuse keys under 2048 bits`;
  }
  return undefined;
}

/** Validates a certificate chain and key for the router; never throws on bad input. */
export function validateTls(input: TlsInput): TlsValidation {
  const now = input.now ?? new Date();
  const errors: TlsProblem<TlsErrorCode>[] = [];
  const warnings: TlsProblem<TlsWarningCode>[] = [];

  const blocks = pemBlocks(input.certPem);
  const certBlocks = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certBlocks.length === 0) {
    const hint = blocks.some((b) => b.label.endsWith('PRIVATE KEY')) ? ' (the certificate field holds a private key: are the two files swapped?)' : '';
    errors.push({ code: 'cert_missing', message: `no PEM certificate found: expected a block starting with "-----BEGIN CERTIFICATE-----"${hint}` });
  }
  const chain: X509Certificate[] = [];
  certBlocks.forEach((b, i) => {
    try {
      chain.push(new X509Certificate(b.pem));
    } catch (e) {
      errors.push({ code: 'cert_parse', message: `certificate #${i + 1} in the chain cannot be parsed: ${(e as Error).message}` });
    }
  });

  const { key, error: keyError } = parseKey(input.keyPem);
  if (keyError) errors.push(keyError);

  if (chain.length === 0 || chain.length !== certBlocks.length) {
    return { ok: false, errors, warnings };
  }
  const leaf = chain[0];

  if (key) {
    const strength = keyStrengthProblem(key);
    if (strength) errors.push({ code: 'key_too_small', message: strength });
    if (!leaf.checkPrivateKey(key)) {
      const other = chain.findIndex((c) => c.checkPrivateKey(key));
      errors.push({
        code: 'key_mismatch',
        message:
          other > 0
            ? `the private key belongs to ${label(chain[other], other)}, not to the first certificate: put the server certificate first (order: leaf → intermediate → root)`
            : `the private key does not match ${label(leaf, 0)}, the server certificate: upload the key the certificate was issued for`,
      });
    }
  }

  // Order: each certificate must be issued (and signed) by the next one.
  for (let i = 0; i + 1 < chain.length; i++) {
    if (issuedBy(chain[i], chain[i + 1])) continue;
    const reversed = chain.every((c, j) => j === 0 || issuedBy(c, chain[j - 1]));
    errors.push({
      code: 'chain_order',
      message: reversed
        ? 'the chain is in reverse order (root first): order it leaf → intermediate → root, server certificate first'
        : `${label(chain[i], i)} is not issued by the next one, ${label(chain[i + 1], i + 1)}: order the chain leaf → intermediate → root with no unrelated certificates`,
    });
    break;
  }
  const last = chain[chain.length - 1];
  if (chain.length === 1 && isSelfIssued(leaf)) {
    warnings.push({ code: 'self_signed', message: 'the certificate is self-signed: clients must be told to trust it explicitly' });
  } else if (!isSelfIssued(last) && !errors.some((e) => e.code === 'chain_order')) {
    warnings.push({
      code: 'chain_incomplete',
      message: `the chain ends with ${label(last, chain.length - 1)}, issued by ${dn(last.issuer)}, which is not included: clients that do not have it already will fail; upload the full chain`,
    });
  }
  if (leaf.ca && chain.length > 1) {
    warnings.push({ code: 'leaf_is_ca', message: 'the first certificate is a CA certificate; the server certificate should come first' });
  }

  chain.forEach((c, i) => {
    const from = new Date(c.validFrom);
    const to = new Date(c.validTo);
    const who = i === 0 ? 'the server certificate' : label(c, i);
    if (to.getTime() <= now.getTime()) {
      errors.push({ code: 'tls_expired', message: `${who} expired on ${to.toISOString()}` });
    } else if (from.getTime() > now.getTime()) {
      errors.push({ code: 'tls_not_yet_valid', message: `${who} is not valid before ${from.toISOString()}` });
    } else if (to.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) {
      const days = Math.floor((to.getTime() - now.getTime()) / DAY_MS);
      warnings.push({ code: 'tls_expiring', message: `${who} expires in ${days} day${days === 1 ? '' : 's'} (${to.toISOString()}): plan a rotation` });
    }
  });

  const sans = dnsSans(leaf);
  if (input.cname) {
    // Node applies RFC 6125: a wildcard covers exactly one label; the CN counts only without DNS SANs.
    const matched = leaf.checkHost(input.cname, { subject: 'default', wildcards: true, partialWildcards: false, multiLabelWildcards: false });
    if (!matched) {
      const names = sans.length ? `its DNS names are ${sans.join(', ')}` : cnOf(leaf) ? `it has no DNS names and its CN is ${cnOf(leaf)}` : 'it names no host at all';
      errors.push({ code: 'cname_mismatch', message: `the certificate does not cover sslCname ${input.cname}: ${names} (a wildcard covers one label only)` });
    }
  }

  const info: TlsInfo = {
    subject: dn(leaf.subject),
    sans: allSans(leaf),
    notAfter: new Date(leaf.validTo).toISOString(),
    chain: chain.map((c) => ({
      subject: dn(c.subject),
      issuer: dn(c.issuer),
      serialNumber: c.serialNumber,
      notBefore: new Date(c.validFrom).toISOString(),
      notAfter: new Date(c.validTo).toISOString(),
      fingerprint256: c.fingerprint256,
    })),
  };
  return { ok: errors.length === 0, errors, warnings, info };
}

/** Data of a Secret as the API returns it (base64) or as written (stringData). */
export interface SecretLike {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface TlsSecretContents {
  certPem: string;
  keyPem: string;
  /** Which keys held them: Azure ML's sslSecret uses cert.pem/key.pem, kubernetes.io/tls uses tls.crt/tls.key. */
  keys: { cert: string; key: string };
}

/** Reads an existing sslSecret in either layout. */
export function tlsFromSecret(secret: SecretLike): { ok: true; tls: TlsSecretContents } | { ok: false; message: string } {
  const read = (k: string): string | undefined => {
    if (secret.stringData?.[k] !== undefined) return secret.stringData[k];
    if (secret.data?.[k] !== undefined) return Buffer.from(secret.data[k], 'base64').toString('utf8');
    return undefined;
  };
  for (const keys of [{ cert: 'cert.pem', key: 'key.pem' }, { cert: 'tls.crt', key: 'tls.key' }]) {
    const certPem = read(keys.cert);
    const keyPem = read(keys.key);
    if (certPem !== undefined && keyPem !== undefined) return { ok: true, tls: { certPem, keyPem, keys } };
  }
  const present = Object.keys({ ...secret.data, ...secret.stringData });
  return {
    ok: false,
    message: `the Secret must hold cert.pem and key.pem (Azure ML's sslSecret layout) or tls.crt and tls.key (type kubernetes.io/tls); it holds ${present.length ? present.join(', ') : 'no keys'}`,
  };
}

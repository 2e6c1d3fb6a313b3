import 'server-only';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '../env';
import { canonicalJson } from './canonical';

// The audit chain's signing key (Ed25519), held outside the database so that someone who can only write the
// database cannot recompute the chain and re-sign it. Where it comes from, first match wins:
//   1. HARBORMASTER_AUDIT_SIGNING_KEY: a PKCS#8 private key, PEM or base64 DER;
//   2. HARBORMASTER_SECRET_KEY set: derived from it with HKDF-SHA256 (info "harbormaster audit signing key v1"),
//      so replicas that share a PostgreSQL database and the secret key also share the signing key;
//   3. otherwise `<data dir>/audit-signing.key` (PEM), created once with mode 0600, next to (not in) the database.
// The public key is published (GET /api/v1/audit/head, the audit page); scripts/verify-audit.mjs checks
// signatures with it. What is signed: the canonical JSON of {kind, id, hash, at} (see signedMessage).

export const KEY_FILE = 'audit-signing.key';
const HKDF_INFO = 'harbormaster audit signing key v1';
// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface AuditSigningKey {
  privateKey: KeyObject;
  /** base64 DER SubjectPublicKeyInfo: what checkpoints record and verifiers compare. */
  publicKey: string;
  publicKeyPem: string;
  /** "sha256:" + hex SHA-256 of the DER public key. */
  fingerprint: string;
  source: 'env' | 'derived' | 'file';
}

const g = globalThis as unknown as { __hmAuditSigningKey?: AuditSigningKey };

function ed25519(k: KeyObject, what: string): KeyObject {
  if (k.asymmetricKeyType !== 'ed25519') throw new Error(`${what} must be an Ed25519 private key (PKCS#8), not ${k.asymmetricKeyType}`);
  return k;
}

/** A PKCS#8 Ed25519 private key from PEM or base64 DER. */
export function parseSigningKey(text: string, what = 'HARBORMASTER_AUDIT_SIGNING_KEY'): KeyObject {
  const t = text.trim();
  try {
    if (t.startsWith('-----BEGIN')) return ed25519(createPrivateKey({ key: t, format: 'pem' }), what);
    return ed25519(createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' }), what);
  } catch (e) {
    if ((e as Error).message.includes('Ed25519')) throw e;
    throw new Error(`${what} is not a PKCS#8 private key (PEM, or base64 DER): ${(e as Error).message}`);
  }
}

/** The signing key derived from the 32-byte secret key (rule 2 above). */
export function deriveSigningKey(secret: Buffer): KeyObject {
  const seed = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicKeyB64(k: KeyObject): string {
  return createPublicKey(k).export({ format: 'der', type: 'spki' }).toString('base64');
}

export const fingerprintOf = (publicKey: string) => 'sha256:' + createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex');

function describe(privateKey: KeyObject, source: AuditSigningKey['source']): AuditSigningKey {
  const publicKey = publicKeyB64(privateKey);
  return { privateKey, publicKey, publicKeyPem: String(createPublicKey(privateKey).export({ format: 'pem', type: 'spki' })), fingerprint: fingerprintOf(publicKey), source };
}

function keyFromFile(dataDir: string): KeyObject {
  const file = path.join(dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' });
    try {
      fs.writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  fs.chmodSync(file, 0o600);
  return parseSigningKey(fs.readFileSync(file, 'utf8'), file);
}

/** The console's signing key (loaded or created once per process). */
export function auditSigningKey(): AuditSigningKey {
  if (g.__hmAuditSigningKey) return g.__hmAuditSigningKey;
  const e = env();
  let k: AuditSigningKey;
  if (e.HARBORMASTER_AUDIT_SIGNING_KEY) k = describe(parseSigningKey(e.HARBORMASTER_AUDIT_SIGNING_KEY), 'env');
  else if (e.HARBORMASTER_SECRET_KEY) {
    const t = e.HARBORMASTER_SECRET_KEY.trim();
    k = describe(deriveSigningKey(/^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64')), 'derived');
  } else k = describe(keyFromFile(e.dataDir), 'file');
  return (g.__hmAuditSigningKey = k);
}

/** Tests: sign with this key (PEM / base64 PKCS#8, or a KeyObject); undefined forgets it. */
export function setAuditSigningKeyForTests(key: KeyObject | string | undefined) {
  g.__hmAuditSigningKey = key === undefined ? undefined : describe(typeof key === 'string' ? parseSigningKey(key) : key, 'env');
}

export type SignedKind = 'checkpoint' | 'head';

/** The bytes that are signed: canonical JSON of {at, hash, id, kind: "harbormaster.audit.<kind>"}. */
export function signedMessage(kind: SignedKind, id: number, hash: string, at: string): Buffer {
  return Buffer.from(canonicalJson({ kind: `harbormaster.audit.${kind}`, id, hash, at }), 'utf8');
}

export function signAudit(key: AuditSigningKey, kind: SignedKind, id: number, hash: string, at: string): string {
  return sign(null, signedMessage(kind, id, hash, at), key.privateKey).toString('base64');
}

export function verifyAuditSignature(publicKey: string, kind: SignedKind, id: number, hash: string, at: string, signature: string): boolean {
  try {
    const pub = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, signedMessage(kind, id, hash, at), pub, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

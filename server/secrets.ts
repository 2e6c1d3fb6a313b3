import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from './env';

// Secrets at rest (kubeconfigs, TLS keys, endpoint keys, client secrets): AES-256-GCM under a 32-byte key
// from HARBORMASTER_SECRET_KEY (base64 or hex), or one generated into the data directory with mode 0600.
// Ciphertext format: "v1:" + base64(iv[12] | tag[16] | ciphertext). The associated data binds a value to
// its purpose (e.g. "cluster:aks-westeurope:kubeconfig") so ciphertexts cannot be swapped between rows.

const KEY_FILE = 'secret.key';
const g = globalThis as unknown as { __hmSecretKey?: Buffer };

export function decodeKey(s: string): Buffer {
  const t = s.trim();
  const k = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (k.length !== 32) throw new Error('HARBORMASTER_SECRET_KEY must be 32 bytes, base64- or hex-encoded');
  return k;
}

export function secretKey(): Buffer {
  if (g.__hmSecretKey) return g.__hmSecretKey;
  const e = env();
  if (e.HARBORMASTER_SECRET_KEY) return (g.__hmSecretKey = decodeKey(e.HARBORMASTER_SECRET_KEY));
  const file = path.join(e.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(e.dataDir, { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  fs.chmodSync(file, 0o600);
  return (g.__hmSecretKey = decodeKey(fs.readFileSync(file, 'utf8')));
}

export function encryptSecret(plaintext: string, purpose: string, key = secretKey()): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return 'v1:' + Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}

export function decryptSecret(blob: string, purpose: string, key = secretKey()): string {
  if (!blob.startsWith('v1:')) throw new Error('unknown secret format');
  const raw = Buffer.from(blob.slice(3), 'base64');
  const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  d.setAAD(Buffer.from(purpose));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
}

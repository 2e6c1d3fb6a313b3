import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from './secrets';

describe('secrets at rest', () => {
  const key = randomBytes(32);
  it('round-trips and never contains the plaintext', () => {
    const blob = encryptSecret('client-key-data: SECRET', 'cluster:a:kubeconfig', key);
    expect(blob).not.toContain('SECRET');
    expect(decryptSecret(blob, 'cluster:a:kubeconfig', key)).toBe('client-key-data: SECRET');
  });
  it('refuses a ciphertext moved to another purpose, a tampered one, or another key', () => {
    const blob = encryptSecret('x', 'cluster:a:kubeconfig', key);
    expect(() => decryptSecret(blob, 'cluster:b:kubeconfig', key)).toThrow();
    const raw = Buffer.from(blob.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => decryptSecret('v1:' + raw.toString('base64'), 'cluster:a:kubeconfig', key)).toThrow();
    expect(() => decryptSecret(blob, 'cluster:a:kubeconfig', randomBytes(32))).toThrow();
  });
});

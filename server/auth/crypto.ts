import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const MIN_PASSWORD_LENGTH = 12;

// argon2id with OWASP's recommended floor (19 MiB, 2 iterations).
const ARGON = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function passwordProblem(pw: unknown): string | null {
  if (typeof pw !== 'string') return 'password is required';
  if (pw.length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (pw.length > 1024) return 'password must be at most 1024 characters';
  return null;
}

export const hashPassword = (pw: string) => hash(pw, ARGON);

export async function verifyPassword(stored: string | null, pw: string): Promise<boolean> {
  if (!stored) {
    // Same work for unknown users, so timing does not tell which emails exist.
    await hash(pw, ARGON);
    return false;
  }
  try {
    return await verify(stored, pw);
  } catch {
    return false;
  }
}

/** URL-safe random secret (base64url, no padding). */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');
export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Memorable-enough random password for seeded/reset accounts (>= 20 chars). */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url').replace(/[-_]/g, 'x') + 'A1';
}

// API token lifetimes as the console shows them (pure; shared by the tokens page and its tests).

/** A token that expires within this many days is flagged on the tokens page. */
export const TOKEN_EXPIRY_WARNING_DAYS = 7;
const WARNING_MS = TOKEN_EXPIRY_WARNING_DAYS * 86_400_000;

export type TokenState = 'active' | 'expiring' | 'expired' | 'revoked';

export interface TokenTimes {
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Revoked wins over expired; "expiring" = still valid, but for less than TOKEN_EXPIRY_WARNING_DAYS. */
export function tokenState(t: TokenTimes, now: number): TokenState {
  if (t.revokedAt) return 'revoked';
  if (!t.expiresAt) return 'active';
  const left = new Date(t.expiresAt).getTime() - now;
  if (left <= 0) return 'expired';
  return left <= WARNING_MS ? 'expiring' : 'active';
}

/** The tokens that still work but stop within the warning window, soonest first. */
export function tokensExpiringSoon<T extends TokenTimes>(tokens: T[], now: number): T[] {
  return tokens
    .filter((t) => tokenState(t, now) === 'expiring')
    .sort((a, b) => new Date(a.expiresAt!).getTime() - new Date(b.expiresAt!).getTime());
}

/** The value the "Expires in" field starts with: the configured default (0 days = never). */
export function defaultExpiresIn(defaultDays: number): string {
  return defaultDays > 0 ? `${defaultDays}d` : 'never';
}

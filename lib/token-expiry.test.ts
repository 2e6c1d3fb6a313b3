import { describe, expect, it } from 'vitest';
import { defaultExpiresIn, tokensExpiringSoon, tokenState } from './token-expiry';

const now = Date.parse('2026-03-01T12:00:00Z');
const at = (days: number) => new Date(now + days * 86_400_000).toISOString();
const t = (name: string, expiresAt: string | null, revokedAt: string | null = null) => ({ name, expiresAt, revokedAt });

describe('token states on the tokens page', () => {
  it('flags tokens that stop within 7 days, shows expired ones as expired, revoked wins', () => {
    expect(tokenState(t('never', null), now)).toBe('active');
    expect(tokenState(t('later', at(30)), now)).toBe('active');
    expect(tokenState(t('just-outside', at(7.01)), now)).toBe('active');
    expect(tokenState(t('week', at(7)), now)).toBe('expiring');
    expect(tokenState(t('hour', at(1 / 24)), now)).toBe('expiring');
    expect(tokenState(t('now', at(0)), now)).toBe('expired');
    expect(tokenState(t('gone', at(-3)), now)).toBe('expired');
    expect(tokenState(t('revoked', at(2), at(-1)), now)).toBe('revoked');
    expect(tokenState(t('revoked-expired', at(-2), at(-5)), now)).toBe('revoked');
  });

  it('lists the expiring ones soonest first, leaving out expired, revoked and distant ones', () => {
    const list = [t('a', at(5)), t('b', at(1)), t('c', at(-1)), t('d', null), t('e', at(2), at(-1)), t('f', at(60)), t('g', at(6.5))];
    expect(tokensExpiringSoon(list, now).map((x) => x.name)).toEqual(['b', 'a', 'g']);
  });

  it('starts the "Expires in" field at the configured default', () => {
    expect(defaultExpiresIn(90)).toBe('90d');
    expect(defaultExpiresIn(0)).toBe('never');
  });
});

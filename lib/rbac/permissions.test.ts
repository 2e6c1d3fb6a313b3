import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, type Principal } from './permissions';

const admin: Principal = { userId: 'a', globalRole: 'ops_admin', memberOf: [] };
const auditor: Principal = { userId: 'b', globalRole: 'auditor', memberOf: [] };
const ds: Principal = { userId: 'c', globalRole: null, memberOf: ['vision'] };

describe('permission table', () => {
  it('denies anonymous callers everything', () => {
    for (const p of Object.keys(PERMISSIONS)) expect(can(null, p as keyof typeof PERMISSIONS)).toBe(false);
  });
  it('denies an unknown permission (deny by default)', () => {
    expect(can(admin, 'no.such.thing' as never)).toBe(false);
  });
  it('scopes data scientists to their own workspaces', () => {
    expect(can(ds, 'jobs.submit', 'vision')).toBe(true);
    expect(can(ds, 'jobs.submit', 'forecasting')).toBe(false);
    expect(can(ds, 'jobs.read', undefined)).toBe(false);
  });
  it('gives auditors reads and no writes', () => {
    const writes = Object.entries(PERMISSIONS).filter(([k]) => /manage|submit|issue/.test(k));
    for (const [k] of writes) expect(can(auditor, k as keyof typeof PERMISSIONS, 'vision')).toBe(false);
    expect(can(auditor, 'audit.read')).toBe(true);
    expect(can(auditor, 'jobs.read', 'vision')).toBe(true);
  });
});

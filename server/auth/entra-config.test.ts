// Entra ID configuration: a bad map or a half-configured sign-in stops the start with a message naming the setting;
// the role and group maps turn ID token claims into grants as documented.
import { afterEach, describe, expect, it } from 'vitest';
import { env, resetEnvCache } from '../env';
import { mapClaims } from './entra-mapping';
import { entraConfig } from './entra';

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('HARBORMASTER_ENTRA_') || k === 'HARBORMASTER_LOCAL_ACCOUNTS') delete process.env[k];
  Object.assign(process.env, saved);
  resetEnvCache();
});

function configure(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetEnvCache();
}
const complete = { HARBORMASTER_ENTRA_AUTHORITY: 'https://login.microsoftonline.com/contoso-tenant', HARBORMASTER_ENTRA_CLIENT_ID: 'app', HARBORMASTER_ENTRA_CLIENT_SECRET: 's' };

describe('configuration', () => {
  it('is off by default and local accounts are on', () => {
    resetEnvCache();
    expect(entraConfig()).toBeNull();
    expect(env().HARBORMASTER_LOCAL_ACCOUNTS).toBe(true);
  });

  it('names each missing or wrong setting', () => {
    configure({ HARBORMASTER_ENTRA_CLIENT_ID: 'app' });
    expect(() => env()).toThrow(/HARBORMASTER_ENTRA_AUTHORITY: required for Entra ID sign-in/);
    configure({ ...complete, HARBORMASTER_ENTRA_CLIENT_CERT: '/x.pem' });
    expect(() => env()).toThrow(/set exactly one of HARBORMASTER_ENTRA_CLIENT_SECRET and HARBORMASTER_ENTRA_CLIENT_CERT/);
    configure({ ...complete, HARBORMASTER_ENTRA_AUTHORITY: 'http://issuer.example' });
    expect(() => env()).toThrow(/HARBORMASTER_ENTRA_AUTHORITY: must be an https:\/\/ URL/);
    configure({ ...complete, HARBORMASTER_ENTRA_ROLE_MAP: 'OpsAdmin=root' });
    expect(() => env()).toThrow(/HARBORMASTER_ENTRA_ROLE_MAP: "root" must be ops_admin, auditor, data_scientist or workspace:<workspace name>/);
    configure({ ...complete, HARBORMASTER_ENTRA_GROUP_MAP: 'abc' });
    expect(() => env()).toThrow(/HARBORMASTER_ENTRA_GROUP_MAP: "abc" is not <group id>=<value>/);
  });

  it('refuses local accounts off without Entra (nobody could sign in)', () => {
    configure({ HARBORMASTER_LOCAL_ACCOUNTS: 'false' });
    expect(() => env()).toThrow(/HARBORMASTER_ENTRA_AUTHORITY: required when HARBORMASTER_LOCAL_ACCOUNTS=false/);
  });

  it('Microsoft’s authority runs the AAD protocol; another issuer OIDC; the redirect URI defaults to the console', () => {
    configure(complete);
    expect(entraConfig()).toMatchObject({ microsoft: true, redirectUri: 'http://127.0.0.1:3000/api/auth/entra/callback' });
    configure({ ...complete, HARBORMASTER_ENTRA_AUTHORITY: 'https://idp.example.com/realms/ml/', HARBORMASTER_PUBLIC_URL: 'https://hm.example.com' });
    expect(entraConfig()).toMatchObject({ microsoft: false, authority: 'https://idp.example.com/realms/ml', redirectUri: 'https://hm.example.com/api/auth/entra/callback' });
  });
});

describe('mapping claims', () => {
  const roles: Array<[string, string]> = [['OpsAdmin', 'ops_admin'], ['Auditor', 'auditor'], ['DataScientist', 'data_scientist'], ['VisionTeam', 'workspace:vision']];
  const groups: Array<[string, string]> = [['g1', 'vision'], ['g2', 'forecasting'], ['g2', 'research']];

  it('the strongest global role wins and names its app role', () => {
    expect(mapClaims({ roles: ['Auditor', 'OpsAdmin'], groups: [] }, roles, groups)).toMatchObject({ allowed: true, globalRole: 'ops_admin', globalRoleSource: 'entra:role:OpsAdmin' });
  });

  it('groups (one may grant several workspaces) and workspace roles become memberships with their source', () => {
    const m = mapClaims({ roles: ['DataScientist', 'VisionTeam'], groups: ['g2', 'g1', 'unknown'] }, roles, groups);
    expect(m.globalRole).toBeNull();
    expect(Object.fromEntries(m.workspaces)).toEqual({ vision: 'entra:role:VisionTeam', forecasting: 'entra:group:g2', research: 'entra:group:g2' });
  });

  it('no mapped role: not allowed, whatever the groups; unknown roles are listed', () => {
    const m = mapClaims({ roles: ['Guest'], groups: ['g1'] }, roles, groups);
    expect(m.allowed).toBe(false);
    expect(m.unmappedRoles).toEqual(['Guest']);
  });
});

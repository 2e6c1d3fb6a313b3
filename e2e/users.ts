// The e2e cast. Test-only credentials for a throw-away data directory (never a default anywhere else).
export const E2E_USERS = {
  admin: { email: 'e2e-admin@example.com', password: 'e2e-admin-password-1', role: 'ops_admin' as const, workspaces: [] as string[] },
  dataScientist: { email: 'e2e-dana@example.com', password: 'e2e-dana-password-1', role: null, workspaces: ['vision'] },
  otherScientist: { email: 'e2e-farid@example.com', password: 'e2e-farid-password-1', role: null, workspaces: ['forecasting'] },
  auditor: { email: 'e2e-audrey@example.com', password: 'e2e-audrey-password-1', role: 'auditor' as const, workspaces: [] as string[] },
};
export type E2ERole = keyof typeof E2E_USERS;
export const E2E_WORKSPACES = ['vision', 'forecasting'];

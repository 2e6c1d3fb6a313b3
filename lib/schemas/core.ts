import { z } from 'zod';

// Schemas shared by the console's forms and the server (one zod schema for client and server, UI.md "Forms").
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const workspaceName = z
  .string()
  .min(1, 'name is required')
  .max(63, 'at most 63 characters')
  .regex(DNS1123_LABEL, 'lower-case letters, digits and "-", starting and ending with a letter or digit (a DNS-1123 label)');

export const email = z.string().trim().toLowerCase().email('not a valid email address').max(254);
export const password = z.string().min(12, 'at least 12 characters').max(1024, 'at most 1024 characters');
export const globalRole = z.enum(['ops_admin', 'auditor']).nullable();
export const displayName = z.string().trim().max(100, 'at most 100 characters');
/** A token's lifetime ("30d", "12h", "90m", "2w", "1y"), or "never" (chosen explicitly: left out, the default applies). */
export const expiresIn = z
  .string()
  .trim()
  .regex(/^(?:never|\d+\s*(m|h|d|w|y))$/, 'use e.g. 30d, 12h, 90m, 1y, or never');

export const createWorkspaceInput = z.strictObject({
  name: workspaceName,
  displayName: displayName.optional(),
  description: z.string().max(1000).optional(),
});

export const createUserInput = z.strictObject({
  email,
  displayName: displayName.optional(),
  password: password.optional(),
  globalRole: globalRole.optional(),
  workspaces: z.array(workspaceName).max(100).optional(),
});

export const ROLE_LABELS: Record<string, string> = {
  ops_admin: 'Ops admin',
  auditor: 'Auditor',
  data_scientist: 'Data scientist',
};

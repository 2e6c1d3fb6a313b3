import 'server-only';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { createUserInput, email, globalRole, password, workspaceName } from '@/lib/schemas/core';
import { memberships, users, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { hashPassword, randomPassword, verifyPassword } from '../auth/crypto';
import { revokeAllSessions, revokeOtherSessions } from '../auth/sessions';
import { revokeAllTokens } from '../auth/tokens';
import { assertNotSystemUser, createLocalUser, findUserByEmail, membershipNames, userDto } from '../auth/users';
import type { Tx } from '../db';
import { defineAction } from './registry';
import { pluralize } from '@/lib/format';
import { localAccountsEnabled } from '../auth/entra';
import { linkIdentityByAdmin, rejectIdentityLink } from '../auth/entra-flow';
import { describeSource } from '../auth/entra-mapping';

function assertLocalAccounts(field: string) {
  if (!localAccountsEnabled()) {
    throw new AppError('conflict', 'local accounts are switched off on this console (HARBORMASTER_LOCAL_ACCOUNTS=false): people sign in with Microsoft, and their roles come from Entra ID', {
      fieldErrors: [{ path: field, message: 'local accounts are switched off' }],
    });
  }
}

async function userOr404(tx: Tx, e: string) {
  const u = await findUserByEmail(tx, e);
  if (!u) throw new AppError('not_found', `user ${e} not found`, { fieldErrors: [{ path: 'email', message: 'no such user' }] });
  assertNotSystemUser(u);
  return u;
}

export async function workspaceOr404(tx: Tx, name: string) {
  const [w] = await tx.select().from(workspaces).where(eq(workspaces.name, name)).limit(1);
  if (!w) throw new AppError('not_found', `workspace ${name} not found`, { fieldErrors: [{ path: 'workspace', message: 'no such workspace' }] });
  return w;
}

defineAction({
  name: 'users.create',
  permission: 'users.manage',
  description: 'Create a local user (a password is generated when none is given and shown once)',
  input: createUserInput,
  example: { email: 'new.user@example.com', globalRole: null },
  async run({ tx }, input) {
    assertLocalAccounts('email');
    const generated = input.password ? null : randomPassword();
    const u = await createLocalUser(tx, { email: input.email, displayName: input.displayName, password: input.password ?? generated!, globalRole: input.globalRole ?? null });
    for (const ws of input.workspaces ?? []) {
      const w = await workspaceOr404(tx, ws);
      await tx.insert(memberships).values({ workspaceId: w.id, userId: u.id });
    }
    const dto = userDto(u, [...(input.workspaces ?? [])].sort());
    return { result: { user: dto, initialPassword: generated }, audit: { targetType: 'user', targetName: u.email, after: dto } };
  },
});

const byEmail = z.strictObject({ email });

defineAction({
  name: 'users.disable',
  permission: 'users.manage',
  description: 'Disable a user: every session and token stops working at once',
  input: byEmail,
  example: { email: 'someone@example.com' },
  async run({ tx, user }, { email: e }) {
    const u = await userOr404(tx, e);
    if (u.id === user.id) throw new AppError('conflict', 'you cannot disable your own account', { fieldErrors: [{ path: 'email', message: 'that is you' }] });
    await tx.update(users).set({ status: 'disabled', updatedAt: new Date() }).where(eq(users.id, u.id));
    const sessions = await revokeAllSessions(tx, u.id);
    return { result: { email: u.email, status: 'disabled', sessionsEnded: sessions }, audit: { targetType: 'user', targetName: u.email, before: { status: u.status }, after: { status: 'disabled' } } };
  },
});

defineAction({
  name: 'users.enable',
  permission: 'users.manage',
  description: 'Enable a disabled user',
  input: byEmail,
  example: { email: 'someone@example.com' },
  async run({ tx }, { email: e }) {
    const u = await userOr404(tx, e);
    await tx.update(users).set({ status: 'active', updatedAt: new Date() }).where(eq(users.id, u.id));
    return { result: { email: u.email, status: 'active' }, audit: { targetType: 'user', targetName: u.email, before: { status: u.status }, after: { status: 'active' } } };
  },
});

defineAction({
  name: 'users.resetPassword',
  permission: 'users.manage',
  description: 'Reset a user’s password (generated and shown once when none is given); ends all their sessions and revokes all their API tokens',
  input: z.strictObject({ email, password: password.optional() }),
  example: { email: 'someone@example.com' },
  async run({ tx }, input) {
    assertLocalAccounts('password');
    const u = await userOr404(tx, input.email);
    const generated = input.password ? null : randomPassword();
    await tx.update(users).set({ passwordHash: await hashPassword(input.password ?? generated!), updatedAt: new Date() }).where(eq(users.id, u.id));
    // A reset means the account may be in someone else's hands: nothing signed in with the old credentials
    // keeps working, browser sessions and API tokens alike (the same transaction as the new password).
    const sessionsEnded = await revokeAllSessions(tx, u.id);
    const tokensRevoked = await revokeAllTokens(tx, u.id);
    return {
      result: { email: u.email, newPassword: generated, sessionsEnded, tokensRevoked },
      // (`after` keys that look like secrets — password…, token… — are redacted, so the counts are in the message too.)
      audit: {
        targetType: 'user',
        targetName: u.email,
        after: { passwordChanged: true, sessionsEnded, apiAccessRevoked: tokensRevoked },
        message: `password reset: ${pluralize(sessionsEnded, 'session')} ended, ${pluralize(tokensRevoked, 'API token')} revoked`,
      },
    };
  },
});

defineAction({
  name: 'users.setRole',
  permission: 'users.manage',
  description: 'Change a user’s global role (ops admin, auditor or none)',
  input: z.strictObject({ email, globalRole }),
  example: { email: 'someone@example.com', globalRole: 'auditor' },
  async run({ tx, user }, input) {
    const u = await userOr404(tx, input.email);
    if (u.id === user.id && input.globalRole !== 'ops_admin') {
      throw new AppError('conflict', 'you cannot remove your own ops admin role', { fieldErrors: [{ path: 'globalRole', message: 'that is you' }] });
    }
    await tx.update(users).set({ globalRole: input.globalRole, globalRoleSource: null, updatedAt: new Date() }).where(eq(users.id, u.id));
    // A role that came from Entra ID is set here now; the next Microsoft sign-in applies the mapping again.
    const note = u.globalRoleSource?.startsWith('entra:')
      ? `${u.email}'s role came from ${describeSource(u.globalRoleSource)}: if Entra ID still assigns a mapped role at their next Microsoft sign-in, that role applies again`
      : null;
    return {
      result: { email: u.email, globalRole: input.globalRole, ...(note ? { note } : {}) },
      audit: { targetType: 'user', targetName: u.email, before: { globalRole: u.globalRole, source: describeSource(u.globalRoleSource) }, after: { globalRole: input.globalRole, source: describeSource(null) } },
    };
  },
});

const memberInput = z.strictObject({ workspace: workspaceName, email });

defineAction({
  name: 'members.add',
  permission: 'members.manage',
  description: 'Make a user a data scientist in a workspace',
  input: memberInput,
  example: { workspace: 'vision', email: 'someone@example.com' },
  async run({ tx }, input) {
    const w = await workspaceOr404(tx, input.workspace);
    const u = await userOr404(tx, input.email);
    const existing = await tx.select().from(memberships).where(and(eq(memberships.workspaceId, w.id), eq(memberships.userId, u.id)));
    if (existing.length) throw new AppError('conflict', `${u.email} is already a member of ${w.name}`, { fieldErrors: [{ path: 'email', message: 'already a member' }] });
    await tx.insert(memberships).values({ workspaceId: w.id, userId: u.id });
    return { result: { workspace: w.name, email: u.email, role: 'data_scientist' }, audit: { targetType: 'membership', targetName: `${w.name}/${u.email}`, workspace: w.name, after: { role: 'data_scientist' } } };
  },
});

defineAction({
  name: 'members.remove',
  permission: 'members.manage',
  description: 'Remove a user from a workspace',
  input: memberInput,
  example: { workspace: 'vision', email: 'someone@example.com' },
  async run({ tx }, input) {
    const w = await workspaceOr404(tx, input.workspace);
    const u = await userOr404(tx, input.email);
    const r = await tx.delete(memberships).where(and(eq(memberships.workspaceId, w.id), eq(memberships.userId, u.id))).returning();
    if (!r.length) throw new AppError('not_found', `${u.email} is not a member of ${w.name}`, { fieldErrors: [{ path: 'email', message: 'not a member' }] });
    return { result: { workspace: w.name, email: u.email, remaining: await membershipNames(tx, u.id) }, audit: { targetType: 'membership', targetName: `${w.name}/${u.email}`, workspace: w.name, before: { role: 'data_scientist' } } };
  },
});

defineAction({
  name: 'self.changePassword',
  permission: 'self.password',
  description: 'Change your own password: your other sessions end (this one and your API tokens keep working)',
  input: z.strictObject({ currentPassword: z.string().min(1, 'required'), newPassword: password }),
  example: { currentPassword: 'x', newPassword: 'a-new-password-123' },
  async run({ tx, user, sessionIdHash }, input) {
    if (!user.passwordHash) {
      throw new AppError('conflict', 'your account signs in with Microsoft and has no Harbormaster password to change', { fieldErrors: [{ path: 'currentPassword', message: 'no local password' }] });
    }
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw new AppError('bad_request', 'the current password is wrong', { fieldErrors: [{ path: 'currentPassword', message: 'wrong password' }] });
    }
    await tx.update(users).set({ passwordHash: await hashPassword(input.newPassword), updatedAt: new Date() }).where(eq(users.id, user.id));
    // Whoever knew the old password and signed in with it elsewhere is signed out; the browser making the
    // change stays signed in (changed with an API token, there is none to keep).
    const otherSessionsEnded = await revokeOtherSessions(tx, user.id, sessionIdHash);
    return {
      result: { changed: true, otherSessionsEnded },
      audit: {
        targetType: 'user',
        targetName: user.email,
        after: { passwordChanged: true, otherSessionsEnded },
        message: `password changed: ${pluralize(otherSessionsEnded, 'other session')} ended`,
      },
    };
  },
});

defineAction({
  name: 'self.logoutEverywhere',
  permission: 'self.sessions',
  description: 'End every session of your account (all browsers)',
  input: z.strictObject({}),
  example: {},
  async run({ tx, user }) {
    const n = await revokeAllSessions(tx, user.id);
    return { result: { sessionsEnded: n }, audit: { targetType: 'user', targetName: user.email, after: { sessionsEnded: n } } };
  },
});

const linkInput = z.strictObject({ id: z.uuid('must be the id of a pending link') });

defineAction({
  name: 'users.linkIdentity',
  permission: 'users.manage',
  description: 'Link a waiting Microsoft sign-in to the existing account with the same email (the person then signs in with Microsoft)',
  input: linkInput,
  example: { id: '00000000-0000-4000-8000-000000000001' },
  async run({ tx, user }, input) {
    const r = await linkIdentityByAdmin(tx, input.id, user.email);
    return { result: r, audit: { targetType: 'user', targetName: r.email, after: { provider: r.provider, subject: r.subject }, message: `Microsoft sign-in (subject ${r.subject}) linked to ${r.email} by an ops admin` } };
  },
});

defineAction({
  name: 'users.rejectIdentityLink',
  permission: 'users.manage',
  description: 'Refuse a waiting Microsoft sign-in that names an existing account’s email (nothing is linked)',
  input: linkInput,
  example: { id: '00000000-0000-4000-8000-000000000001' },
  async run({ tx }, input) {
    const r = await rejectIdentityLink(tx, input.id);
    return { result: r, audit: { targetType: 'user', targetName: r.email, before: { provider: r.provider, subject: r.subject }, message: `Microsoft sign-in (subject ${r.subject}) for ${r.email} refused by an ops admin` } };
  },
});

export { workspaceName };

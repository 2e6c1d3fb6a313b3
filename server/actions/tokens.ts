import 'server-only';
import { z } from 'zod';
import { email, expiresIn } from '@/lib/schemas/core';
import { AppError } from '../errors';
import { issueToken, revokeToken, tokenDto, tokenExpiry } from '../auth/tokens';
import { assertNotSystemUser, findUserByEmail } from '../auth/users';
import { defineAction } from './registry';

const tokenName = z.string().trim().min(1, 'required').max(100, 'at most 100 characters');

defineAction({
  name: 'tokens.create',
  permission: 'self.tokens',
  description: 'Create a personal API token (shown once); without expiresIn it expires after the default lifetime (90 days unless configured), "never" for none',
  input: z.strictObject({ name: tokenName, expiresIn: expiresIn.optional() }),
  example: { name: 'ci', expiresIn: '30d' },
  async run({ tx, user }, input) {
    const { token, row } = await issueToken(tx, user.id, input.name, tokenExpiry(input.expiresIn));
    const dto = tokenDto(row);
    return { result: { ...dto, token }, audit: { targetType: 'api_token', targetName: `${user.email}/${input.name}`, after: dto } };
  },
});

defineAction({
  name: 'tokens.revoke',
  permission: 'self.tokens',
  description: 'Revoke one of your API tokens',
  input: z.strictObject({ id: z.string().uuid('not a token id') }),
  example: { id: '00000000-0000-4000-8000-000000000000' },
  async run({ tx, user }, input) {
    const r = await revokeToken(tx, user.id, input.id);
    if (!r) throw new AppError('not_found', 'no such active token', { fieldErrors: [{ path: 'id', message: 'no such active token' }] });
    return { result: tokenDto(r), audit: { targetType: 'api_token', targetName: `${user.email}/${r.name}`, after: { revoked: true } } };
  },
});

defineAction({
  name: 'tokens.issue',
  permission: 'tokens.issue',
  description: 'Issue an API token for any user (automation, recovery); expiry as for tokens.create',
  input: z.strictObject({ email, name: tokenName.optional(), expiresIn: expiresIn.optional() }),
  example: { email: 'someone@example.com', name: 'automation' },
  async run({ tx }, input) {
    const u = await findUserByEmail(tx, input.email);
    if (!u) throw new AppError('not_found', `user ${input.email} not found`, { fieldErrors: [{ path: 'email', message: 'no such user' }] });
    assertNotSystemUser(u);
    if (u.status !== 'active') throw new AppError('conflict', `user ${u.email} is disabled`);
    const expiresAt = tokenExpiry(input.expiresIn);
    const name = input.name ?? `cli-${new Date().toISOString().slice(0, 10)}`;
    const { token, row } = await issueToken(tx, u.id, name, expiresAt);
    const dto = tokenDto(row);
    return { result: { ...dto, token, email: u.email }, audit: { targetType: 'api_token', targetName: `${u.email}/${name}`, after: dto } };
  },
});

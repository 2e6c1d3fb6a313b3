import 'server-only';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { createWorkspaceInput, displayName, workspaceName } from '@/lib/schemas/core';
import { workspaces } from '../db/schema';
import { AppError } from '../errors';
import { workspaceDto } from '../services/workspaces';
import { defineAction } from './registry';
import { workspaceOr404 } from './users';

defineAction({
  name: 'workspaces.create',
  permission: 'workspaces.manage',
  description: 'Create a workspace',
  input: createWorkspaceInput,
  example: { name: 'rbac-example', displayName: 'Example' },
  async run({ tx }, input) {
    const [exists] = await tx.select().from(workspaces).where(eq(workspaces.name, input.name)).limit(1);
    if (exists) throw new AppError('conflict', `workspace ${input.name} already exists`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
    const [w] = await tx
      .insert(workspaces)
      .values({ name: input.name, displayName: input.displayName || input.name, description: input.description ?? '' })
      .returning();
    const dto = workspaceDto(w);
    return { result: dto, audit: { targetType: 'workspace', targetName: w.name, workspace: w.name, after: dto } };
  },
});

defineAction({
  name: 'workspaces.update',
  permission: 'workspaces.manage',
  description: 'Rename a workspace (its display name; the name is its stable URL key) or change its description',
  input: z.strictObject({ name: workspaceName, displayName: displayName.min(1, 'required').optional(), description: z.string().max(1000).optional() }),
  example: { name: 'vision', displayName: 'Vision team' },
  async run({ tx }, input) {
    const w = await workspaceOr404(tx, input.name);
    const [u] = await tx
      .update(workspaces)
      .set({ displayName: input.displayName ?? w.displayName, description: input.description ?? w.description, updatedAt: new Date() })
      .where(eq(workspaces.id, w.id))
      .returning();
    return { result: workspaceDto(u), audit: { targetType: 'workspace', targetName: w.name, workspace: w.name, before: workspaceDto(w), after: workspaceDto(u) } };
  },
});

for (const [name, status, description] of [
  ['workspaces.archive', 'archived', 'Archive a workspace: members lose access; nothing is deleted'],
  ['workspaces.restore', 'active', 'Restore an archived workspace'],
] as const) {
  defineAction({
    name,
    permission: 'workspaces.manage',
    description,
    input: z.strictObject({ name: workspaceName }),
    example: { name: 'vision' },
    async run({ tx }, input) {
      const w = await workspaceOr404(tx, input.name);
      if (w.status === status) throw new AppError('conflict', `workspace ${w.name} is already ${status}`);
      const [u] = await tx.update(workspaces).set({ status, updatedAt: new Date() }).where(eq(workspaces.id, w.id)).returning();
      return { result: workspaceDto(u), audit: { targetType: 'workspace', targetName: w.name, workspace: w.name, before: { status: w.status }, after: { status } } };
    },
  });
}

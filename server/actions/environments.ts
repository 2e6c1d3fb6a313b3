import 'server-only';
import { z } from 'zod';
import { workspaceName } from '@/lib/schemas/core';
import { environmentFields } from '@/lib/jobs/environment-schema';
import { createEnvironment, deleteEnvironment, environmentDto } from '../services/environments';
import { defineAction } from './registry';

// Workspace environments (name:version → image). Versions are immutable, as in Azure ML: a changed image is
// a new version; deleting one does not touch jobs that already ran with it (their spec holds the image).

defineAction({
  name: 'environments.create',
  permission: 'environments.manage',
  description: 'Register an environment (name and version → container image) in a workspace',
  input: z.strictObject({ workspace: workspaceName, ...environmentFields }),
  example: { workspace: 'vision', name: 'rbac-example-env', version: '1', image: 'python:3.11' },
  async run({ tx, user }, input) {
    const row = await createEnvironment(tx, input, user.id);
    const dto = environmentDto(row, user.email);
    return { result: dto, audit: { targetType: 'environment', targetName: `${row.name}:${row.version}`, workspace: input.workspace, after: { image: row.image, condaFile: !!row.condaFile } } };
  },
});

defineAction({
  name: 'environments.delete',
  permission: 'environments.manage',
  description: 'Delete an environment version from a workspace',
  input: z.strictObject({ workspace: workspaceName, name: z.string().min(1), version: z.string().min(1) }),
  example: { workspace: 'vision', name: 'rbac-example-env', version: '1' },
  async run({ tx }, input) {
    const row = await deleteEnvironment(tx, input.workspace, input.name, input.version);
    return {
      result: { deleted: `${row.name}:${row.version}` },
      audit: { targetType: 'environment', targetName: `${row.name}:${row.version}`, workspace: input.workspace, before: { image: row.image } },
    };
  },
});

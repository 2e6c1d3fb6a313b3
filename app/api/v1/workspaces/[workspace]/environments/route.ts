import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { listEnvironments } from '@/server/services/environments';
import { jsonOrYamlBody } from '@/server/http/body';

export const dynamic = 'force-dynamic';

export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'jobs.read', ctx.params.workspace);
  return { items: await listEnvironments(ctx.db, ctx.params.workspace) };
});

/** JSON or YAML: {name, version, image, condaFile?, description?} (Azure ML's conda_file is accepted too). */
export const POST = actionRoute('environments.create', {
  status: 201,
  readBody: jsonOrYamlBody('environment YAML'),
  input: (body, ctx) => {
    const b = { ...(body as Record<string, unknown>) };
    if ('conda_file' in b && !('condaFile' in b)) {
      b.condaFile = b.conda_file;
      delete b.conda_file;
    }
    delete b.$schema;
    return { ...b, workspace: ctx.params.workspace };
  },
});

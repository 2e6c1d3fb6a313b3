import { actionRoute, apiHandler, requireApiPermission } from '@/server/http/api';
import { AppError } from '@/server/errors';
import { wantsWatch, watchList } from '@/server/http/sse';
import { listModels } from '@/server/services/models';
import { readDocumentBody } from '@/server/services/jobs-http';
import { MAX_MODEL_UPLOAD_BYTES } from '@/server/services/models';
import type { ModelCreateResult } from '@/server/actions/models';

export const dynamic = 'force-dynamic';

const limitOf = (v: string | null) => {
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new AppError('bad_request', 'limit: must be a whole number from 1 to 200', { fieldErrors: [{ path: 'limit', message: '1–200' }] });
  return n;
};

/** Models by name, `{items, next}`, each with its latest version (`?q=` part of the name). ?watch=true streams changes. */
export const GET = apiHandler(async (ctx) => {
  const workspace = ctx.params.workspace;
  requireApiPermission(ctx, 'models.read', workspace);
  const p = ctx.url.searchParams;
  const query = { limit: limitOf(p.get('limit')), cursor: p.get('cursor') ?? undefined, q: p.get('q') ?? undefined };
  const first = await listModels(ctx.db, workspace, query);
  if (!wantsWatch(ctx.url)) return first;
  return watchList(ctx.req, {
    topics: [`models:${workspace}`],
    list: async () => (await listModels(ctx.db, workspace, { ...query, cursor: undefined })).items,
    // A model that no longer matches ?q= leaves the watched list (DELETED), as the jobs list does.
    load: async (name) => (query.q && !name.toLowerCase().includes(query.q.toLowerCase()) ? undefined : (await listModels(ctx.db, workspace, { q: name, limit: 200 })).items.find((m) => m.name === name)),
    uid: (m) => m.uid,
    key: (m) => m.name,
  });
});

/**
 * Register a version: application/yaml (an Azure ML model file), application/json (the same fields), or
 * multipart/form-data with the document as `model` and the files of a local `path` (≤ 2 GiB). 201 with the
 * version {name, version, type, path, location, lineage, …}; ?dryRun=true validates and writes nothing; a version
 * that exists is a 409 naming it.
 */
export const POST = actionRoute('models.create', {
  status: 201,
  readBody: (req) => readDocumentBody(req, { key: 'model', what: 'model', limit: MAX_MODEL_UPLOAD_BYTES + 1024 * 1024 }),
  input: (body, ctx) => ({ ...(body as object), workspace: ctx.params.workspace }),
  present: (result) => {
    const { dryRun: _, ...rest } = result as ModelCreateResult;
    return rest;
  },
  presentDryRun: (result) => {
    const { dryRun: _, uid: _u, ...rest } = result as ModelCreateResult;
    return { dryRun: true, ...rest };
  },
});

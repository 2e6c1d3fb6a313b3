import { actionRoute } from '@/server/http/api';
import { readJobBody } from '@/server/services/jobs-http';

export const dynamic = 'force-dynamic';

// multipart/form-data: `files` (one part per file, file name = path inside the folder) or `code` (a zip or
// tar.gz). Answers {sha256, size, files, reference}; a job then writes `code: <reference>`.
export const POST = actionRoute('code.upload', {
  status: 201,
  readBody: (req) => readJobBody(req, { requireDocument: false }),
  input: (body, ctx) => {
    const { files, code } = body as { files?: unknown; code?: unknown };
    return { workspace: ctx.params.workspace, ...(files ? { files } : {}), ...(code ? { code } : {}) };
  },
});

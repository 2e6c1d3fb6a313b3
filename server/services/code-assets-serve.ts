import 'server-only';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { NextRequest } from 'next/server';
import { getDb } from '../db';
import { jobs, onlineDeployments } from '../db/schema';
import { AppError } from '../errors';
import { logger } from '../logger';
import { problemResponse } from '../http/problem';
import { codeBlobPath, getCodeAsset, verifyFetchToken } from './code-assets';

// GET /api/v1/code/{sha256}[/{name}]: a pod fetches its job's files. Not a user API: the only credential
// accepted is the job-scoped fetch token (HMAC of the job id and an expiry under the console's secret key),
// and it opens only the blobs that job references — its code snapshot and its uploaded input files — and
// only while the job has not ended. An online deployment's token (its record id) opens its scoring code
// while the deployment exists.

const ENDED = new Set(['Completed', 'Failed', 'Canceled']);

export async function serveJobBlob(req: NextRequest, ctx: { params: Promise<{ sha256: string; name?: string[] }> }): Promise<Response> {
  const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
  const url = new URL(req.url);
  try {
    const { sha256 } = await ctx.params;
    const header = req.headers.get('authorization');
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : url.searchParams.get('token');
    if (!token) throw new AppError('unauthorized', 'send the job’s fetch token (Authorization: Bearer <token>)');
    const check = verifyFetchToken(token);
    if (!check.ok) throw new AppError('unauthorized', check.reason);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('not_found', 'no such file');
    const db = await getDb();
    const [job] = await db.select({ code: jobs.codeSha256, inputs: jobs.inputFiles, status: jobs.status }).from(jobs).where(eq(jobs.id, check.jobId)).limit(1);
    // An online deployment's pods fetch its scoring code whenever they start, for as long as it exists.
    const [deployment] = job ? [] : await db.select({ code: onlineDeployments.codeSha256 }).from(onlineDeployments).where(eq(onlineDeployments.id, check.jobId)).limit(1);
    // The same answer for "not this job's file" and "no such job": a token opens nothing else.
    if (deployment) {
      if (deployment.code !== sha256) throw new AppError('not_found', 'no such file for this deployment');
    } else if (!job || (job.code !== sha256 && !Object.values(job.inputs ?? {}).includes(sha256))) throw new AppError('not_found', 'no such file for this job');
    else if (ENDED.has(job.status)) throw new AppError('forbidden', `the job has ended (${job.status}); its files are no longer served`);
    const asset = await getCodeAsset(db, sha256);
    const file = codeBlobPath(sha256);
    if (!asset || !fs.existsSync(file)) throw new AppError('not_found', 'the file is missing from the data directory');
    const data = await fs.promises.readFile(file);
    logger.info({ requestId, job: check.jobId, sha256, bytes: data.length }, 'job file fetched');
    return new Response(new Uint8Array(data), {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(data.length),
        'cache-control': 'private, no-store',
        etag: `"${sha256}"`,
        'x-request-id': requestId,
      },
    });
  } catch (e) {
    return problemResponse(e, requestId, url.pathname);
  }
}

// Sends a job to POST /api/v1/workspaces/{ws}/jobs — the same REST door automation uses — as YAML, JSON or,
// with code, multipart/form-data (`job` + one `files` part per file + their `paths`, or `code` = an archive).
// Models go to …/models the same way (sendDocument, the document as `model`).
import type { CodeUpload } from './code-drop';
import type { DryRunAnswer, Problem } from './types';

export type JobBody = { kind: 'yaml'; text: string } | { kind: 'json'; doc: Record<string, unknown> };

export type DocumentAnswer<T> = { ok: true; status: number; data: T } | { ok: false; problem: Problem };
export type JobAnswer = DocumentAnswer<DryRunAnswer & { status?: string }>;

export async function sendJob(workspace: string, body: JobBody, code: CodeUpload, opts: { dryRun: boolean; idempotencyKey?: string }): Promise<JobAnswer> {
  return sendDocument<DryRunAnswer & { status?: string }>(`/api/v1/workspaces/${encodeURIComponent(workspace)}/jobs`, 'job', body, code, opts);
}

/**
 * POSTs an Azure ML document to a REST collection (`…/jobs`, `…/models`) — or PUTs it to an object's URL
 * (`method: 'PUT'`, e.g. validating a deployment's new file) — the same way: YAML or JSON alone, or
 * multipart with the document as `key` and the picked files (or an archive as `code`). Answers the created
 * object, or the problem with its field errors.
 */
export async function sendDocument<T>(collectionUrl: string, key: string, body: JobBody, code: CodeUpload, opts: { dryRun: boolean; idempotencyKey?: string; method?: 'POST' | 'PUT' }): Promise<DocumentAnswer<T>> {
  const url = `${collectionUrl}${opts.dryRun ? '?dryRun=true' : ''}`;
  const headers: Record<string, string> = {};
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let payload: BodyInit;
  const docText = body.kind === 'yaml' ? body.text : JSON.stringify(body.doc);
  if (code.files.length || code.archive) {
    const form = new FormData();
    form.append(key, docText);
    for (const f of code.files) form.append('files', f.file, f.path);
    // The paths again, in order: some browsers drop the folder part of a file name in multipart bodies.
    if (code.files.length) form.append('paths', JSON.stringify(code.files.map((f) => f.path)));
    if (code.archive) form.append('code', code.archive, code.archive.name);
    payload = form;
  } else {
    headers['content-type'] = body.kind === 'yaml' ? 'application/yaml' : 'application/json';
    payload = docText;
  }
  let res: Response;
  try {
    res = await fetch(url, { method: opts.method ?? 'POST', body: payload, headers, credentials: 'same-origin' });
  } catch (e) {
    return { ok: false, problem: { status: 0, detail: `the console could not be reached: ${(e as Error).message}` } };
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const p = (json ?? {}) as Partial<Problem>;
  return { ok: false, problem: { status: res.status, title: p.title, detail: p.detail ?? (text.slice(0, 300) || res.statusText), errors: p.errors, requestId: p.requestId } };
}

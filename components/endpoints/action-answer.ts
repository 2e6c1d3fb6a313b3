import type { ActionResult } from '@/app/actions';
import type { DocumentAnswer } from '@/components/jobs/job-request';

/** A console action's result in the editors' terms (useDocumentRequest): the data, or the problem with its field errors. */
export function actionAnswer<T>(r: ActionResult<T>): DocumentAnswer<T> {
  if (r.ok) return { ok: true, status: 200, data: r.data };
  return { ok: false, problem: { status: r.error.status, detail: r.error.detail, errors: r.error.fieldErrors?.map((f) => ({ path: f.path, message: f.message })), requestId: r.error.requestId } };
}

/** No files go with an endpoint or a deployment from the console (a stable value for useDocumentRequest). */
export const NO_FILES = { files: [] };

import 'server-only';
import { AppError, type ErrorCode } from '../errors';
import { answerableError } from '../http/problem';

// ARM's error shape for the Azure ML–compatible API (/arm/, issue 19): `{"error": {"code", "message", "details"?}}`
// with the status codes ARM uses. The Python SDK (azure-core) raises HttpResponseError with `message` and shows
// `code`; details carry one entry per invalid field, `target` naming it.

const ARM_CODES: Record<ErrorCode, string> = {
  bad_request: 'BadRequest',
  unauthorized: 'AuthenticationFailed',
  forbidden: 'AuthorizationFailed',
  not_found: 'ResourceNotFound',
  conflict: 'Conflict',
  payload_too_large: 'RequestEntityTooLarge',
  unsupported_media_type: 'UnsupportedMediaType',
  too_many_requests: 'TooManyRequests',
  upstream_unavailable: 'ServiceUnavailable',
  internal: 'InternalServerError',
};

/** An ARM-shaped refusal with its own code (InvalidApiVersionParameter, InvalidResourceType, …). */
export class ArmError extends AppError {
  constructor(
    code: ErrorCode,
    readonly armCode: string,
    message: string,
    fieldErrors?: Array<{ path: string; message: string }>,
  ) {
    super(code, message, fieldErrors ? { fieldErrors } : undefined);
  }
}

export function armErrorBody(e: AppError): { error: { code: string; message: string; target?: string; details?: Array<{ code: string; target: string; message: string }> } } {
  const code = (e as Partial<ArmError>).armCode ?? (e.code === 'bad_request' && e.fieldErrors?.length ? 'ValidationError' : ARM_CODES[e.code]);
  const details = e.fieldErrors?.map((f) => ({ code: 'ValidationError', target: f.path, message: f.message }));
  return { error: { code, message: e.message, ...(details?.length === 1 ? { target: details[0].target } : {}), ...(details?.length ? { details } : {}) } };
}

/** The `errorResponse` of the /arm/ handler (server/http/api.ts apiHandler). */
export function armErrorResponse(err: unknown, requestId: string): Response {
  const e = answerableError(err, requestId);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-ms-request-id': requestId,
    'x-request-id': requestId,
    'x-ms-failure-cause': e.status >= 500 ? 'service' : 'gateway',
    'cache-control': 'no-store',
  };
  if (e.retryAfterSeconds) headers['retry-after'] = String(e.retryAfterSeconds);
  if (e.code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="harbormaster"';
  return new Response(JSON.stringify(armErrorBody(e)), { status: e.status, headers });
}

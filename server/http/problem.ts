import 'server-only';
import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../errors';
import { logger } from '../logger';

/** An error as the API answers it: expected errors as they are; an unexpected one is logged with an id and told generically. */
export function answerableError(err: unknown, requestId: string): AppError {
  if (isAppError(err)) return err;
  const errorId = randomUUID();
  logger.error({ err, errorId, requestId }, 'unhandled error');
  return new AppError('internal', `unexpected error (id ${errorId}); see the server log`);
}

// RFC 9457 problem details. Expected errors show their message; unexpected ones get an id and a generic text.
export function problemResponse(err: unknown, requestId: string, instance?: string): Response {
  const e = answerableError(err, requestId);
  const body: Record<string, unknown> = {
    type: `https://harbormaster.dev/problems/${e.code.replace(/_/g, '-')}`,
    title: e.title,
    status: e.status,
    detail: e.message,
    code: e.code,
    requestId,
  };
  if (instance) body.instance = instance;
  if (e.fieldErrors?.length) body.errors = e.fieldErrors;
  // Cluster failures carry a stable reason (tls_unknown_ca, unauthorized, timeout …) that automation can act on.
  const reason = (e as { reason?: unknown }).reason;
  if (typeof reason === 'string') body.reason = reason;
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'x-request-id': requestId, 'cache-control': 'no-store' };
  if (e.retryAfterSeconds) headers['retry-after'] = String(e.retryAfterSeconds);
  if (e.code === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="harbormaster"';
  return new Response(JSON.stringify(body), { status: e.status, headers });
}

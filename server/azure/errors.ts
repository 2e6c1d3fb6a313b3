import 'server-only';
import { isRestError } from '@azure/core-rest-pipeline';
import { AppError } from '../errors';

// Azure failures → AppError with a sentence a person can act on (DESIGN §5.4). Only ARM's error code and message
// and the identity's public names (tenant, client id, kind) go into a sentence: never a request, its headers, a
// token or a secret. Used by every ARM call (server/azure/discovery.ts and the actions) and by the credentials.

export interface ArmErrorContext {
  /** The ARM endpoint the call went to (named when it cannot be reached). */
  armEndpoint: string;
  /** Who asked, in words ("service principal 1234… (client secret) in tenant …"). */
  identity: string;
  /** What was being done ("list the subscriptions", "read Azure ML workspace rg/ws"). */
  what: string;
}

/** A role that grants an ARM action, for the "assign … on <scope>" sentence (built-in role names). */
export function roleFor(action: string): string {
  const a = action.toLowerCase();
  if (a.endsWith('/read')) return 'Reader';
  if (a === 'microsoft.containerservice/managedclusters/listclusterusercredential/action') return 'Azure Kubernetes Service Cluster User Role';
  if (a === 'microsoft.kubernetes/connectedclusters/listclusterusercredential/action') return 'Azure Arc Enabled Kubernetes Cluster User Role';
  if (a.startsWith('microsoft.kubernetesconfiguration/extensions/')) return 'Kubernetes Extension Contributor';
  if (a.startsWith('microsoft.machinelearningservices/workspaces/jobs/') || a.startsWith('microsoft.machinelearningservices/workspaces/onlineendpoints/')) return 'AzureML Data Scientist';
  return 'Contributor';
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);
const TLS_CODES = /^(?:DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** core-lro's rejection of a `…AndWait` whose operation ended Failed: "The long-running operation has failed. <code>. <message>". */
const LRO_FAILED = /^The long-running operation has failed\.\s*(.*)$/s;

function oneLine(s: string | undefined, max = 600): string {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Any failure of an ARM call → AppError (an AppError passes through unchanged). */
export function armError(e: unknown, ctx: ArmErrorContext): AppError {
  if (e instanceof AppError) return e;
  if (isRestError(e)) {
    const status = e.statusCode;
    const code = e.code ?? '';
    const message = oneLine(e.message);
    const arm = code ? `${code}: ${message}` : message;
    if (status === 401) {
      return new AppError('unauthorized', `Azure Resource Manager (${ctx.armEndpoint}) refused the token of ${ctx.identity} while trying to ${ctx.what} (${arm}). Check that the identity belongs to the tenant and that the token is for ${'https://management.azure.com'}.`);
    }
    if (status === 403) {
      const m = /perform action '([^']+)' over scope '([^']+)'/i.exec(e.message);
      if (m) {
        const [, action, scope] = m;
        return new AppError(
          'forbidden',
          `${ctx.identity} may not ${ctx.what}: Azure refused the action ${action} on ${scope}. Assign ${roleFor(action)} (or another role that grants ${action}) to this identity on ${scope}. (${code || 'AuthorizationFailed'})`,
        );
      }
      return new AppError('forbidden', `${ctx.identity} may not ${ctx.what}: Azure answered 403 (${arm}). A role assignment is missing for this identity.`);
    }
    if (status === 404) return new AppError('not_found', `Azure could not ${ctx.what}: not found (${arm})`);
    if (status === 429) {
      const ra = e.response?.headers.get('retry-after');
      const seconds = ra && /^\d+$/.test(ra) ? Number(ra) : undefined;
      return new AppError(
        'too_many_requests',
        `Azure Resource Manager is throttling ${ctx.identity} and still answered 429 after the retries while trying to ${ctx.what} (${arm})${seconds !== undefined ? `; it asks to retry after ${seconds} s` : ''}.`,
        { retryAfterSeconds: seconds },
      );
    }
    if (status !== undefined && status >= 500) {
      return new AppError('upstream_unavailable', `Azure Resource Manager at ${ctx.armEndpoint} failed while trying to ${ctx.what}: ${status}${arm ? ` ${arm}` : ''} (retried; try again later)`);
    }
    if (status === undefined && (CONNECTION_CODES.has(code) || /ECONNREFUSED|ECONNRESET|socket hang up|ETIMEDOUT/i.test(message))) {
      return new AppError('upstream_unavailable', `Azure Resource Manager at ${ctx.armEndpoint} could not be reached while trying to ${ctx.what} (${code || message}).`);
    }
    if (status === undefined && (TLS_CODES.test(code) || /certificate/i.test(message))) {
      return new AppError('upstream_unavailable', `the TLS certificate of ${ctx.armEndpoint} is not trusted (${code || message}): add its CA to the connection (caPem).`);
    }
    if (status !== undefined && status >= 400) return new AppError('bad_request', `Azure refused to ${ctx.what}: ${status} ${arm}`);
    return new AppError('upstream_unavailable', `Azure Resource Manager at ${ctx.armEndpoint}: ${arm || 'request failed'} while trying to ${ctx.what}`);
  }
  if (e instanceof Error) {
    const lro = LRO_FAILED.exec(e.message);
    if (lro) return new AppError('bad_request', `Azure could not ${ctx.what}: the operation ended Failed — ${oneLine(lro[1])}`);
    const code = (e as { code?: string }).code;
    if (code && CONNECTION_CODES.has(code)) return new AppError('upstream_unavailable', `Azure Resource Manager at ${ctx.armEndpoint} could not be reached while trying to ${ctx.what} (${code}).`);
  }
  return new AppError('upstream_unavailable', `Azure Resource Manager at ${ctx.armEndpoint} failed while trying to ${ctx.what}: ${oneLine((e as Error)?.message ?? String(e), 300)}`);
}

/**
 * A credential that could not get a token → AppError naming the identity and the identity provider's answer
 * (error code and description only; @azure/identity's messages carry no secret).
 */
export function credentialError(e: unknown, identity: string, authority: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { name?: string; message?: string; errorResponse?: { error?: string; errorDescription?: string }; statusCode?: number; code?: string };
  const detail = oneLine(err.errorResponse ? `${err.errorResponse.error ?? ''}: ${err.errorResponse.errorDescription ?? ''}` : err.message, 400);
  if (err.name === 'CredentialUnavailableError') {
    return new AppError('upstream_unavailable', `no token for ${identity}: the credential is not available here (${detail})`);
  }
  if (/invalid_client|unauthorized_client|invalid_grant|AADSTS7000215|AADSTS700016|AADSTS700027|client authentication failed|invalid_request/i.test(`${err.message} ${detail}`)) {
    return new AppError('unauthorized', `the identity provider ${authority} refused the credentials of ${identity} (${detail}). Check the client id, the secret or certificate, and the tenant.`);
  }
  if (err.code && CONNECTION_CODES.has(err.code)) return new AppError('upstream_unavailable', `the identity provider ${authority} could not be reached for ${identity} (${err.code})`);
  return new AppError('upstream_unavailable', `no token for ${identity} from ${authority}: ${detail}`);
}

// For work after commit (azure.arm intents, the azureml status poller): which failures are worth trying again.

/** Throttled (ARM's Retry-After, else 5 s) or ARM unreachable (5 s): try again after this long; anything else: undefined. */
export function retryDelayMs(err: AppError): number | undefined {
  if (err.code === 'too_many_requests') return (err.retryAfterSeconds ?? 5) * 1000;
  if (err.code === 'upstream_unavailable') return 5_000;
  return undefined;
}

/** ARM's own words for a failure (code: message), as shown verbatim. */
export function armText(e: unknown): string {
  if (isRestError(e)) return `${e.code ? `${e.code}: ` : ''}${e.message}`.replace(/\s+/g, ' ').trim();
  const m = /^The long-running operation has failed\.\s*(.*)$/s.exec((e as Error)?.message ?? '');
  return (m ? m[1] : ((e as Error)?.message ?? String(e))).replace(/\s+/g, ' ').trim();
}

/** Harbormaster's explanation of an ARM refusal it recognizes. */
export function explainArm(text: string): string | undefined {
  if (/Microsoft\.AzureML\.Kubernetes extension is not installed|extension.*not (installed|in state Succeeded)/i.test(text)) {
    return 'the cluster has no Azure ML extension: install it on the cluster page (Azure ML extension), then attach again';
  }
  if (/Compute name .* is invalid/i.test(text)) return 'Azure ML compute names are 2–16 letters, digits and hyphens, starting with a letter';
  if (/was not found or is not an AKS or Arc/i.test(text)) return 'Azure does not know the cluster’s resource id: check the cluster’s Azure resource id (same subscription as the workspace)';
  if (/Invalid instance type/i.test(text)) return 'the instance type is not defined on the Azure ML compute: attach the compute again with it among its instance types';
  if (/AuthorizationFailed/i.test(text)) return 'a role assignment is missing for the connection’s identity (see the message)';
  return undefined;
}

/** A failure → the intent's answer: try again later (throttled, unreachable) or failed for good (ARM's sentence). */
export function armResult(e: unknown, az: { connection: { armEndpoint: string }; identity: string } | undefined, what: string): { ok: false; message: string; retryAfterMs?: number } {
  const err = armError(e, { armEndpoint: az?.connection.armEndpoint ?? 'Azure Resource Manager', identity: az?.identity ?? 'the connection', what });
  const retryAfterMs = retryDelayMs(err);
  if (retryAfterMs !== undefined) return { ok: false, message: err.message, retryAfterMs };
  const why = explainArm(armText(e));
  return { ok: false, message: why && err.code !== 'forbidden' ? `${err.message} — ${why}` : err.message };
}


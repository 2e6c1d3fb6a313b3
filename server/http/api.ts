import 'server-only';
import { randomUUID } from 'node:crypto';
import type { NextRequest } from 'next/server';
import { getDb, type Db } from '../db';
import { AppError } from '../errors';
import { logger } from '../logger';
import { checkToken } from '../auth/tokens';
import { readSession, SESSION_COOKIE } from '../auth/sessions';
import { principalFor, type UserRow } from '../auth/users';
import type { Principal, Permission } from '@/lib/rbac/permissions';
import { can } from '@/lib/rbac/permissions';
import { auditableName, refuseAnonymous, runAction, type AuditNames, type Caller } from '../actions/run';
import { problemResponse } from './problem';
import { readBody, readBodyText } from './body';
import { idempotentReplay, storeIdempotent } from './idempotency';
import { requestOriginOf } from './origin';
import { clientIpOf } from './client-ip';

// REST plumbing for /api/v1 (DESIGN §4): authentication (bearer token or the console's session cookie),
// problem+json errors, request ids, body caps, Idempotency-Key and ?dryRun=true for mutations.

type Params = Promise<Record<string, string | string[]>>;
type RouteCtx = { params: Params };

export interface ApiContext {
  req: NextRequest;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  db: Db;
  user: UserRow | null;
  principal: Principal | null;
  authFailure?: string;
  caller: Caller;
}

async function authenticate(
  req: NextRequest,
  db: Db,
): Promise<{ user: UserRow | null; principal: Principal | null; failure?: string; viaCookie: boolean; sessionIdHash?: string }> {
  const auth = req.headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return { user: null, principal: null, failure: 'the Authorization header must be "Bearer <token>"', viaCookie: false };
    const t = await checkToken(db, m[1]);
    if (!t.ok) return { user: null, principal: null, failure: t.reason, viaCookie: false };
    return { user: t.user, principal: await principalFor(db, t.user), viaCookie: false };
  }
  const sid = req.cookies.get(SESSION_COOKIE)?.value;
  if (sid) {
    const s = await readSession(db, sid);
    if (s.ok) return { user: s.user, principal: await principalFor(db, s.user), viaCookie: true, sessionIdHash: s.idHash };
    return { user: null, principal: null, failure: `the session is ${s.reason}`, viaCookie: true };
  }
  return { user: null, principal: null, viaCookie: false };
}

function json(body: unknown, status: number, requestId: string, extra: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, 'cache-control': 'no-store', ...extra },
  });
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers } });
}

export interface ApiHandlerOptions {
  auth?: 'required' | 'optional';
  /**
   * How errors are answered: problem+json (DESIGN §4) unless given. The Azure ML–compatible API (/arm/) answers
   * ARM's `{error: {code, message, details}}` through the same authentication, request ids and logging.
   */
  errorResponse?: (err: unknown, requestId: string, path: string) => Response;
}

/** Wraps a route handler. `auth: 'required'` answers 401 for anonymous callers before calling the handler. */
export function apiHandler(fn: (ctx: ApiContext) => Promise<Response | unknown>, opts: ApiHandlerOptions = {}) {
  return async (req: NextRequest, route: RouteCtx): Promise<Response> => {
    const requestId = req.headers.get('x-request-id')?.slice(0, 100) || randomUUID();
    const started = Date.now();
    let status = 500;
    try {
      const db = await getDb();
      const rawParams = (await route?.params) ?? {};
      const params = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join('/') : v]));
      const a = await authenticate(req, db);
      if (a.viaCookie && a.user && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
        // Cookie-authenticated writes must come from our own pages (CSRF defence on top of SameSite=Lax).
        const origin = req.headers.get('origin');
        if (origin && new URL(origin).host !== (req.headers.get('x-forwarded-host') ?? req.headers.get('host'))) {
          throw new AppError('forbidden', 'cross-origin request refused');
        }
      }
      const origin = requestOriginOf(req.headers, new URL(req.url));
      const caller: Caller = { db, user: a.user, principal: a.principal, requestId, ip: clientIpOf(req.headers), via: 'api', origin, authFailure: a.failure, sessionIdHash: a.sessionIdHash };
      if ((opts.auth ?? 'required') === 'required' && !a.user) {
        throw new AppError('unauthorized', a.failure ? `${a.failure}: send a valid API token (Authorization: Bearer <token>)` : 'send a valid API token (Authorization: Bearer <token>)');
      }
      const out = await fn({ req, url: new URL(req.url), params, requestId, db, user: a.user, principal: a.principal, authFailure: a.failure, caller });
      const res = out instanceof Response ? out : json(out, 200, requestId);
      status = res.status;
      if (!res.headers.has('x-request-id')) res.headers.set('x-request-id', requestId);
      return res;
    } catch (e) {
      const res = (opts.errorResponse ?? problemResponse)(e, requestId, new URL(req.url).pathname);
      status = res.status;
      return res;
    } finally {
      logger.info({ requestId, method: req.method, path: new URL(req.url).pathname, status, ms: Date.now() - started }, 'api');
    }
  };
}

/** Read endpoints: require a permission (404 for a workspace the caller cannot see). */
export function requireApiPermission(ctx: ApiContext, permission: Permission, workspace?: string) {
  if (!ctx.principal) throw new AppError('unauthorized', 'send a valid API token (Authorization: Bearer <token>)');
  if (!can(ctx.principal, permission, workspace)) {
    if (workspace && !ctx.principal.globalRole && !ctx.principal.memberOf.includes(workspace)) {
      throw new AppError('not_found', `workspace ${workspace} not found`);
    }
    throw new AppError('forbidden', `missing permission ${permission}`);
  }
}

export interface ActionRouteOptions {
  /** Builds the action input from the parsed body and the URL params. */
  input?: (body: unknown, ctx: ApiContext) => unknown;
  /** Success status, or a function of the result (e.g. 201 when created, 202 when accepted and still waiting). */
  status?: number | ((result: unknown) => number);
  allowYaml?: boolean;
  /** Shapes the action's result for the response. */
  present?: (result: unknown, ctx: ApiContext) => unknown;
  /** Methods without a body (DELETE). */
  noBody?: boolean;
  /**
   * Reads the body itself when it returns a value (e.g. multipart uploads); `text` is what Idempotency-Key
   * compares. Returning null falls back to the JSON/YAML reader.
   */
  readBody?: (req: Request, ctx: ApiContext) => Promise<{ value: unknown; text: string } | null>;
  /** Shapes a dry run's answer; without it a dry run answers {dryRun: true, result}. */
  presentDryRun?: (result: unknown, ctx: ApiContext) => unknown;
  /**
   * Ignore Idempotency-Key: for reads behind POST whose every answer must be audited (endpoint keys) — a replay
   * would hand out a stored answer with no audit event, and after a regeneration an old key.
   */
  noReplay?: boolean;
}

/**
 * The names a denied or malformed attempt is audited with: the route's parameters (never the body, which
 * nothing validated yet), each kept only when auditableName accepts it.
 */
export function routeAuditNames(params: Record<string, string>): AuditNames {
  const name = (v: string | undefined) => {
    if (v === undefined) return null;
    try {
      return auditableName(decodeURIComponent(v));
    } catch {
      return null;
    }
  };
  return { workspace: name(params.workspace), targetName: name(params.name) ?? name(params.email) ?? name(params.id) ?? name(params.cluster) };
}

/**
 * A mutating route = one registered action. The RBAC matrix test checks that every mutating handler under
 * app/api/v1 is built with this function and names a registered action.
 */
export function actionRoute(actionName: string, opts: ActionRouteOptions = {}) {
  return apiHandler(
    async (ctx) => {
      const auditNames = routeAuditNames(ctx.params);
      // Nobody signed in: 401 at once, before a byte of the body (up to 50 MiB for uploads) is read.
      if (!ctx.user || !ctx.principal) return refuseAnonymous(actionName, ctx.caller, auditNames);
      const dryRun = ctx.url.searchParams.get('dryRun') === 'true';
      let bodyValue: unknown = {};
      let bodyText = '';
      const custom = opts.readBody ? await opts.readBody(ctx.req, ctx) : null;
      if (custom) {
        bodyValue = custom.value;
        bodyText = custom.text;
      } else if (!opts.noBody) {
        const b = await readBody(ctx.req, { allowYaml: opts.allowYaml });
        bodyValue = b.value;
        bodyText = b.text;
      } else {
        bodyText = await readBodyText(ctx.req);
      }
      const key = opts.noReplay ? null : ctx.req.headers.get('idempotency-key');
      if (key && ctx.user && !dryRun) {
        const replay = await idempotentReplay(ctx.db, ctx.user.id, key, ctx.req.method, ctx.url.pathname, bodyText);
        if (replay) return replay;
      }
      const input = opts.input ? opts.input(bodyValue, ctx) : bodyValue;
      const result = await runAction(actionName, input, ctx.caller, { dryRun, auditNames });
      const body = opts.present ? opts.present(result, ctx) : result;
      const status = dryRun ? 200 : typeof opts.status === 'function' ? opts.status(result) : (opts.status ?? 200);
      const out = dryRun ? (opts.presentDryRun ? opts.presentDryRun(result, ctx) : { dryRun: true, result: body }) : body;
      if (key && ctx.user && !dryRun) await storeIdempotent(ctx.db, ctx.user.id, key, ctx.req.method, ctx.url.pathname, bodyText, status, out);
      return json(out, status, ctx.requestId);
    },
    { auth: 'optional' },
  );
}

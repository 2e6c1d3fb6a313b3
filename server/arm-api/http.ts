import 'server-only';
import type { NextRequest } from 'next/server';
import type { Permission } from '@/lib/rbac/permissions';
import { AppError, isAppError } from '../errors';
import { apiHandler, requireApiPermission, routeAuditNames, type ApiContext } from '../http/api';
import { readBody } from '../http/body';
import { refuseAnonymous, runAction } from '../actions/run';
import { armErrorResponse, ArmError } from './errors';
import { checkApiVersion } from './versions';

// The Azure ML–compatible resource-manager API at <console>/arm/ (issue 19; server/arm-api/README.md): the front
// door the official Python SDK v2 and CLI v2 talk to. It is the same console behind it — authentication (API
// tokens as bearer tokens, server/http/api.ts), the same actions (authorization, validation, audit, effects after
// commit: runAction) and the same read services as /api/v1 — with ARM's conventions on the wire: resources
// `{id, name, type, properties, systemData}`, lists `{value, nextLink}`, errors `{error: {code, message, details}}`.

export const PROVIDER = 'Microsoft.MachineLearningServices';
export const WORKSPACE_TYPE = `${PROVIDER}/workspaces`;

export interface ArmContext extends ApiContext {
  apiVersion: string;
  subscription: string;
  resourceGroup: string;
  workspace: string;
  /** The workspace's ARM id as the caller spelled it (ids Harbormaster returns extend it). */
  workspaceId: string;
  /** `<https origin of this request>/arm`: nextLink and operation URLs start with it. */
  base: string;
  /** The route's own parameters (`{name}`, `{version}`, …), URL-decoded. */
  route: Record<string, string>;
}

export interface ArmRoute {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** After the workspace, e.g. '' (the workspace itself), '/jobs', '/jobs/{name}', '/jobs/{name}/cancel'. Literal segments match case-insensitively. */
  path: string;
  /** Reads: the permission checked before the handler (workspace-scoped). */
  permission?: Permission;
  /** Writes: the registered action the handler runs (the RBAC matrix test reads it). */
  action?: string;
  handler: (ctx: ArmContext) => Promise<Response | unknown>;
  /**
   * A request the RBAC matrix test (server/arm-api/rbac.db.test.ts) sends as each kind of caller against the
   * cast's `vision` workspace: the route's parameters, the query (api-version is added) and the body of a write.
   */
  example: { route?: Record<string, string>; body?: unknown };
}

const WORKSPACE_PREFIX = ['subscriptions', null, 'resourcegroups', null, 'providers', PROVIDER.toLowerCase(), 'workspaces', null] as const;

interface Matched {
  route: ArmRoute;
  params: Record<string, string>;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ArmError('bad_request', 'InvalidRequestUri', 'the request path is not valid percent-encoding');
  }
}

/** Splits `/arm/subscriptions/…/workspaces/{ws}/rest` into the workspace part and the rest. */
function parsePath(pathname: string): { subscription: string; resourceGroup: string; workspace: string; rest: string[] } {
  const segs = pathname.replace(/^\/arm\/?/, '').split('/').filter(Boolean);
  const ok = segs.length >= WORKSPACE_PREFIX.length && WORKSPACE_PREFIX.every((lit, i) => lit === null || segs[i].toLowerCase() === lit);
  if (!ok) {
    throw new ArmError(
      'not_found',
      'InvalidResourceType',
      `Harbormaster's Azure ML–compatible API serves /arm/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/${PROVIDER}/workspaces/{workspace}/…; ${pathname.slice(0, 200)} is not under it`,
    );
  }
  return { subscription: decode(segs[1]), resourceGroup: decode(segs[3]), workspace: decode(segs[7]), rest: segs.slice(8) };
}

function matchRoute(routes: readonly ArmRoute[], method: string, rest: string[]): Matched | { pathKnown: boolean } {
  let pathKnown = false;
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== rest.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const m = /^\{(\w+)\}$/.exec(pattern[i]);
      if (m) params[m[1]] = decode(rest[i]);
      else ok = pattern[i].toLowerCase() === rest[i].toLowerCase();
    }
    if (!ok) continue;
    pathKnown = true;
    if (route.method === method) return { route, params };
  }
  return { pathKnown };
}

function supportedList(routes: readonly ArmRoute[]): string {
  const kinds = [...new Set(routes.map((r) => r.path.split('/').filter(Boolean)[0]).filter(Boolean))];
  return kinds.join(', ');
}

/** The one handler behind app/arm/[...path]/route.ts for every method. */
export function armHandler(routes: readonly ArmRoute[]) {
  return apiHandler(
    async (ctx) => {
      const url = ctx.url;
      const where = parsePath(url.pathname);
      const found = matchRoute(routes, ctx.req.method, where.rest);
      if (!('route' in found)) {
        const what = `${ctx.req.method} …/workspaces/${where.workspace}/${where.rest.join('/')}`.slice(0, 300);
        if (found.pathKnown) throw new ArmError('bad_request', 'MethodNotAllowed', `${what}: this method is not supported by Harbormaster's Azure ML–compatible API`);
        throw new ArmError(
          'not_found',
          'InvalidResourceType',
          `${what}: not served by Harbormaster's Azure ML–compatible API (it serves the workspace and its ${supportedList(routes)})`,
        );
      }
      const apiVersion = checkApiVersion(url);
      const params = { ...found.params, workspace: where.workspace };
      const origin = ctx.caller.origin ?? url.origin;
      const workspaceId = `/subscriptions/${where.subscription}/resourceGroups/${where.resourceGroup}/providers/${PROVIDER}/workspaces/${where.workspace}`;
      const armCtx: ArmContext = {
        ...ctx,
        params,
        apiVersion,
        subscription: where.subscription,
        resourceGroup: where.resourceGroup,
        workspace: where.workspace,
        workspaceId,
        base: `${origin}/arm`,
        route: found.params,
      };
      const { route } = found;
      if (route.action) {
        // As actionRoute (server/http/api.ts): an anonymous write is audited with the route's names, then 401.
        if (!ctx.user || !ctx.principal) return refuseAnonymous(route.action, ctx.caller, routeAuditNames(params));
      } else {
        if (!ctx.user) throw new AppError('unauthorized', ctx.authFailure ? `${ctx.authFailure}: send a Harbormaster API token as the bearer token` : 'send a Harbormaster API token as the bearer token (Authorization: Bearer <token>)');
        // 404 (ResourceNotFound) for a workspace the caller cannot see, before anything else is read.
        requireApiPermission(ctx, 'workspaces.read', where.workspace);
        if (route.permission) requireApiPermission(ctx, route.permission, where.workspace);
      }
      const out = await route.handler(armCtx);
      return out instanceof Response ? out : armJson(ctx, out);
    },
    { auth: 'optional', errorResponse: armErrorResponse },
  );
}

export function armJson(ctx: { requestId: string }, body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': ctx.requestId, 'cache-control': 'no-store', ...headers },
  });
}

/** The request's JSON body (ARM bodies are JSON; the 1 MiB cap and the precise parse errors of /api/v1). */
export async function armBody(ctx: ArmContext): Promise<Record<string, unknown>> {
  const b = await readBody(ctx.req as NextRequest);
  if (!b.value || typeof b.value !== 'object' || Array.isArray(b.value)) {
    throw new AppError('bad_request', 'the request body must be a JSON object', { fieldErrors: [{ path: '(body)', message: 'expected a JSON object' }] });
  }
  return b.value as Record<string, unknown>;
}

/**
 * Runs the route's action as /api/v1 does (same pipeline: authorize, validate, audit, effects after commit).
 * `armPath` names a refusal's fields in ARM's words (the action names them as the CLI's document does): a
 * validation refusal is told in those names; others (409, 404) keep their sentence and name the fields.
 */
export async function armAction<O = unknown>(ctx: ArmContext, name: string, input: unknown, armPath?: (path: string) => string): Promise<O> {
  try {
    return await runAction<O>(name, input, ctx.caller, { auditNames: routeAuditNames(ctx.params) });
  } catch (e) {
    if (!armPath || !isAppError(e) || !e.fieldErrors?.length) throw e;
    const fieldErrors = e.fieldErrors.map((f) => ({ path: armPath(f.path), message: f.message }));
    const message = e.code === 'bad_request' ? fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ') : `${e.message} (${fieldErrors.map((f) => f.path).join(', ')})`;
    throw new AppError(e.code, message, { fieldErrors, status: e.status });
  }
}

/** A list as ARM pages it: `{value, nextLink?}`; nextLink is this request's URL with `$skipToken=<cursor>`. */
export function armList<T>(ctx: ArmContext, page: { items: T[]; next?: string | null }, map: (item: T) => unknown) {
  const out: { value: unknown[]; nextLink?: string } = { value: page.items.map(map) };
  if (page.next) {
    const next = new URL(`${ctx.base}${ctx.url.pathname.replace(/^\/arm/, '')}`);
    for (const [k, v] of ctx.url.searchParams) if (k !== '$skipToken') next.searchParams.append(k, v);
    next.searchParams.set('$skipToken', page.next);
    out.nextLink = next.toString();
  }
  return out;
}

/** The cursor a list request continues from (`$skipToken`, as nextLink made it). */
export const skipToken = (ctx: ArmContext): string | undefined => ctx.url.searchParams.get('$skipToken') ?? undefined;

/** ARM's systemData from Harbormaster's record times and creator. */
export function systemData(createdAt: Date | string, createdBy: string | null, updatedAt?: Date | string, updatedBy?: string | null) {
  const iso = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString());
  return {
    createdAt: iso(createdAt),
    createdBy: createdBy ?? 'harbormaster',
    createdByType: createdBy ? 'User' : 'Application',
    lastModifiedAt: iso(updatedAt ?? createdAt),
    lastModifiedBy: (updatedBy ?? createdBy) ?? 'harbormaster',
    lastModifiedByType: (updatedBy ?? createdBy) ? 'User' : 'Application',
  };
}

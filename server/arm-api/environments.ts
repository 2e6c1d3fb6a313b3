import 'server-only';
import type { EnvironmentVersion } from '@azure/arm-machinelearning';
import type { FieldError } from '../errors';
import { AppError } from '../errors';
import { findEnvironment, listEnvironments, type EnvironmentDto } from '../services/environments';
import { armAction, armBody, armJson, systemData, WORKSPACE_TYPE, type ArmContext, type ArmRoute } from './http';
import { mayRun, refuseArmBody } from './refusal';
import type { Wire } from './wire';

// Environment versions as Azure ML's ARM resources (issue 19): `environments/{name}/versions/{version}` PUT/GET
// and the versions list, over Harbormaster's workspace environments (a name:version for a prebuilt image; the
// `environments.create` action registers one). The SDK PUTs `CliV2AnonymousEnvironment/versions/<sha256 of
// the definition>` before every job with an image environment: the same body again is answered 200 with the
// version as registered (nothing changes, nothing is recorded); another body for an existing version is the
// action's 409 (versions are immutable). Builds (`properties.build`) are refused: Harbormaster runs prebuilt images.

const ACTION = 'environments.create';
const ANONYMOUS = 'CliV2AnonymousEnvironment';

/** ARM's EnvironmentVersion of one of Harbormaster's environments. */
export function environmentResource(ctx: ArmContext, e: EnvironmentDto): Wire<EnvironmentVersion> {
  return {
    id: `${ctx.workspaceId}/environments/${e.name}/versions/${e.version}`,
    name: e.version,
    type: `${WORKSPACE_TYPE}/environments/versions`,
    systemData: systemData(e.createdAt, e.createdBy),
    properties: {
      image: e.image,
      ...(e.condaFile ? { condaFile: e.condaFile } : {}),
      description: e.description || undefined,
      isAnonymous: e.name === ANONYMOUS,
      isArchived: false,
      environmentType: 'UserCreated',
      osType: 'Linux',
      autoRebuild: 'Disabled',
      tags: {},
      properties: {},
      provisioningState: 'Succeeded',
    },
  } as Wire<EnvironmentVersion>;
}

const empty = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** What Harbormaster keeps of an EnvironmentVersion body, or the ARM fields it cannot honour. */
function environmentInput(ctx: ArmContext, body: Record<string, unknown>): { input: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const refuse = (path: string, message: string) => errors.push({ path, message });
  for (const k of Object.keys(body)) if (!['properties', 'id', 'name', 'type', 'systemData'].includes(k)) refuse(k, 'unknown field of an EnvironmentVersion');
  const p = (body.properties ?? {}) as Record<string, unknown>;
  if (typeof p !== 'object' || Array.isArray(p)) refuse('properties', 'must be an object');
  for (const [k, v] of Object.entries(p)) {
    const at = `properties.${k}`;
    switch (k) {
      case 'image':
      case 'condaFile':
      case 'description':
      case 'isAnonymous':
      case 'environmentType':
      case 'provisioningState':
        break;
      case 'build':
        if (v !== null && v !== undefined) refuse(at, 'image builds (a Docker build context) are not supported: Harbormaster runs prebuilt images; build and push the image yourself and register it as properties.image');
        break;
      case 'isArchived':
        if (v === true) refuse(at, 'archiving environments is not supported by Harbormaster');
        break;
      case 'osType':
        if (v !== null && String(v).toLowerCase() !== 'linux') refuse(at, 'Harbormaster runs Linux containers only');
        break;
      case 'autoRebuild':
        if (v !== null && v !== 'Disabled') refuse(at, 'Harbormaster does not rebuild images; use Disabled');
        break;
      case 'tags':
      case 'properties':
        if (!empty(v)) refuse(at, `${k} of environment versions are not kept by Harbormaster; remove them`);
        break;
      case 'inferenceConfig':
      case 'stage':
      case 'intellectualProperty':
        if (v !== null && v !== undefined) refuse(at, 'not supported by Harbormaster');
        break;
      default:
        refuse(at, 'unknown field of an EnvironmentVersion');
    }
  }
  if (p.build === undefined && (p.image === undefined || p.image === null)) refuse('properties.image', 'is required: Harbormaster environments name a prebuilt container image');
  const input: Record<string, unknown> = { workspace: ctx.workspace, name: ctx.route.name, version: ctx.route.version, image: p.image };
  if (p.condaFile !== undefined && p.condaFile !== null) input.condaFile = p.condaFile;
  if (p.description !== undefined && p.description !== null) input.description = p.description;
  return { input, errors };
}

/** The action's field names as ARM's (`image` → `properties.image`; the version is the URL's). */
const armPath = (path: string) => (['name', 'version', 'workspace'].includes(path) ? path : `properties.${path}`);

/** Reads take the name as the SDK sends it: resolving `azureml:<name>@latest` it asks for `azureml:<name>` (Azure ML accepts that). */
async function versionsOf(ctx: ArmContext, name: string): Promise<EnvironmentDto[]> {
  const bare = name.replace(/^azureml:/, '');
  return (await listEnvironments(ctx.db, ctx.workspace)).filter((e) => e.name === bare);
}

async function getVersion(ctx: ArmContext): Promise<EnvironmentDto> {
  const e = (await versionsOf(ctx, ctx.route.name)).find((v) => v.version === ctx.route.version);
  if (!e) throw new AppError('not_found', `environment ${ctx.route.name} version ${ctx.route.version} not found in workspace ${ctx.workspace}`);
  return e;
}

async function putVersion(ctx: ArmContext): Promise<Response> {
  const body = await armBody(ctx);
  const target = `${ctx.route.name}:${ctx.route.version}`;
  const { input, errors } = environmentInput(ctx, body);
  if (errors.length) return refuseArmBody(ctx, ACTION, errors, target);
  // The same definition again (the SDK re-sends its anonymous environment before every job): 200, nothing changes.
  if (mayRun(ctx, ACTION)) {
    const existing = await findEnvironment(ctx.db, ctx.workspace, ctx.route.name, ctx.route.version).catch(() => undefined);
    if (existing && existing.image === input.image && (existing.condaFile ?? undefined) === input.condaFile && existing.description === ((input.description as string | undefined) ?? '')) {
      return armJson(ctx, environmentResource(ctx, await getVersion(ctx)), 200);
    }
  }
  await armAction(ctx, ACTION, input, armPath);
  return armJson(ctx, environmentResource(ctx, await getVersion(ctx)), 201);
}

const EXAMPLE = { name: 'rbac-example-env', version: '1' };

export const environmentRoutes: ArmRoute[] = [
  {
    method: 'PUT',
    path: '/environments/{name}/versions/{version}',
    action: ACTION,
    handler: putVersion,
    example: { route: EXAMPLE, body: { properties: { image: 'python:3.11', isAnonymous: false, isArchived: false } } },
  },
  { method: 'GET', path: '/environments/{name}/versions/{version}', permission: 'jobs.read', handler: async (ctx) => environmentResource(ctx, await getVersion(ctx)), example: { route: EXAMPLE } },
  {
    method: 'GET',
    path: '/environments/{name}/versions',
    permission: 'jobs.read',
    // Newest version first (Harbormaster's order of versions: what `@latest` resolves to); `$top` as the SDK asks.
    handler: async (ctx) => {
      const top = Number(ctx.url.searchParams.get('$top') ?? '');
      const list = await versionsOf(ctx, ctx.route.name);
      return { value: (Number.isInteger(top) && top > 0 ? list.slice(0, top) : list).map((e) => environmentResource(ctx, e)) };
    },
    example: { route: { name: EXAMPLE.name } },
  },
];

import 'server-only';
import type { ModelContainer, ModelVersion } from '@azure/arm-machinelearning';
import type { ModelSummaryDto, ModelVersionDto } from '../services/models';
import { getModelVersion, listModels, listModelVersions } from '../services/models';
import { ArmError } from './errors';
import { armBody, armJson, armList, skipToken, systemData, WORKSPACE_TYPE, type ArmContext, type ArmRoute } from './http';
import { armRun, existsOrNull, refuseArmField } from './endpoints';
import type { Wire } from './wire';

// The model registry as Azure ML's ARM resources (issue 19): `models/{name}/versions/{version}` PUT runs
// models.create (the /api/v1 action) with ARM's body as the model document it validates; reads use the registry's
// read services. Versions are immutable (PUT of an existing version: 409, as /api/v1) but for isArchived: the SDK's archive()/restore() PUT the
// version with it flipped, which runs models.archive/models.restore. The model's files stay where
// they are (https://, azureml://datastores|jobs/…, wasbs://, abfss://); a local folder is refused naming `path`.

type Doc = Record<string, unknown>;
const isObj = (v: unknown): v is Doc => !!v && typeof v === 'object' && !Array.isArray(v);

const MODEL_PROPS = new Set(['description', 'tags', 'properties', 'flavors', 'modelType', 'modelUri', 'stage', 'isAnonymous', 'isArchived', 'jobName', 'systemMetadata', 'provisioningState']);

const REMOTE_PATHS = 'Give the model (or input) a path where its files already are (https://…, azureml://datastores/<datastore>/paths/…, azureml://jobs/<job>/outputs/…, wasbs://, abfss://)';

/** Where the SDK puts a local folder it uploaded, or a path with no scheme at all: files Harbormaster would need to store. */
const LOCAL = /^(?![a-z][a-z0-9+.-]*:)|^file:/i;

function versionResource(ctx: ArmContext, v: ModelVersionDto): Wire<ModelVersion> {
  return {
    id: `${ctx.workspaceId}/models/${v.name}/versions/${v.version}`,
    name: v.version,
    type: `${WORKSPACE_TYPE}/models/versions`,
    systemData: systemData(v.createdAt, v.createdBy),
    properties: {
      description: v.description,
      tags: v.tags,
      properties: v.properties,
      // The SDK reads flavors unconditionally.
      flavors: Object.fromEntries(Object.entries(v.flavors ?? {}).map(([k, data]) => [k, { data: data as Record<string, string> }])),
      modelType: v.type,
      modelUri: v.path,
      jobName: v.lineage.job?.name,
      isAnonymous: false,
      isArchived: v.archived,
      ...(v.stage ? { stage: v.stage } : {}),
    },
  } as Wire<ModelVersion>;
}

/** The next free version number: one past the highest numeric version (archived ones included). */
const nextVersion = (versions: ModelVersionDto[]) => String(Math.max(0, ...versions.map((v) => (/^\d{1,15}$/.test(v.version) ? Number(v.version) : 0))) + 1);

function containerResource(ctx: ArmContext, m: Pick<ModelSummaryDto, 'name' | 'createdAt' | 'updatedAt'>, latest: string | undefined, next?: string): Wire<ModelContainer> {
  return {
    id: `${ctx.workspaceId}/models/${m.name}`,
    name: m.name,
    type: `${WORKSPACE_TYPE}/models`,
    systemData: systemData(m.createdAt, null, m.updatedAt),
    properties: { description: '', tags: {}, properties: {}, isArchived: false, latestVersion: latest, nextVersion: next },
  } as Wire<ModelContainer>;
}

async function allVersions(ctx: ArmContext, name: string): Promise<ModelVersionDto[]> {
  const out: ModelVersionDto[] = [];
  let cursor: string | undefined;
  do {
    const page = await listModelVersions(ctx.db, ctx.workspace, name, { limit: 200, cursor });
    out.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}

async function getContainer(ctx: ArmContext) {
  const versions = await allVersions(ctx, ctx.route.name);
  const latest = versions.find((v) => !v.archived) ?? versions[0];
  const first = versions[versions.length - 1];
  return containerResource(ctx, { name: ctx.route.name, createdAt: first?.createdAt ?? new Date().toISOString(), updatedAt: latest?.createdAt ?? new Date().toISOString() }, latest?.version, nextVersion(versions));
}

/** ARM's listViewType: ActiveOnly (default), ArchivedOnly, All. */
const view = (ctx: ArmContext) => (ctx.url.searchParams.get('listViewType') ?? 'ActiveOnly').toLowerCase();

async function listVersions(ctx: ArmContext) {
  const v = view(ctx);
  const page = await listModelVersions(ctx.db, ctx.workspace, ctx.route.name, { cursor: skipToken(ctx), includeArchived: v !== 'activeonly' });
  const items = v === 'archivedonly' ? page.items.filter((i) => i.archived) : page.items;
  const top = Number(ctx.url.searchParams.get('$top'));
  return armList(ctx, { items: top > 0 ? items.slice(0, top) : items, next: top > 0 && items.length >= top ? null : page.next }, (i) => versionResource(ctx, i));
}

async function listContainers(ctx: ArmContext) {
  const page = await listModels(ctx.db, ctx.workspace, { cursor: skipToken(ctx) });
  const v = view(ctx);
  const items = page.items.filter((m) => (v === 'all' ? true : v === 'archivedonly' ? !!m.latestVersion?.archived : m.latestVersion ? !m.latestVersion.archived : true));
  return armList(ctx, { items, next: page.next }, (m) => containerResource(ctx, m, m.latestVersion?.version));
}

async function putVersion(ctx: ArmContext) {
  const { name, version } = ctx.route;
  const body = await armBody(ctx);
  const p = isObj(body.properties) ? body.properties : {};
  const doc: Doc = { name, version };
  const set = (k: string, v: unknown) => {
    if (v !== undefined && v !== null) doc[k] = v;
  };
  set('path', p.modelUri);
  set('type', p.modelType);
  set('description', p.description);
  if (isObj(p.tags) && Object.keys(p.tags).length) doc.tags = p.tags;
  if (isObj(p.properties) && Object.keys(p.properties).length) doc.properties = p.properties;
  if (isObj(p.flavors)) doc.flavors = Object.fromEntries(Object.entries(p.flavors).map(([k, f]) => [k, isObj(f) && isObj(f.data) ? f.data : f]));
  set('stage', p.stage);
  const input = { workspace: ctx.workspace, model: doc };
  const bad = Object.keys(p).find((k) => !MODEL_PROPS.has(k));
  if (bad) return refuseArmField(ctx, 'models.create', input, `properties.${bad}`, 'is not a field of a model version Harbormaster knows');
  if (typeof p.modelUri === 'string' && LOCAL.test(p.modelUri)) {
    return refuseArmField(
      ctx,
      'models.create',
      input,
      'path',
      `${p.modelUri.slice(0, 200)} is a local path and the Azure ML–compatible API takes no uploads: ${REMOTE_PATHS}, or upload the files with \`hm model create\` / POST /api/v1/workspaces/${ctx.workspace}/models`,
    );
  }
  // ml.models.archive()/restore(): the version as it is with isArchived flipped → models.archive/restore.
  const existing = await existsOrNull(() => getModelVersion(ctx.db, ctx.workspace, name, version));
  if (existing && typeof p.isArchived === 'boolean' && p.isArchived !== existing.dto.archived) {
    const dto = await armRun<ModelVersionDto>(ctx, p.isArchived ? 'models.archive' : 'models.restore', { workspace: ctx.workspace, name, version });
    return versionResource(ctx, dto);
  }
  if (!existing && p.isArchived === true) return refuseArmField(ctx, 'models.create', input, 'properties.isArchived', 'a new version cannot be archived when it is registered; archive it afterwards');
  const created = await armRun<ModelVersionDto>(ctx, 'models.create', input);
  const { dto } = await getModelVersion(ctx.db, ctx.workspace, created.name, created.version);
  return armJson(ctx, versionResource(ctx, dto), 201);
}

/**
 * Local files (`Model(path="./model")`, and any local `path` the SDK uploads): the SDK first reads the workspace's
 * default datastore (GET datastores/workspaceblobstore) to write the files to Azure Blob Storage. Harbormaster has
 * no Blob endpoint; that first call is refused naming `path`.
 */
function refuseLocalUpload(ctx: ArmContext): never {
  throw new ArmError(
    'bad_request',
    'LocalUploadNotSupported',
    `path: Harbormaster does not take local files through the Azure ML SDK (it has no Azure Blob Storage datastore to upload them to). ${REMOTE_PATHS}, or upload the files through Harbormaster: \`hm model create\` or POST /api/v1/workspaces/${ctx.workspace}/models as multipart with the files.`,
    [{ path: 'path', message: 'local files cannot be uploaded through the Azure ML–compatible API' }],
  );
}

const MODEL = { route: { name: 'rbac-example-model' } };

export const modelRoutes: ArmRoute[] = [
  { method: 'GET', path: '/models', permission: 'models.read', handler: listContainers, example: {} },
  { method: 'GET', path: '/datastores/{name}', permission: 'models.read', handler: async (ctx) => refuseLocalUpload(ctx), example: { route: { name: 'workspaceblobstore' } } },
  { method: 'GET', path: '/models/{name}', permission: 'models.read', handler: getContainer, example: MODEL },
  { method: 'GET', path: '/models/{name}/versions', permission: 'models.read', handler: listVersions, example: MODEL },
  {
    method: 'GET',
    path: '/models/{name}/versions/{version}',
    permission: 'models.read',
    handler: async (ctx) => versionResource(ctx, (await getModelVersion(ctx.db, ctx.workspace, ctx.route.name, ctx.route.version)).dto),
    example: { route: { name: 'rbac-example-model', version: '1' } },
  },
  {
    method: 'PUT',
    path: '/models/{name}/versions/{version}',
    action: 'models.create',
    handler: putVersion,
    example: { route: { name: 'rbac-example-model', version: '1' }, body: { properties: { modelUri: 'https://example.com/model.onnx', modelType: 'custom_model', isAnonymous: false, isArchived: false } } },
  },
];

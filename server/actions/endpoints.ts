import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { and, eq, ne } from 'drizzle-orm';
import { workspaceName } from '@/lib/schemas/core';
import type { JobIssue } from '@/lib/aml/issues';
import type { OnlineDeploymentDto, OnlineDeploymentSpec, OnlineEndpointDto, OnlineEndpointSpec } from '@/lib/endpoints/spec';
import { onlineDeployments, onlineEndpoints, workspaces } from '../db/schema';
import { AppError } from '../errors';
import { publish } from '../live/bus';
import type { KubeObject } from '../kube/plan';
import { applySteps, deleteSteps } from '../kube/plan';
import { redactObjects } from '../services/jobs';
import { refuse } from '../services/jobs-placement';
import {
  deploymentDto,
  deploymentObjectRefs,
  deploymentRows,
  dryRunObjects,
  getDeploymentRow,
  getEndpoint,
  getEndpointRecord,
  newEndpointKey,
  prepareDeployment,
  prepareEndpoint,
  readKeys,
  sealKeys,
  storeDeploymentCode,
  trafficProblems,
  type EndpointKeys,
  type EndpointSource,
  type PreparedDeployment,
  type PreparedEndpoint,
} from '../services/endpoints';
import { scoreTest, type ScoreTestResult } from '../services/endpoint-test';
import { defineAction } from './registry';
import { MAX_DOCUMENT, uploadedArchive, uploadedFile, uploadOf } from './upload-input';

// Online endpoints and deployments (issue 14). Every change commits its rows and audit event with its cluster
// effects as intents: a deployment's objects (kube.plan), then the router (router.sync, rendered from the DB
// when it runs). A dry run validates everything (the API server's server-side dry run included) and writes
// nothing. Keys never appear in a result except endpoints.listKeys (permission endpoints.keys; auditors lack it).

const endpointName = z.string().min(1).max(255);
const percentMap = z.record(z.string().max(64), z.number()).refine((m) => Object.keys(m).length <= 100, 'at most 100 deployments');

export interface EndpointWriteResult extends OnlineEndpointDto {
  dryRun: boolean;
  warnings: JobIssue[];
}

export interface DeploymentWriteResult {
  dryRun: boolean;
  deployment: OnlineDeploymentDto | (Pick<OnlineDeploymentDto, 'name' | 'endpoint' | 'instanceType' | 'objectName'> & { spec: OnlineDeploymentSpec });
  objects: KubeObject[];
  warnings: JobIssue[];
}

const docInput = {
  workspace: workspaceName,
  yaml: z.string().max(MAX_DOCUMENT, 'the file is larger than 1 MiB').optional(),
};
const exactlyOne = (key: string) => (v: { yaml?: string } & Record<string, unknown>, ctx: z.RefinementCtx) => {
  if ((v.yaml === undefined) === (v[key] === undefined)) ctx.addIssue({ code: 'custom', path: ['yaml'], message: `send the ${key} as YAML or as JSON (exactly one)` });
};
const sourceOf = (yaml: string | undefined, doc: unknown): EndpointSource => (yaml !== undefined ? { format: 'yaml', text: yaml } : { format: 'json', document: doc });

const auditEndpoint = (spec: OnlineEndpointSpec, extra: Record<string, unknown> = {}) => ({
  computeTarget: spec.compute,
  authMode: spec.authMode,
  ...(spec.traffic ? { traffic: spec.traffic } : {}),
  ...(spec.mirrorTraffic ? { mirrorTraffic: spec.mirrorTraffic } : {}),
  ...extra,
});

/**
 * The unique index a concurrent request's row hit (PostgreSQL 23505): two requests for one name both passed
 * the check, the second insert waited for the first to commit and was refused. Answered as 409, not 500.
 */
function uniqueViolation(e: unknown): string | null {
  let c: unknown = e;
  for (let depth = 0; depth < 5 && c && typeof c === 'object'; depth++, c = (c as { cause?: unknown }).cause) {
    if ((c as { code?: unknown }).code === '23505') return String((c as { constraint?: unknown }).constraint ?? '');
  }
  return null;
}

// --- endpoints --------------------------------------------------------------------------------------

defineAction({
  name: 'endpoints.create',
  clusterEffects: true,
  permission: 'endpoints.manage',
  description: 'Create an online endpoint (Azure ML kubernetesOnlineEndpoint YAML or JSON; managedOnlineEndpoint files with compute)',
  input: z.strictObject({ ...docInput, endpoint: z.record(z.string(), z.unknown()).optional(), compute: z.string().max(255).optional() }).superRefine(exactlyOne('endpoint')),
  example: { workspace: 'vision', endpoint: { name: 'rbac-example-ep', compute: 'azureml:cpu', auth_mode: 'key' } },
  // The placement reads the cluster (live cache, extension): before the transaction (DESIGN §3).
  prepare: ({ db }, input) => prepareEndpoint(db, { workspace: input.workspace, source: sourceOf(input.yaml, input.endpoint), compute: input.compute }),
  async run({ tx, user, dryRun, effects, prepared }, input) {
    const p = prepared as PreparedEndpoint;
    const spec = p.spec;
    // ?compute= places a file that names no compute; a file naming another target contradicts it (not silently one of them).
    if (input.compute !== undefined && spec.compute !== input.compute && spec.compute !== input.compute.replace(/^azureml:/, '')) {
      throw refuse([{ path: 'compute', message: `the file names compute target ${spec.compute} but the request asks for ${input.compute} (?compute=): remove one of them` }]);
    }
    if (!dryRun) {
      const [ws] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, input.workspace)).limit(1);
      const id = randomUUID();
      await tx
        .insert(onlineEndpoints)
        .values({
          id,
          workspaceId: ws.id,
          computeTargetId: p.target.row.id,
          clusterId: p.target.cluster.id,
          name: spec.name,
          authMode: spec.authMode,
          description: spec.description ?? '',
          tags: spec.tags,
          traffic: spec.traffic ?? {},
          mirrorTraffic: spec.mirrorTraffic ?? {},
          keysEnc: sealKeys(id, { primaryKey: newEndpointKey(), secondaryKey: newEndpointKey() }),
          source: p.source.text,
          sourceFormat: p.source.format,
          createdBy: user.id,
        })
        .catch((e: unknown) => {
          const index = uniqueViolation(e);
          if (index === null) throw e;
          const where = index.includes('cluster') ? `cluster ${p.target.cluster.name} (endpoint names are unique per cluster)` : `workspace ${input.workspace}`;
          throw new AppError('conflict', `name: an online endpoint named ${spec.name} was just created in ${where}; choose another name`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
        });
      effects.routerSync(p.target.cluster, { type: 'endpoint', id });
      effects.afterCommit(() => publish(`endpoints:${input.workspace}`, spec.name));
    }
    const dto: OnlineEndpointDto = dryRun
      ? { name: spec.name, workspace: input.workspace, computeTarget: p.target.row.name, cluster: p.target.cluster.name, authMode: 'key', description: spec.description ?? '', tags: spec.tags, traffic: spec.traffic ?? {}, mirrorTraffic: spec.mirrorTraffic ?? {}, scoringUri: '', provisioningState: 'Creating', provisioningMessage: null, deployments: [], createdBy: user.email, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }
      : await getEndpoint(tx, input.workspace, spec.name);
    return {
      result: { ...dto, dryRun, warnings: p.warnings } satisfies EndpointWriteResult,
      audit: { targetType: 'online-endpoint', targetName: spec.name, workspace: input.workspace, after: auditEndpoint(spec, { computeTarget: p.target.row.name, cluster: p.target.cluster.name }) },
    };
  },
  settle: async (outcomes, result, { db }) => {
    const waiting = outcomes.find((o) => o.status !== 'done');
    const now = await getEndpoint(db, result.workspace, result.name);
    return { ...now, ...(waiting ? { provisioningMessage: waiting.message ?? now.provisioningMessage } : {}), dryRun: false, warnings: result.warnings };
  },
});

defineAction({
  name: 'endpoints.update',
  clusterEffects: true,
  permission: 'endpoints.manage',
  description: 'Update an online endpoint: traffic, mirror traffic, description, tags (JSON), or the whole endpoint file',
  input: z
    .strictObject({
      ...docInput,
      name: endpointName,
      endpoint: z.record(z.string(), z.unknown()).optional(),
      traffic: percentMap.optional(),
      mirrorTraffic: percentMap.optional(),
      description: z.string().max(10_000).optional(),
      tags: z.record(z.string().max(255), z.string().max(10_000)).optional(),
    })
    .superRefine((v, ctx) => {
      if (v.yaml !== undefined && v.endpoint !== undefined) ctx.addIssue({ code: 'custom', path: ['yaml'], message: 'send the endpoint as YAML or as JSON, not both' });
      const doc = v.yaml !== undefined || v.endpoint !== undefined;
      const fields = v.traffic !== undefined || v.mirrorTraffic !== undefined || v.description !== undefined || v.tags !== undefined;
      if (doc && fields) ctx.addIssue({ code: 'custom', path: ['traffic'], message: 'send either the endpoint file or the fields to change (traffic, mirrorTraffic, description, tags), not both' });
      if (!doc && !fields) ctx.addIssue({ code: 'custom', path: ['traffic'], message: 'nothing to change: send traffic, mirrorTraffic, description or tags' });
    }),
  example: { workspace: 'vision', name: 'rbac-example-ep', traffic: {} },
  // A new endpoint file is placed on the cluster (live cache, extension): before the transaction (DESIGN §3).
  async prepare({ db }, input) {
    if (input.yaml === undefined && input.endpoint === undefined) return undefined;
    const rec = await getEndpointRecord(db, input.workspace, input.name);
    return prepareEndpoint(db, { workspace: input.workspace, source: sourceOf(input.yaml, input.endpoint), name: input.name }, rec);
  },
  async run({ tx, dryRun, effects, prepared }, input) {
    const rec = await getEndpointRecord(tx, input.workspace, input.name);
    const before = { traffic: rec.row.traffic, mirrorTraffic: rec.row.mirrorTraffic, description: rec.row.description, tags: rec.row.tags };
    let next = { ...before };
    let warnings: JobIssue[] = [];
    let source: { format: 'yaml' | 'json'; text: string } | undefined;
    if (prepared) {
      const p = prepared as PreparedEndpoint;
      next = { traffic: p.spec.traffic ?? before.traffic, mirrorTraffic: p.spec.mirrorTraffic ?? before.mirrorTraffic, description: p.spec.description ?? '', tags: p.spec.tags };
      warnings = p.warnings;
      source = p.source;
    } else {
      next = {
        traffic: input.traffic ?? before.traffic,
        mirrorTraffic: input.mirrorTraffic ?? before.mirrorTraffic,
        description: input.description ?? before.description,
        tags: input.tags ?? before.tags,
      };
      const deps = (await deploymentRows(tx, [rec.row.id])).map((d) => d.name);
      const problems = trafficProblems(next.traffic, next.mirrorTraffic, deps, input.name).map((p) => ({ ...p, path: p.path.replace(/^mirror_traffic/, 'mirrorTraffic') }));
      if (problems.length) throw refuse(problems);
    }
    // Zero entries are dropped: the list shows every deployment with its share (0 when absent).
    const clean = (m: Record<string, number>) => Object.fromEntries(Object.entries(m).filter(([, p]) => p !== 0));
    next = { ...next, traffic: clean(next.traffic), mirrorTraffic: clean(next.mirrorTraffic) };
    if (!dryRun) {
      await tx
        .update(onlineEndpoints)
        .set({ ...next, provisioningState: 'Updating', updatedAt: new Date(), ...(source ? { source: source.text, sourceFormat: source.format } : {}) })
        .where(eq(onlineEndpoints.id, rec.row.id));
      effects.routerSync(rec.target.cluster, { type: 'endpoint', id: rec.row.id });
      effects.afterCommit(() => publish(`endpoints:${input.workspace}`, input.name));
    }
    const dto = await getEndpoint(tx, input.workspace, input.name);
    return {
      result: { ...dto, ...(dryRun ? { traffic: { ...Object.fromEntries(Object.keys(dto.traffic).map((k) => [k, 0])), ...next.traffic }, mirrorTraffic: next.mirrorTraffic } : {}), dryRun, warnings } satisfies EndpointWriteResult,
      audit: { targetType: 'online-endpoint', targetName: input.name, workspace: input.workspace, before, after: next },
    };
  },
  settle: async (outcomes, result, { db }) => {
    const failed = outcomes.find((o) => o.status === 'failed');
    if (failed) throw new AppError('bad_request', `the change was recorded, but cluster ${result.cluster} refused the router configuration: ${failed.message}`);
    return { ...(await getEndpoint(db, result.workspace, result.name)), dryRun: false, warnings: result.warnings };
  },
});

defineAction({
  name: 'endpoints.delete',
  clusterEffects: true,
  permission: 'endpoints.manage',
  description: 'Delete an online endpoint with all its deployments and their Kubernetes objects',
  input: z.strictObject({ workspace: workspaceName, name: endpointName }),
  example: { workspace: 'vision', name: 'rbac-example-ep' },
  async run({ tx, dryRun, effects }, input) {
    const rec = await getEndpointRecord(tx, input.workspace, input.name);
    const deps = await deploymentRows(tx, [rec.row.id]);
    const refs = deps.flatMap((d) => deploymentObjectRefs(rec.target.ref.namespace, d.objectName));
    if (!dryRun) {
      await tx.delete(onlineEndpoints).where(eq(onlineEndpoints.id, rec.row.id));
      // The router stops serving it first, then its deployments' objects go.
      effects.routerSync(rec.target.cluster, { type: 'endpoint', id: rec.row.id });
      effects.kube(rec.target.cluster, { type: 'endpoint', id: rec.row.id }, deleteSteps(refs));
      effects.afterCommit(() => publish(`endpoints:${input.workspace}`, input.name));
    }
    return {
      result: { name: input.name, deleted: !dryRun, dryRun, deployments: deps.map((d) => d.name), objects: refs.map((r) => `${r.kind}/${r.name}`) },
      audit: { targetType: 'online-endpoint', targetName: input.name, workspace: input.workspace, before: { deployments: deps.map((d) => d.name), traffic: rec.row.traffic } },
    };
  },
});

defineAction({
  name: 'endpoints.listKeys',
  permission: 'endpoints.keys',
  description: 'Read an online endpoint’s primary and secondary keys (the read is audited)',
  input: z.strictObject({ workspace: workspaceName, name: endpointName }),
  example: { workspace: 'vision', name: 'rbac-example-ep' },
  async run({ tx, dryRun }, input) {
    const rec = await getEndpointRecord(tx, input.workspace, input.name);
    // A dry run audits nothing, so it must not reveal the keys (it checks permission and the endpoint only).
    const result: EndpointKeys | { name: string; keys: 'not shown in a dry run' } = dryRun ? { name: input.name, keys: 'not shown in a dry run' } : readKeys(rec.row);
    return {
      result,
      audit: { targetType: 'online-endpoint', targetName: input.name, workspace: input.workspace, message: 'keys read' },
    };
  },
});

defineAction({
  name: 'endpoints.regenerateKeys',
  clusterEffects: true,
  permission: 'endpoints.keys',
  description: 'Regenerate an online endpoint’s primary or secondary key (the old one stops working)',
  input: z.strictObject({ workspace: workspaceName, name: endpointName, keyType: z.enum(['primary', 'secondary']) }),
  example: { workspace: 'vision', name: 'rbac-example-ep', keyType: 'secondary' },
  async run({ tx, dryRun, effects }, input) {
    const rec = await getEndpointRecord(tx, input.workspace, input.name);
    if (!dryRun) {
      const keys = readKeys(rec.row);
      const next = input.keyType === 'primary' ? { ...keys, primaryKey: newEndpointKey() } : { ...keys, secondaryKey: newEndpointKey() };
      await tx.update(onlineEndpoints).set({ keysEnc: sealKeys(rec.row.id, next), keysRotatedAt: new Date(), updatedAt: new Date() }).where(eq(onlineEndpoints.id, rec.row.id));
      effects.routerSync(rec.target.cluster, { type: 'endpoint', id: rec.row.id });
    }
    return {
      result: { name: input.name, keyType: input.keyType, regenerated: !dryRun },
      audit: { targetType: 'online-endpoint', targetName: input.name, workspace: input.workspace, message: `${input.keyType} key regenerated` },
    };
  },
});

defineAction({
  name: 'endpoints.test',
  permission: 'endpoints.keys',
  description: 'Send a test scoring request to an online endpoint through its router, with its key',
  input: z.strictObject({
    workspace: workspaceName,
    name: endpointName,
    deployment: z.string().max(64).optional(),
    body: z.string().max(1024 * 1024, 'the request body is larger than 1 MiB'),
  }),
  example: { workspace: 'vision', name: 'rbac-example-ep', body: '{}' },
  // The request goes to the router over the network: before the transaction (DESIGN §3), which only audits it.
  // A dry run audits nothing, so it sends nothing (the request would carry the endpoint's key).
  async prepare({ db, dryRun }, input) {
    const rec = await getEndpointRecord(db, input.workspace, input.name);
    if (input.deployment !== undefined) await getDeploymentRow(db, rec.row, input.deployment);
    return dryRun ? undefined : scoreTest(db, rec, { deployment: input.deployment, body: input.body });
  },
  async run({ tx, dryRun, prepared }, input) {
    const rec = await getEndpointRecord(tx, input.workspace, input.name);
    if (input.deployment !== undefined) await getDeploymentRow(tx, rec.row, input.deployment);
    if (dryRun) return { result: { name: input.name, deployment: input.deployment ?? null, sent: false } as ScoreTestResult | { name: string; deployment: string | null; sent: false }, audit: { targetType: 'online-endpoint', targetName: input.name, workspace: input.workspace } };
    const result = prepared as ScoreTestResult;
    return {
      result,
      audit: { targetType: 'online-endpoint', targetName: input.name, workspace: input.workspace, message: `test request${input.deployment ? ` to ${input.deployment}` : ''}: ${result.status ?? result.outcome}` },
    };
  },
});

// --- deployments ------------------------------------------------------------------------------------

const deploymentInput = {
  ...docInput,
  endpoint: endpointName,
  deployment: z.record(z.string(), z.unknown()).optional(),
  files: z.array(uploadedFile).max(20_000).optional(),
  code: uploadedArchive.optional(),
  /** The console's address as the request reached it (set by the route, not by the client). */
  origin: z.string().url().optional(),
};

type RunCtx = Parameters<Parameters<typeof defineAction>[0]['run']>[0];
type PlanCtx = Parameters<NonNullable<Parameters<typeof defineAction>[0]['prepare']>>[0];
type DeploymentWriteInput = z.infer<z.ZodObject<typeof deploymentInput>> & { name?: string };

/** A deployment validated against its cluster (placement, the API server's dry run): read before the transaction (DESIGN §3). */
interface PlannedDeployment {
  id: string;
  p: PreparedDeployment;
  objects: KubeObject[];
  warnings: JobIssue[];
}

async function planDeployment(ctx: PlanCtx, input: DeploymentWriteInput, mode: 'create' | 'update'): Promise<PlannedDeployment> {
  const { db } = ctx;
  const rec = await getEndpointRecord(db, input.workspace, input.endpoint);
  const existing = mode === 'update' ? await getDeploymentRow(db, rec.row, input.name!) : undefined;
  const id = existing?.id ?? randomUUID();
  const p = await prepareDeployment(db, { workspace: input.workspace, endpoint: input.endpoint, source: sourceOf(input.yaml, input.deployment), upload: uploadOf(input), origin: input.origin ?? ctx.origin, name: input.name, deploymentId: id }, existing);
  let objects = p.objects;
  // With an autoscaler the HPA owns the replica count: an update leaves it alone instead of resetting it.
  if (existing && p.spec.scaleSettings.type === 'target_utilization') {
    objects = objects.map((o) => {
      if (o.kind !== 'Deployment') return o;
      const { replicas: _, ...spec } = (o as unknown as { spec: { replicas?: number } }).spec;
      return { ...o, spec } as KubeObject;
    });
  }
  return { id, p, objects, warnings: [...p.warnings, ...(await dryRunObjects(db, rec.target, objects))] };
}

async function writeDeployment(ctx: RunCtx, input: DeploymentWriteInput, mode: 'create' | 'update') {
  const { tx, user, dryRun, effects } = ctx;
  const { id, p, objects, warnings } = ctx.prepared as PlannedDeployment;
  const rec = await getEndpointRecord(tx, input.workspace, input.endpoint);
  const existing = mode === 'update' ? await getDeploymentRow(tx, rec.row, input.name!) : undefined;
  if (existing && existing.id !== id) throw new AppError('conflict', `deployment ${rec.row.name}/${input.name} was replaced while this change was prepared: send it again`);
  // Two deployments of one namespace must not share objects (endpoint a-b + deployment c vs. a + b-c).
  const [clash] = await tx
    .select({ name: onlineDeployments.name, endpoint: onlineEndpoints.name })
    .from(onlineDeployments)
    .innerJoin(onlineEndpoints, eq(onlineEndpoints.id, onlineDeployments.endpointId))
    .where(and(eq(onlineEndpoints.computeTargetId, rec.row.computeTargetId), eq(onlineDeployments.objectName, p.objectName), ne(onlineDeployments.id, id)))
    .limit(1);
  if (clash) throw new AppError('conflict', `name: deployment ${clash.endpoint}/${clash.name} already uses the Kubernetes name ${p.objectName} in namespace ${rec.target.ref.namespace}; choose another deployment name`, { fieldErrors: [{ path: 'name', message: 'clashes with another deployment' }] });
  const shown = redactObjects(objects);
  if (dryRun) {
    return {
      result: { dryRun: true, deployment: { name: p.spec.name, endpoint: rec.row.name, instanceType: p.instanceType.name, objectName: p.objectName, spec: p.spec }, objects: shown, warnings } satisfies DeploymentWriteResult,
      audit: { targetType: 'online-deployment', targetName: `${rec.row.name}/${p.spec.name}`, workspace: input.workspace },
    };
  }
  await storeDeploymentCode(tx, input.workspace, p);
  const values = {
    spec: p.spec,
    instanceType: p.instanceType.name,
    objectName: p.objectName,
    modelVersionId: p.modelVersionId,
    codeSha256: p.codeSha256,
    source: p.source.text,
    sourceFormat: p.source.format,
    state: existing ? ('Updating' as const) : ('Provisioning' as const),
    reasons: [],
    desiredReplicas: p.spec.scaleSettings.type === 'target_utilization' ? p.spec.scaleSettings.minInstances : p.spec.instanceCount,
    updatedAt: new Date(),
  };
  if (existing) await tx.update(onlineDeployments).set(values).where(eq(onlineDeployments.id, id));
  else {
    await tx
      .insert(onlineDeployments)
      .values({ id, endpointId: rec.row.id, name: p.spec.name, createdBy: user.id, ...values })
      .catch((e: unknown) => {
        if (uniqueViolation(e) === null) throw e;
        throw new AppError('conflict', `name: endpoint ${rec.row.name} already has a deployment named ${p.spec.name} (it was just created); update it (PUT …/deployments/${p.spec.name}) or choose another name`, { fieldErrors: [{ path: 'name', message: 'already exists' }] });
      });
  }
  // A scale setting that no longer autoscales leaves no HPA behind.
  const steps = applySteps(objects);
  if (existing && existing.spec.scaleSettings.type === 'target_utilization' && p.spec.scaleSettings.type !== 'target_utilization') {
    steps.push(...deleteSteps(deploymentObjectRefs(rec.target.ref.namespace, p.objectName).filter((r) => r.kind === 'HorizontalPodAutoscaler')));
  }
  effects.kube(rec.target.cluster, { type: 'deployment', id }, steps);
  effects.routerSync(rec.target.cluster, { type: 'endpoint', id: rec.row.id });
  effects.afterCommit(() => {
    publish(`endpoints:${input.workspace}`, rec.row.name);
    publish(`deployments:${input.workspace}:${rec.row.name}`, p.spec.name);
  });
  const [row] = await tx.select().from(onlineDeployments).where(eq(onlineDeployments.id, id)).limit(1);
  const before = existing ? { instanceType: existing.instanceType, image: existing.spec.environment.image, instanceCount: existing.spec.instanceCount, scale: existing.spec.scaleSettings.type } : undefined;
  return {
    result: { dryRun: false, deployment: await deploymentDto(tx, rec, row), objects: shown, warnings } satisfies DeploymentWriteResult,
    audit: {
      targetType: 'online-deployment',
      targetName: `${rec.row.name}/${p.spec.name}`,
      workspace: input.workspace,
      before,
      after: { instanceType: p.instanceType.name, image: p.spec.environment.image, instanceCount: p.spec.instanceCount, scale: p.spec.scaleSettings.type, objects: objects.map((o) => `${o.kind}/${o.metadata.name}`), codeSha256: p.codeSha256 },
    },
  };
}

async function settleDeployment(outcomes: Parameters<NonNullable<Parameters<typeof defineAction>[0]['settle']>>[0], result: DeploymentWriteResult): Promise<DeploymentWriteResult> {
  const failed = outcomes.find((o) => o.status === 'failed');
  if (failed) throw new AppError('bad_request', `the deployment was recorded, but its cluster refused it: ${failed.message}`);
  const waiting = outcomes.find((o) => o.status === 'pending');
  return waiting ? { ...result, warnings: [...result.warnings, { path: '', message: `not applied yet: ${waiting.message ?? 'waiting for the cluster'}` }] } : result;
}

defineAction({
  name: 'deployments.create',
  clusterEffects: true,
  permission: 'endpoints.manage',
  description: 'Create an online deployment (Azure ML kubernetesOnlineDeployment YAML or JSON, with its scoring code when local)',
  input: z.strictObject(deploymentInput).superRefine(exactlyOne('deployment')),
  example: { workspace: 'vision', endpoint: 'rbac-example-ep', deployment: { name: 'blue', environment: { image: 'docker.io/library/python:3.12-slim' } } },
  prepare: (ctx, input) => planDeployment(ctx, input, 'create'),
  run: (ctx, input) => writeDeployment(ctx, input, 'create'),
  settle: settleDeployment,
});

defineAction({
  name: 'deployments.update',
  clusterEffects: true,
  permission: 'endpoints.manage',
  description: 'Update an online deployment from its file (instance type changes are rolled out, not ignored)',
  input: z.strictObject({ ...deploymentInput, name: endpointName }).superRefine(exactlyOne('deployment')),
  example: { workspace: 'vision', endpoint: 'rbac-example-ep', name: 'blue', deployment: { name: 'blue', environment: { image: 'docker.io/library/python:3.12-slim' } } },
  prepare: (ctx, input) => planDeployment(ctx, input, 'update'),
  run: (ctx, input) => writeDeployment(ctx, input, 'update'),
  settle: settleDeployment,
});

defineAction({
  name: 'deployments.delete',
  clusterEffects: true,
  permission: 'endpoints.manage',
  description: 'Delete an online deployment and its Kubernetes objects (refused while it takes traffic)',
  input: z.strictObject({ workspace: workspaceName, endpoint: endpointName, name: endpointName }),
  example: { workspace: 'vision', endpoint: 'rbac-example-ep', name: 'blue' },
  async run({ tx, dryRun, effects }, input) {
    const rec = await getEndpointRecord(tx, input.workspace, input.endpoint);
    const row = await getDeploymentRow(tx, rec.row, input.name);
    const share = rec.row.traffic[input.name] ?? 0;
    if (share > 0) {
      throw new AppError('conflict', `traffic: deployment ${input.name} takes ${share} % of ${input.endpoint}'s traffic; move its traffic to another deployment first`, { fieldErrors: [{ path: 'traffic', message: `${input.name} still takes ${share} %` }] });
    }
    const refs = deploymentObjectRefs(rec.target.ref.namespace, row.objectName);
    if (!dryRun) {
      await tx.delete(onlineDeployments).where(eq(onlineDeployments.id, row.id));
      const mirror = { ...rec.row.mirrorTraffic };
      delete mirror[input.name];
      await tx.update(onlineEndpoints).set({ mirrorTraffic: mirror, updatedAt: new Date() }).where(eq(onlineEndpoints.id, rec.row.id));
      effects.routerSync(rec.target.cluster, { type: 'endpoint', id: rec.row.id });
      effects.kube(rec.target.cluster, { type: 'deployment', id: row.id }, deleteSteps(refs));
      effects.afterCommit(() => {
        publish(`endpoints:${input.workspace}`, input.endpoint);
        publish(`deployments:${input.workspace}:${input.endpoint}`, input.name);
      });
    }
    return {
      result: { name: input.name, endpoint: input.endpoint, deleted: !dryRun, dryRun, objects: refs.map((r) => `${r.kind}/${r.name}`) },
      audit: { targetType: 'online-deployment', targetName: `${input.endpoint}/${input.name}`, workspace: input.workspace, before: { instanceType: row.instanceType, image: row.spec.environment.image } },
    };
  },
});

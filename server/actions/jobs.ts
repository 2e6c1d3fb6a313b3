import 'server-only';
import { z } from 'zod';
import { workspaceName } from '@/lib/schemas/core';
import type { JobSpec } from '@/lib/aml/job-spec';
import type { JobIssue } from '@/lib/aml/issues';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { parseYaml, YamlLimitError } from '@/lib/yaml-limits';
import type { Db } from '../db';
import type { IntentOutcome } from '../runtime/intents';
import { AppError } from '../errors';
import { jobs, workspaces } from '../db/schema';
import { publish } from '../live/bus';
import type { KubeObject } from '../compute/backend';
import { normalizeRelativePath } from '../services/code-assets-archive';
import { checkCodeQuota, codeFilesFor, snapshotOf, storeBlobs, type ArchiveFile, type Upload } from '../services/code-assets';
import { assertJobNameFree, dryRunJob, prepareJob, recordJob, redactObjects, type JobSource, type Placement, type PreparedJob } from '../services/jobs';
import { cancelJob, getJobRow, type JobRow } from '../services/jobs-read';
import { refreshSweepByTrial } from '../services/sweeps';
import { applyPlan, planFieldErrors, type StepVerdict } from '../kube/plan';
import { liveCache } from '../services/clusters';
import { clusterAppError } from '../kube/errors';
import { azureJobTarget } from '../services/compute-targets-azure';
import { defineAction } from './registry';

/** job.cancel's arguments for a job of the azureml backend that reached Azure ML (undefined otherwise). */
async function azureCancel(tx: Parameters<typeof azureJobTarget>[0], _before: string, row: JobRow): Promise<Record<string, unknown> | undefined> {
  if (row.backend !== 'azureml' || !row.azureJobName) return undefined;
  const t = await azureJobTarget(tx, row.workspaceId, row.computeTargetId);
  return { ...t, jobId: row.id, armJobName: row.azureJobName };
}
import { MAX_DOCUMENT, uploadedArchive, uploadedFile, uploadOf } from './upload-input';

// Jobs: submit (and validate with ?dryRun=true), cancel; and code snapshots uploaded on their own.
// The route reads the body (YAML, JSON or multipart) into this input; the UI posts to the same route.

const file = uploadedFile;
const archive = uploadedArchive;

export const submitJobInput = z
  .strictObject({
    workspace: workspaceName,
    /** An Azure ML CLI v2 job file (commandJob / sweepJob). */
    yaml: z.string().max(MAX_DOCUMENT, 'the job file is larger than 1 MiB').optional(),
    /** The same document as JSON (the REST body, or the console's form). */
    job: z.record(z.string(), z.unknown()).optional(),
    /** Files uploaded with the job, paths relative to the job file's folder. */
    files: z.array(file).max(20_000).optional(),
    /** A zip or tar.gz of the code folder. */
    code: archive.optional(),
    /** The console's address as the request reached it (set by the route, not by the client). */
    origin: z.string().url().optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.yaml === undefined) === (v.job === undefined)) ctx.addIssue({ code: 'custom', path: ['yaml'], message: 'send the job as YAML or as JSON (exactly one)' });
  });

export interface JobSubmitResult {
  dryRun: boolean;
  /** The record's id (absent on a dry run). */
  uid?: string;
  name: string;
  status: string;
  /** Why (NotStarted: "waiting for cluster x: …" when the cluster could not take it yet). */
  statusMessage?: string | null;
  /** The Kubernetes Job exists (201); false: recorded, waiting for its cluster (202). */
  created?: boolean;
  spec: JobSpec;
  objects: KubeObject[];
  warnings: JobIssue[];
  placement: Placement;
}


type SubmitCtx = Parameters<Parameters<typeof defineAction>[0]['run']>[0];
type PlanCtx = Parameters<NonNullable<Parameters<typeof defineAction>[0]['prepare']>>[0];

/** A job validated against its cluster, ready to be recorded: read before the action's transaction (DESIGN §3). */
interface PlannedSubmit {
  prepared: PreparedJob;
  warnings: JobIssue[];
}

/**
 * Submit (jobs.submit) and re-run (jobs.rerun) share this. Their prepare() step: the job's placement from the live
 * cache and the API server's verdict (a real submit too: a refused job is not recorded) — cluster calls, so before
 * the transaction.
 */
async function planSubmit(ctx: PlanCtx, input: { workspace: string; origin?: string }, source: JobSource, upload: Upload): Promise<PlannedSubmit> {
  const prepared = await prepareJob(ctx.db, { workspace: input.workspace, source, upload, origin: input.origin ?? ctx.origin }, { dryRun: ctx.dryRun });
  return { prepared, warnings: [...prepared.warnings, ...(await dryRunJob(prepared))] };
}

/** …and their run(): record the job and declare the Job's creation (or answer the dry run). */
async function submitPlanned(ctx: SubmitCtx, input: { workspace: string }, planned: PlannedSubmit) {
    const { prepared, warnings } = planned;
    // Checked again in the transaction: another submit may have taken the name since prepare().
    await assertJobNameFree(ctx.tx, input.workspace, prepared.name);
    const base = { name: prepared.name, spec: prepared.spec, objects: redactObjects(prepared.objects), placement: prepared.placement };
    if (ctx.dryRun) {
      const result: JobSubmitResult = { dryRun: true, status: 'NotStarted', warnings, ...base };
      return { result, audit: { targetType: 'job', targetName: prepared.name, workspace: input.workspace } };
    }
    const { row, created } = await recordJob(ctx.tx, prepared, ctx.user.id);
    // One intent per Job (a sweep's first trials each have their own record and intent).
    for (const c of created) {
      if (c.azure) ctx.effects.azure(prepared.cluster, { type: 'job', id: c.row.id }, c.azure.operation, c.azure.args);
      else ctx.effects.kube(prepared.cluster, { type: 'job', id: c.row.id }, c.steps, { ownByJobs: true });
    }
    ctx.effects.afterCommit(() => publish(`jobs:${input.workspace}`, row.name));
    const result: JobSubmitResult = { dryRun: false, uid: row.id, status: row.status, statusMessage: row.statusMessage, created: false, warnings, ...base };
    const trial = prepared.spec.type === 'sweep' ? prepared.spec.trial : prepared.spec;
    return {
      result,
      audit: {
        targetType: 'job',
        targetName: prepared.name,
        workspace: input.workspace,
        after: {
          type: prepared.spec.type,
          computeTarget: prepared.placement.computeTarget,
          cluster: prepared.placement.cluster,
          namespace: prepared.placement.namespace,
          instanceType: prepared.placement.instanceType.name,
          instanceCount: prepared.placement.instanceCount,
          image: trial.environment.image,
          codeSha256: row.codeSha256,
          objects: prepared.objects.map((o) => `${o.kind}/${o.metadata.name}`),
        },
      },
    };
  }

// After commit: 201 once the Job exists; 202 while its cluster cannot be reached (the intent retries);
// a problem when the API server refused it at apply time (the record shows Failed with its message).
async function settleSubmit(outcomes: IntentOutcome[], result: JobSubmitResult, { db }: { db: Db }): Promise<JobSubmitResult> {
    const failed = outcomes.find((o) => o.status === 'failed');
    if (failed) {
      const [b] = await db.select({ backend: jobs.backend }).from(jobs).where(eq(jobs.id, result.uid!)).limit(1);
      if (b?.backend === 'azureml') throw new AppError('bad_request', `Azure ML refused job ${result.name} when it was submitted: ${failed.message}`);
      throw new AppError('bad_request', `cluster ${result.placement.cluster} refused job ${result.name} when it was created: ${failed.message}`, {
        fieldErrors: fieldErrorsOf(failed.verdicts),
      });
    }
    // A sweep's status follows its first trials at once (its controller keeps it current afterwards).
    if (result.spec.type === 'sweep' && outcomes.length) await refreshSweepByTrial(db, outcomes[0].owner.id);
    const [row] = outcomes.length ? await db.select({ status: jobs.status, statusMessage: jobs.statusMessage }).from(jobs).where(eq(jobs.id, result.uid!)).limit(1) : [];
    const waiting = outcomes.find((o) => o.status !== 'done');
    return { ...result, status: row?.status ?? result.status, statusMessage: row?.statusMessage ?? waiting?.message ?? null, created: outcomes.length > 0 && !waiting };
  }

defineAction({
  name: 'jobs.submit',
  clusterEffects: true,
  permission: 'jobs.submit',
  description: 'Submit a command or sweep job (Azure ML CLI v2 YAML, JSON, or multipart with its code); with dryRun, validate it and show its Kubernetes objects',
  input: submitJobInput,
  example: { workspace: 'vision', yaml: 'command: echo hello\nenvironment: {image: python:3.11}\n' },
  prepare(ctx, input) {
    const source: JobSource = input.yaml !== undefined ? { format: 'yaml', text: input.yaml } : { format: 'json', document: input.job };
    return planSubmit(ctx, input, source, uploadOf(input));
  },
  run(ctx, input) {
    return submitPlanned(ctx, input, ctx.prepared as PlannedSubmit);
  },
  settle: settleSubmit,
});

defineAction({
  name: 'jobs.rerun',
  clusterEffects: true,
  permission: 'jobs.submit',
  description: 'Run a job again: the same document (and its uploaded code) under a new name',
  input: z.strictObject({ workspace: workspaceName, name: z.string().min(1).max(255), newName: z.string().min(1).max(255).optional(), origin: z.string().url().optional() }),
  example: { workspace: 'vision', name: 'rbac-example-job' },
  async prepare(ctx, input) {
    const { row } = await getJobRow(ctx.db, input.workspace, input.name);
    if (row.parentJobId) {
      const [sweep] = await ctx.db.select({ name: jobs.name }).from(jobs).where(eq(jobs.id, row.parentJobId)).limit(1);
      throw new AppError('conflict', `job ${row.name} is a trial of sweep ${sweep?.name ?? '(gone)'}: trials run only as part of their sweep; re-run the sweep`);
    }
    const doc = rerunDocument(row, input.newName);
    return planSubmit(ctx, input, { format: 'json', document: doc }, { files: [], skipped: [] });
  },
  run(ctx, input) {
    return submitPlanned(ctx, input, ctx.prepared as PlannedSubmit);
  },
  settle: settleSubmit,
});

/** The document a job was submitted with, renamed, its uploaded code referenced by its snapshot. */
function rerunDocument(row: JobRow, newName?: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    // Stored documents passed the YAML caps when submitted; read under them again (rows older than the caps).
    doc = (row.sourceFormat === 'yaml' ? parseYaml(row.source, 'job file') : JSON.parse(row.source)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof YamlLimitError) throw new AppError('conflict', `job ${row.name} cannot be run again (its stored ${e.message})`);
    throw e;
  }
  if (!doc || typeof doc !== 'object') throw new AppError('conflict', `job ${row.name} has no stored document to run again`);
  if (Object.keys(row.inputFiles ?? {}).length) {
    throw new AppError('conflict', `job ${row.name} used uploaded input files (${Object.keys(row.inputFiles).join(', ')}): clone it into the form and upload them again`);
  }
  const base = row.name.replace(/-rerun-[a-z0-9]{5}$/, '').slice(0, 230);
  doc.name = newName ?? `${base}-rerun-${randomBytes(3).toString('hex').slice(0, 5)}`;
  if (row.codeSha256) {
    const code = `azureml:code-${row.codeSha256}`;
    if (doc.type === 'sweep' && doc.trial && typeof doc.trial === 'object') (doc.trial as Record<string, unknown>).code = code;
    else doc.code = code;
  }
  return doc;
}

function fieldErrorsOf(verdicts: StepVerdict[]) {
  const fe = planFieldErrors({ ok: false, unreachable: false, verdicts });
  return fe.length ? fe : [{ path: 'compute', message: 'the API server refused the job' }];
}

const termination = z.strictObject({
  policy: z.enum(['bandit', 'median_stopping', 'truncation_selection', 'sweep_timeout']),
  reason: z.string().min(1).max(1000),
  interval: z.number().int().min(1).optional(),
  value: z.number().optional(),
  numbers: z.record(z.string(), z.number()).optional(),
});

defineAction({
  name: 'jobs.cancel',
  clusterEffects: true,
  permission: 'jobs.submit',
  description: 'Cancel a job (a sweep takes its active trials with it): its Kubernetes Jobs (and their pods) are deleted and it is recorded as Canceled; with dryRun, shows what would be deleted',
  input: z.strictObject({
    workspace: workspaceName,
    name: z.string().min(1).max(255),
    /** Set by a sweep's controller when it stops a trial (early termination, limits.timeout); not by people. */
    termination: termination.optional(),
  }),
  example: { workspace: 'vision', name: 'rbac-example-job' },
  // A dry run asks the API server what the deletes would do: before the transaction (DESIGN §3).
  async prepare({ db, dryRun, via }, input): Promise<StepVerdict[] | undefined> {
    if (input.termination && via !== 'system') {
      throw new AppError('bad_request', 'termination: only a sweep’s controller records why it stopped a trial', { fieldErrors: [{ path: 'termination', message: 'not allowed' }] });
    }
    if (!dryRun) return undefined;
    const { steps, cluster } = await cancelJob(db, input.workspace, input.name, { dryRun, termination: input.termination });
    if (!cluster || !steps.length) return undefined;
    // The API server's dry run of the deletes: nothing is deleted, nothing is written.
    try {
      return (await applyPlan(liveCache(cluster).client, steps, { dryRun: true, timeoutMs: 8000 })).verdicts;
    } catch (e) {
      throw clusterAppError(e, cluster.name);
    }
  },
  async run({ tx, dryRun, effects, prepared }, input) {
    const { before, row, perJob, cluster, trials } = await cancelJob(tx, input.workspace, input.name, { dryRun, termination: input.termination });
    const wouldDelete = prepared as StepVerdict[] | undefined;
    if (cluster) for (const p of perJob) effects.kube(cluster, { type: 'job', id: p.id }, p.steps);
    // azureml backend: Azure ML cancels it (jobs.beginCancel) after commit; before it was submitted there, the
    // pending submit was canceled with the record.
    const az = cluster && !dryRun ? await azureCancel(tx, before, row) : undefined;
    if (cluster && az) effects.azure(cluster, { type: 'job', id: row.id }, 'job.cancel', az);
    effects.afterCommit(() => publish(`jobs:${input.workspace}`, row.name));
    return {
      result: { uid: row.id, name: row.name, status: row.status, statusMessage: row.statusMessage, ...(trials.length ? { trials } : {}), ...(wouldDelete ? { wouldDelete } : {}) },
      audit: {
        targetType: 'job',
        targetName: row.name,
        workspace: input.workspace,
        before: { status: before },
        after: { status: row.status, ...(trials.length ? { trialsCanceled: trials } : {}), ...(input.termination ? { termination: input.termination } : {}) },
      },
    };
  },
  async settle(_outcomes, result, { db }) {
    const [j] = await db.select({ status: jobs.status, statusMessage: jobs.statusMessage }).from(jobs).where(eq(jobs.id, result.uid)).limit(1);
    return { ...result, status: j?.status ?? result.status, statusMessage: j?.statusMessage ?? result.statusMessage };
  },
});

defineAction({
  name: 'code.upload',
  permission: 'jobs.submit',
  description: 'Upload a code folder (files or a zip/tar.gz) as a content-addressed snapshot that jobs reference as azureml:code-<sha256>',
  input: z.strictObject({ workspace: workspaceName, files: z.array(file).max(20_000).optional(), code: archive.optional() }),
  // (no files: allowed callers get past authorization and are refused for the empty upload, nothing is stored)
  example: { workspace: 'vision' },
  async run({ tx, dryRun }, input) {
    const upload = uploadOf(input);
    const files = await codeFilesFor(upload, '.');
    if (files.length === 0) throw new AppError('bad_request', 'files: nothing uploaded; send the folder’s files (one part each) or a zip/tar.gz as code', { fieldErrors: [{ path: 'files', message: 'no files' }] });
    const snap = await snapshotOf(files);
    const [ws] = await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, input.workspace)).limit(1);
    if (!ws) throw new AppError('not_found', `workspace ${input.workspace} not found`);
    const field = upload.codeArchive ? 'code' : 'files';
    const owner = { id: ws.id, name: input.workspace };
    // Stored for this workspace only (jobs of other workspaces cannot reference it), within its quota.
    if (dryRun) await checkCodeQuota(tx, owner, [snap.blob], field);
    else await storeBlobs(tx, owner, [{ data: snap.data, files: snap.blob.files }], field);
    const result = { ...snap.blob, reference: `azureml:code-${snap.blob.sha256}`, skipped: upload.skipped };
    return { result, audit: { targetType: 'code', targetName: snap.blob.sha256, workspace: input.workspace, after: { size: snap.blob.size, files: snap.blob.files } } };
  },
});

import 'server-only';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { workspaceName } from '@/lib/schemas/core';
import type { JobSpec } from '@/lib/aml/job-spec';
import type { JobIssue } from '@/lib/aml/issues';
import { jobs } from '../db/schema';
import { AppError, isAppError } from '../errors';
import { publish } from '../live/bus';
import { getJobRow } from '../services/jobs-read';
import { getModelVersion, prepareModelVersion, preparedVersionDto, recordModelVersion, setArchived, versionDto, MODEL_TYPES, type ModelSource, type ModelVersionDto } from '../services/models';
import { defineAction } from './registry';
import { MAX_DOCUMENT, uploadedArchive, uploadedFile, uploadOf } from './upload-input';

// The model registry's changes: register a version (Azure ML model YAML, JSON, or multipart with its files),
// archive / restore one, and — for the registrar (server/runtime/models.ts, actor system) — register the model
// outputs of a completed job. Versions are immutable, as in Azure ML.


export interface ModelCreateResult extends ModelVersionDto {
  dryRun: boolean;
  warnings: JobIssue[];
}


defineAction({
  name: 'models.create',
  permission: 'models.manage',
  description: 'Register a model version (Azure ML model YAML or JSON, with its files when the path is local); without version, the next number',
  input: z
    .strictObject({
      workspace: workspaceName,
      yaml: z.string().max(MAX_DOCUMENT, 'the model file is larger than 1 MiB').optional(),
      model: z.record(z.string(), z.unknown()).optional(),
      files: z.array(uploadedFile).max(100_000).optional(),
      code: uploadedArchive.optional(),
    })
    .superRefine((v, ctx) => {
      if ((v.yaml === undefined) === (v.model === undefined)) ctx.addIssue({ code: 'custom', path: ['yaml'], message: 'send the model as YAML or as JSON (exactly one)' });
    }),
  example: { workspace: 'vision', model: { name: 'rbac-example-model', path: 'https://example.com/model.onnx' } },
  async run({ tx, user, dryRun, effects }, input) {
    const source: ModelSource = input.yaml !== undefined ? { format: 'yaml', text: input.yaml } : { format: 'json', document: input.model };
    const p = await prepareModelVersion(tx, { workspace: input.workspace, source, upload: uploadOf(input) }, { dryRun });
    const row = dryRun
      ? undefined
      : await recordModelVersion(tx, input.workspace, p, user.id);
    const dto: ModelVersionDto = row ? await versionDto(tx, p.name, row, user.email) : preparedVersionDto(p, user.email);
    effects.afterCommit(() => publish(`models:${input.workspace}`, p.name));
    return {
      result: { ...dto, dryRun, warnings: p.warnings } satisfies ModelCreateResult,
      audit: {
        targetType: 'model',
        targetName: `${p.name}:${p.version}`,
        workspace: input.workspace,
        after: { type: p.spec.type, path: p.path, location: p.location.kind, ...(p.lineage ? { job: p.lineage.name, output: p.lineage.output } : {}) },
      },
    };
  },
});

for (const archived of [true, false]) {
  defineAction({
    name: archived ? 'models.archive' : 'models.restore',
    permission: 'models.manage',
    description: archived ? 'Archive a model version (still readable; @latest skips it)' : 'Restore an archived model version',
    input: z.strictObject({ workspace: workspaceName, name: z.string().min(1).max(255), version: z.string().min(1).max(255) }),
    example: { workspace: 'vision', name: 'rbac-example-model', version: '1' },
    async run({ tx, effects }, input) {
      const { before, row } = await setArchived(tx, input.workspace, input.name, input.version, archived);
      const { dto } = await getModelVersion(tx, input.workspace, input.name, row.version);
      effects.afterCommit(() => publish(`models:${input.workspace}`, input.name));
      return {
        result: dto,
        audit: { targetType: 'model', targetName: `${input.name}:${row.version}`, workspace: input.workspace, before: { archived: before }, after: { archived } },
      };
    },
  });
}

/** What the registrar did with each model output of a job. */
export interface JobOutputRegistration {
  output: string;
  name: string;
  version?: string;
  error?: string;
}

defineAction({
  name: 'models.registerJobOutputs',
  permission: 'models.manage',
  description: 'Register the outputs a completed job declared as models (custom_model, mlflow_model, triton_model) as model versions (the registrar does this)',
  input: z.strictObject({ workspace: workspaceName, job: z.string().min(1).max(255) }),
  example: { workspace: 'vision', job: 'rbac-example-job' },
  async run({ tx, effects }, input) {
    const { row: job } = await getJobRow(tx, input.workspace, input.job);
    if (job.status !== 'Completed') throw new AppError('conflict', `job ${job.name} is ${job.status}; its outputs are registered once it Completed`);
    const done: JobOutputRegistration[] = [];
    const outputs = Object.entries((job.spec as JobSpec).outputs ?? {}).filter(([, o]) => (MODEL_TYPES as readonly string[]).includes(o.type));
    for (const [output, o] of outputs) {
      const name = o.name ?? `${job.name}-${output}`;
      try {
        const p = await prepareModelVersion(
          tx,
          { workspace: input.workspace, source: { format: 'json', document: { name, ...(o.version ? { version: o.version } : {}), type: o.type, path: `azureml://jobs/${job.name}/outputs/${output}`, description: `Output ${output} of job ${job.name}` } }, upload: { files: [], skipped: [] } },
          { dryRun: false },
        );
        const v = await recordModelVersion(tx, input.workspace, p, job.createdBy);
        done.push({ output, name, version: v.version });
      } catch (e) {
        if (!isAppError(e)) throw e;
        done.push({ output, name, error: e.message });
      }
    }
    await tx.update(jobs).set({ modelsRegisteredAt: new Date() }).where(eq(jobs.id, job.id));
    effects.afterCommit(() => {
      for (const d of done) if (d.version) publish(`models:${input.workspace}`, d.name);
    });
    return { result: { job: job.name, registered: done }, audit: { targetType: 'job', targetName: job.name, workspace: input.workspace, after: { registered: done } } };
  },
});

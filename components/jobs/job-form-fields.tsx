'use client';

import * as React from 'react';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import type { JobFormState } from '@/lib/jobs/job-form';
import { InputRows, KeyValueRows, OutputRows } from './row-editors';
import type { EnvironmentOption, TargetOption } from './types';

// The form view of a command job. Every control writes into JobFormState; the editor turns it into the job
// document (Azure ML field names) for validation, submission and the YAML view. Server field errors arrive
// keyed by form field (lib/jobs/job-form.ts formFieldOf).

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm aria-invalid:border-danger';

export interface JobFormFieldsProps {
  form: JobFormState;
  onChange: (patch: Partial<JobFormState>) => void;
  targets: TargetOption[];
  environments: EnvironmentOption[];
  errors: Record<string, string>;
}

export function JobFormFields({ form, onChange, targets, environments, errors }: JobFormFieldsProps) {
  const target = targets.find((t) => t.name === form.compute);
  const text = (field: keyof JobFormState) => ({
    value: form[field] as string,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange({ [field]: e.currentTarget.value } as Partial<JobFormState>),
  });
  const chosenType = form.instanceType || target?.defaultInstanceType || '';
  const chosen = target?.instanceTypes.find((i) => i.name === chosenType);

  return (
    <div className="grid gap-5">
      <div className="grid gap-4 md:grid-cols-2">
        <FormField label="Compute target" required error={errors.compute} description={target ? `${target.cluster}, namespace ${target.namespace}` : 'Where the job runs'}>
          <select className={selectClass} value={form.compute} onChange={(e) => onChange({ compute: e.currentTarget.value, instanceType: '' })}>
            <option value="">Choose a compute target…</option>
            {targets.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.cluster})
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          label="Instance type"
          error={errors.instanceType}
          description={
            !target
              ? 'Choose a compute target first'
              : !target.live
                ? `Live capacity unknown: ${target.error ?? 'the cluster cannot be read'}`
                : chosen
                  ? `${chosen.summary} — can start ${chosen.canStartNow} now${chosen.limitedBy === 'quota' ? ' (limited by the quota)' : ''}`
                  : undefined
          }
        >
          <select className={selectClass} value={form.instanceType} onChange={(e) => onChange({ instanceType: e.currentTarget.value })} disabled={!target}>
            <option value="">{target ? `Default (${target.defaultInstanceType})` : '—'}</option>
            {target?.instanceTypes.map((it) => (
              <option key={it.name} value={it.name}>
                {it.name} — {it.summary} — {target.live ? `can start ${it.canStartNow} now` : 'capacity unknown'}
              </option>
            ))}
          </select>
        </FormField>
      </div>

      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-medium">Environment</legend>
        <div className="flex gap-4 text-sm" role="radiogroup" aria-label="Environment kind">
          {(['image', 'reference'] as const).map((k) => (
            <label key={k} className="flex items-center gap-1.5">
              <input type="radio" name="environmentKind" checked={form.environmentKind === k} onChange={() => onChange({ environmentKind: k })} />
              {k === 'image' ? 'Container image' : 'Environment (azureml:…)'}
            </label>
          ))}
        </div>
        {form.environmentKind === 'image' ? (
          <FormField label="Image" required error={errors.environment} description="Any image the cluster can pull, e.g. python:3.11 or mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04">
            <Input className="font-mono" placeholder="python:3.11" {...text('image')} />
          </FormField>
        ) : (
          <FormField label="Environment" required error={errors.environment} description="A workspace environment (azureml:<name>:<version> or @latest) or a curated one (azureml:AzureML-<name>@latest)">
            <Input className="font-mono" list="workspace-environments" placeholder="azureml:AzureML-sklearn-1.5@latest" {...text('environment')} />
          </FormField>
        )}
        <datalist id="workspace-environments">
          {environments.map((e) => (
            <option key={e.reference} value={e.reference}>
              {e.image}
            </option>
          ))}
          <option value="azureml:AzureML-sklearn-1.5@latest" />
          <option value="azureml:AzureML-acpt-pytorch-2.8-cuda12.6@latest" />
          <option value="azureml:AzureML-tensorflow-2.16-cuda12@latest" />
        </datalist>
      </fieldset>

      <FormField label="Command" required error={errors.command} description="Runs with bash in the code folder; ${{inputs.<name>}} and ${{outputs.<name>}} are replaced as Azure ML does">
        <Textarea mono rows={3} placeholder="python train.py --lr ${{inputs.lr}}" {...text('command')} />
      </FormField>
      <FormField label="Code" error={errors.code} description="A folder next to the job file (upload it below) or git+https://host/org/repo.git@ref">
        <Input className="font-mono" placeholder="src" {...text('code')} />
      </FormField>

      <InputRows rows={form.inputs} onChange={(inputs) => onChange({ inputs })} errors={errors} />
      <OutputRows rows={form.outputs} onChange={(outputs) => onChange({ outputs })} errors={errors} />
      <KeyValueRows legend="Environment variables" rows={form.environmentVariables} onChange={(environmentVariables) => onChange({ environmentVariables })} error={errors.environmentVariables} />

      <fieldset className="grid gap-4 md:grid-cols-4">
        <legend className="mb-1 text-sm font-medium">Resources and distribution</legend>
        <FormField label="Instance count" error={errors.instanceCount} description="Nodes (pods); 1 if empty">
          <Input inputMode="numeric" className="font-mono" placeholder="1" {...text('instanceCount')} />
        </FormField>
        <FormField label="Shared memory" error={errors.shmSize} description="/dev/shm, e.g. 8g (2g if empty)">
          <Input className="font-mono" placeholder="2g" {...text('shmSize')} />
        </FormField>
        <FormField label="Distribution" error={errors.distribution}>
          <select className={selectClass} value={form.distribution} onChange={(e) => onChange({ distribution: e.currentTarget.value as JobFormState['distribution'] })}>
            <option value="">None (one process per node)</option>
            <option value="pytorch">PyTorch</option>
            <option value="tensorflow">TensorFlow</option>
            <option value="mpi">MPI</option>
          </select>
        </FormField>
        {(form.distribution === 'pytorch' || form.distribution === 'mpi') && (
          <FormField label="Processes per instance" error={errors.processCountPerInstance}>
            <Input inputMode="numeric" className="font-mono" placeholder="1" {...text('processCountPerInstance')} />
          </FormField>
        )}
        {form.distribution === 'tensorflow' && (
          <>
            <FormField label="Workers" error={errors.workerCount}>
              <Input inputMode="numeric" className="font-mono" {...text('workerCount')} />
            </FormField>
            <FormField label="Parameter servers" error={errors.parameterServerCount}>
              <Input inputMode="numeric" className="font-mono" placeholder="0" {...text('parameterServerCount')} />
            </FormField>
          </>
        )}
        <FormField label="Timeout (seconds)" error={errors.timeout} description="The job is stopped after this long">
          <Input inputMode="numeric" className="font-mono" {...text('timeout')} />
        </FormField>
      </fieldset>

      <div className="grid gap-4 md:grid-cols-3">
        <FormField label="Display name" error={errors.displayName}>
          <Input {...text('displayName')} />
        </FormField>
        <FormField label="Experiment" error={errors.experimentName}>
          <Input {...text('experimentName')} />
        </FormField>
        <FormField label="Job name" error={errors.name} description="Unique in the workspace; generated if empty">
          <Input className="font-mono" {...text('name')} />
        </FormField>
      </div>
      <KeyValueRows legend="Tags" rows={form.tags} onChange={(tags) => onChange({ tags })} error={errors.tags} />
    </div>
  );
}

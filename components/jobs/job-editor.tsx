'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from '@tanstack/react-query';
import { toast } from 'sonner';
import { Rocket } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Tabs, TabsContent } from '@/components/ui/tabs';
import { FormError } from '@/components/forms/form-error';
import { parseYamlLoosely, ProblemList, TwoViewTabs, useDocumentRequest, useLocalProblems, useTwoViews, ValidateAndSubmit, type EditorMode, type TwoViewsStart } from '@/components/forms/two-view-editor';
import { normalizeJob, parseJobYaml } from '@/lib/aml/job-spec';
import { documentToForm, EMPTY_FORM, emptyExtra, formFieldOf, formToDocument, localCodePath, type FormView, type JobFormState } from '@/lib/jobs/job-form';
import { markersForErrors, toYaml } from '@/lib/jobs/yaml-positions';
import { CodeDrop, type CodeUpload } from './code-drop';
import { DryRunResult } from './dry-run-result';
import { JobFormFields } from './job-form-fields';
import { YamlEditor } from './yaml-editor';
import { sendJob, type JobBody } from './job-request';
import { fetchJson } from '@/components/live/fetch-json';
import { instanceTypeOption, type TargetInstanceTypeLike } from '@/lib/jobs/instance-type-options';
import type { DryRunAnswer, EnvironmentOption, JobIssueDto, TargetOption } from './types';

// New job: one spec, two views (Form | YAML), switchable both ways without loss; code dropped beside it;
// "Validate" runs the server's dry run (the API server checks the objects too) and shows the normalized
// spec, the Kubernetes objects and the warnings; "Submit" creates the job. Field errors appear as you type
// (the same parser as the server, in the browser) and the server's land on the right field or YAML line.

export interface JobEditorProps {
  workspace: string;
  targets: TargetOption[];
  environments: EnvironmentOption[];
  canSubmit: boolean;
  /** Clone: start from another job's document (YAML); shown in the form when the form can hold it. */
  initial?: { yaml: string };
}

/** The editor's first state: empty, or a cloned document in the form (or in YAML when the form cannot hold it). */
function startFrom(initial: JobEditorProps['initial'], firstTarget: string): TwoViewsStart<FormView> {
  const empty = { form: { ...EMPTY_FORM, compute: firstTarget }, extra: emptyExtra() };
  if (!initial) return { mode: 'form', view: empty, yaml: '', formDirty: true };
  const v = documentToForm(parseYamlLoosely(initial.yaml) ?? {});
  return v.ok ? { mode: 'form', view: v.view, yaml: initial.yaml, formDirty: false } : { mode: 'yaml', view: empty, yaml: initial.yaml, formDirty: false };
}

export function JobEditor({ workspace, targets: initialTargets, environments, canSubmit, initial }: JobEditorProps) {
  const router = useRouter();
  const [checked, setChecked] = React.useState(false);
  const { mode, view, editView, yamlText, setYamlText, note: switchNote, switchTo } = useTwoViews<FormView>(() => startFrom(initial, initialTargets[0]?.name ?? ''), {
    noun: 'job',
    toYaml: (v) => toYaml(formToDocument(v.form, v.extra)),
    toForm: documentToForm,
    onSyntaxBlocked: () => setChecked(true),
  });
  const [code, setCode] = React.useState<CodeUpload>({ files: [] });

  const body: JobBody = mode === 'yaml' ? { kind: 'yaml', text: yamlText } : { kind: 'json', doc: formToDocument(view.form, view.extra) };
  const bodyKey = mode === 'yaml' ? yamlText : JSON.stringify(body.kind === 'json' ? body.doc : '');
  // A new request (content or files changed) gets a new Idempotency-Key; retries of the same one reuse it.
  const { result, problem, setProblem, pending, send, banner } = useDocumentRequest<DryRunAnswer & { status?: string }>(bodyKey, code);

  // "Can start N now" for the chosen target (the compute pages' own API): read when a target is picked and
  // again when the window regains focus after 30 s, not on a timer.
  const compute = view.form.compute;
  const availability = useQuery({
    queryKey: ['compute-instance-types', workspace, compute],
    queryFn: () =>
      fetchJson<{ items: TargetInstanceTypeLike[]; live: boolean; errors?: Array<{ message: string }> }>(
        `/api/v1/workspaces/${encodeURIComponent(workspace)}/computes/${encodeURIComponent(compute)}/instance-types`,
      ),
    enabled: initialTargets.some((t) => t.name === compute),
    refetchOnWindowFocus: true,
  });
  const fresh = availability.data;
  const targets = React.useMemo(
    () =>
      fresh
        ? initialTargets.map((t) => (t.name === compute ? { ...t, live: fresh.live, error: fresh.errors?.[0]?.message, instanceTypes: fresh.items.map(instanceTypeOption) } : t))
        : initialTargets,
    [fresh, initialTargets, compute],
  );

  // The same parser as the server, as you type.
  const local = useLocalProblems({
    enabled: checked,
    mode,
    yamlText,
    documentKey: bodyKey,
    checkYaml: (text) => {
      const r = parseJobYaml(text, { dryRun: true, hasLocalPath: () => true });
      return r.ok ? [] : r.errors;
    },
    checkForm: () => {
      const r = normalizeJob(formToDocument(view.form, view.extra), { dryRun: true, hasLocalPath: () => true });
      return r.ok ? [] : r.errors;
    },
  });

  const errors: JobIssueDto[] = problem?.errors?.length ? problem.errors : local.errors;
  const formErrors: Record<string, string> = {};
  const unplaced: JobIssueDto[] = [];
  for (const e of errors) {
    const f = formFieldOf(e.path);
    if (f && !formErrors[f]) formErrors[f] = e.message;
    else if (!f) unplaced.push(e);
  }
  const markers = mode === 'yaml' ? [...local.syntax, ...markersForErrors(yamlText, errors)] : [];

  function patchForm(patch: Partial<JobFormState>) {
    editView((v) => ({ ...v, form: { ...v.form, ...patch } }));
    setProblem(null);
  }

  async function run(dryRun: boolean) {
    setChecked(true);
    const job = await send(dryRun, (idempotencyKey) => sendJob(workspace, body, code, { dryRun, idempotencyKey }));
    if (!job || dryRun) return;
    toast.success(`Job ${job.name} submitted`, { action: { label: 'Open', onClick: () => router.push(`/w/${workspace}/jobs/${job.name}`) } });
    router.push(`/w/${workspace}/jobs/${encodeURIComponent(job.name)}`);
  }

  const doc = mode === 'yaml' ? parseYamlLoosely(yamlText) : formToDocument(view.form, view.extra);
  const codePath = localCodePath(doc);

  return (
    <div className="grid gap-6">
      <Tabs value={mode} onValueChange={(v) => switchTo(v as EditorMode)}>
        <TwoViewTabs label="Edit the job as" note={switchNote} />
        <TabsContent value="form">
          <JobFormFields form={view.form} onChange={patchForm} targets={targets} environments={environments} errors={formErrors} />
          {Object.keys(view.extra.top).length + Object.keys(view.extra.inputs).length + Object.keys(view.extra.outputs).length > 0 && (
            <p className="mt-3 text-xs text-muted-foreground">
              Also kept from the YAML (edit them there):{' '}
              <span className="font-mono">{[...Object.keys(view.extra.top), ...Object.keys(view.extra.inputs).map((k) => `inputs.${k}`), ...Object.keys(view.extra.outputs).map((k) => `outputs.${k}`)].join(', ')}</span>
            </p>
          )}
        </TabsContent>
        <TabsContent value="yaml">
          <label htmlFor="job-yaml" className="mb-1.5 block text-sm font-medium">
            Job YAML (Azure ML CLI v2 commandJob or sweepJob)
          </label>
          <p id="job-yaml-help" className="mb-2 text-xs text-muted-foreground">
            Paste a job file as you would give it to <span className="font-mono">az ml job create</span>; set <span className="font-mono">compute: azureml:&lt;target&gt;</span> to one of this workspace’s targets ({targets.map((t) => t.name).join(', ') || 'none yet'}).
          </p>
          <YamlEditor id="job-yaml" value={yamlText} onChange={(v) => { setYamlText(v); setProblem(null); }} markers={markers} aria-describedby="job-yaml-help" />
        </TabsContent>
      </Tabs>

      {canSubmit && (
        <div className="grid gap-2">
          <h2 className="text-sm font-medium">Code</h2>
          <CodeDrop value={code} onChange={setCode} codePath={codePath} />
        </div>
      )}

      <div aria-live="polite" className="grid gap-2">
        <FormError message={banner} />
        {mode === 'form' && <ProblemList problems={unplaced} what="job" />}
      </div>

      {canSubmit ? (
        <ValidateAndSubmit pending={pending} onRun={run} submitLabel="Submit" submitIcon={Rocket} />
      ) : (
        <p className="rounded-md border border-border bg-muted px-3 py-2 text-sm text-muted-foreground">
          Read-only: you can look at job specifications here, but submitting or validating jobs in {workspace} needs the data scientist role in it.
        </p>
      )}

      {result && <DryRunResult result={result} />}
    </div>
  );
}


'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { CircleCheck, FileUp, PackagePlus, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { Tabs, TabsContent } from '@/components/ui/tabs';
import { FormError } from '@/components/forms/form-error';
import { parseYamlLoosely, ProblemList, TwoViewTabs, useDocumentRequest, useLocalProblems, useTwoViews, ValidateAndSubmit, type EditorMode } from '@/components/forms/two-view-editor';
import { CodeDrop, type CodeUpload } from '@/components/jobs/code-drop';
import { sendDocument, type JobBody } from '@/components/jobs/job-request';
import { KeyValueRows } from '@/components/jobs/row-editors';
import { YamlEditor } from '@/components/jobs/yaml-editor';
import type { JobIssueDto } from '@/components/jobs/types';
import { normalizeModel, parseModelYaml } from '@/lib/aml/model-spec';
import { markersForErrors, toYaml } from '@/lib/jobs/yaml-positions';
import type { ModelVersionDto } from '@/server/services/models';
import {
  checkModelForm, documentToModelForm, EMPTY_MODEL_FORM, localModelFolder, MODEL_TYPE_LABELS, MODEL_TYPES, modelFieldOf, modelFormToDocument, modelProblems, pathForFolder,
  type ModelFormState, type ModelFormView, type ModelTypeName,
} from './model-form';
import { describeLocation, pathHint, pathKind } from './model-location';

// Register a model version: a form or an Azure ML model YAML file (pasted, or a file dropped on the editor) —
// two views of one document, switchable both ways — with the model's folder uploaded beside it when its path is
// local. "Validate" is the server's dry run (every check, nothing written): what would be recorded, or the
// problems on their fields / YAML lines; "Register" records the version and opens it. Sent to
// POST …/models like the New job page sends jobs (multipart when files go with it).

type DryRun = Omit<ModelVersionDto, 'uid'> & { dryRun?: boolean; warnings: JobIssueDto[] };

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm aria-invalid:border-danger';

export function RegisterModel({ workspace, initialName }: { workspace: string; initialName?: string }) {
  const router = useRouter();
  const [checked, setChecked] = React.useState(false);
  const { mode, view, editView, yamlText, setYamlText, note, setNote, switchTo } = useTwoViews<ModelFormView>(
    () => ({ mode: 'form', view: { form: { ...EMPTY_MODEL_FORM, name: initialName ?? '', tags: [] }, extra: {} }, yaml: '', formDirty: true }),
    { noun: 'model', toYaml: (v) => toYaml(modelFormToDocument(v)), toForm: documentToModelForm, onSyntaxBlocked: () => setChecked(true) },
  );
  const [files, setFiles] = React.useState<CodeUpload>({ files: [] });
  const fileInput = React.useRef<HTMLInputElement>(null);

  const doc = mode === 'yaml' ? parseYamlLoosely(yamlText) : modelFormToDocument(view);
  const body: JobBody = mode === 'yaml' ? { kind: 'yaml', text: yamlText } : { kind: 'json', doc: doc as Record<string, unknown> };
  const bodyKey = mode === 'yaml' ? yamlText : JSON.stringify(doc);
  const { result, problem, setProblem, pending, send, banner } = useDocumentRequest<DryRun>(bodyKey, files);

  // The same parser as the server, in the browser, as you type; once the server answered, its problems instead.
  // They land on their form fields, or on their YAML lines.
  const local = useLocalProblems({
    enabled: checked,
    mode,
    yamlText,
    documentKey: bodyKey,
    checkYaml: (text) => modelProblems(parseYamlLoosely(text), parseModelYaml(text)),
    checkForm: () => {
      const d = modelFormToDocument(view);
      return modelProblems(d, normalizeModel(d));
    },
  });
  const errors: JobIssueDto[] = problem?.errors?.length ? problem.errors : local.errors;
  const formErrors: Record<string, string> = {};
  const unplaced: JobIssueDto[] = [];
  if (mode === 'form') {
    for (const e of errors) {
      const f = modelFieldOf(e.path);
      if (f && !formErrors[f]) formErrors[f] = e.message;
      else unplaced.push(e);
    }
    if (checked && !problem) for (const [f, m] of Object.entries(checkModelForm(view.form))) formErrors[f] ??= m;
  }
  const markers = mode === 'yaml' ? [...local.syntax, ...markersForErrors(yamlText, errors)] : [];

  function patch(p: Partial<ModelFormState>) {
    editView((v) => ({ ...v, form: { ...v.form, ...p } }));
    setProblem(null);
  }

  function onFiles(next: CodeUpload) {
    setFiles(next);
    setProblem(null);
    // A folder picked for a form without a path (or with another local one) becomes its path: ./<folder>.
    const top = [...new Set(next.files.map((f) => f.path.split('/')[0]))];
    if (mode === 'form' && top.length === 1 && next.files.every((f) => f.path.includes('/'))) {
      const kind = pathKind(view.form.path);
      if (kind === 'empty' || kind === 'local') patch({ path: pathForFolder(top[0]) });
    }
  }

  async function readDropped(file: File) {
    setYamlText(await file.text());
    setProblem(null);
    setNote(`Read ${file.name}.`);
  }

  async function run(dryRun: boolean) {
    setChecked(true);
    // What the browser can already tell is shown on its field without asking the server.
    if (mode === 'form' && Object.keys(checkModelForm(view.form)).length) {
      setProblem(null);
      return;
    }
    const url = `/api/v1/workspaces/${encodeURIComponent(workspace)}/models`;
    const v = await send(dryRun, (idempotencyKey) => sendDocument<DryRun>(url, 'model', body, files, { dryRun, idempotencyKey }));
    if (!v || dryRun) return;
    const href = `/w/${encodeURIComponent(workspace)}/models/${encodeURIComponent(v.name)}/versions/${encodeURIComponent(v.version)}`;
    toast.success(`Model ${v.name} version ${v.version} registered`, { action: { label: 'Open', onClick: () => router.push(href) } });
    router.push(href);
  }

  const folder = localModelFolder(doc);
  const text = (field: 'name' | 'version' | 'path' | 'description') => ({
    value: view.form[field],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => patch({ [field]: e.currentTarget.value }),
    onBlur: () => setChecked(true),
  });

  return (
    <div className="grid gap-6">
      <Tabs value={mode} onValueChange={(v) => switchTo(v as EditorMode)}>
        <TwoViewTabs label="Register the model with" note={note} />
        <TabsContent value="form">
          <div className="grid max-w-4xl gap-5">
            <div className="grid items-start gap-4 md:grid-cols-[2fr_1fr_2fr]">
              <FormField label="Name" required error={formErrors.name} description="A new name starts a new model">
                <Input className="font-mono" autoComplete="off" spellCheck={false} {...text('name')} />
              </FormField>
              <FormField label="Version" error={formErrors.version} description="Empty: the next number">
                <Input className="font-mono" autoComplete="off" placeholder="next number" {...text('version')} />
              </FormField>
              <FormField label="Type" error={formErrors.type} description="How the files are laid out">
                <select className={selectClass} value={view.form.type} onChange={(e) => patch({ type: e.currentTarget.value as ModelTypeName })}>
                  {MODEL_TYPES.map((t) => (
                    <option key={t} value={t}>
                      {t} — {MODEL_TYPE_LABELS[t]}
                    </option>
                  ))}
                </select>
              </FormField>
            </div>
            <FormField
              label="Path"
              required
              error={formErrors.path}
              description={
                <>
                  <span className="block">
                    Where the model’s files are: <span className="font-mono">azureml://jobs/&lt;job&gt;/outputs/&lt;output&gt;</span>, <span className="font-mono">https://…</span>,{' '}
                    <span className="font-mono">wasbs://…</span>, <span className="font-mono">abfss://…</span>, <span className="font-mono">azureml://datastores/&lt;name&gt;/paths/…</span>, or
                    a folder uploaded below (<span className="font-mono">./&lt;folder&gt;</span>).
                  </span>
                  {pathHint(view.form.path) && <span className="mt-1 block text-foreground" data-testid="path-hint">{pathHint(view.form.path)}</span>}
                </>
              }
            >
              <Input className="font-mono" autoComplete="off" spellCheck={false} placeholder="azureml://jobs/<job>/outputs/model" {...text('path')} />
            </FormField>
            <FormField label="Description" error={formErrors.description}>
              <Textarea rows={2} {...text('description')} />
            </FormField>
            <KeyValueRows legend="Tags" rows={view.form.tags} onChange={(tags) => patch({ tags })} error={formErrors.tags} />
          </div>
        </TabsContent>
        <TabsContent value="yaml" className="max-w-4xl">
          <label htmlFor="model-yaml" className="mb-1.5 block text-sm font-medium">
            Model YAML (Azure ML CLI v2 model file)
          </label>
          <div className="mb-2 flex flex-wrap items-center gap-2">
            <p id="model-yaml-help" className="mr-auto text-xs text-muted-foreground">
              Paste a model file as you would give it to <span className="font-mono">az ml model create --file</span>, or drop it on the editor. A local{' '}
              <span className="font-mono">path</span> needs its folder below.
            </p>
            <Button type="button" variant="secondary" size="sm" onClick={() => fileInput.current?.click()}>
              <FileUp aria-hidden /> Open a file
            </Button>
            <input
              ref={fileInput}
              type="file"
              className="sr-only"
              tabIndex={-1}
              aria-label="Model file to open"
              accept=".yml,.yaml,application/yaml,text/yaml"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f) void readDropped(f);
                e.currentTarget.value = '';
              }}
            />
          </div>
          <div
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              const f = e.dataTransfer.files[0];
              if (!f) return;
              e.preventDefault();
              void readDropped(f);
            }}
          >
            <YamlEditor
              id="model-yaml"
              rows={14}
              value={yamlText}
              onChange={(v) => {
                setYamlText(v);
                setProblem(null);
              }}
              markers={markers}
              aria-describedby="model-yaml-help"
            />
          </div>
        </TabsContent>
      </Tabs>

      <div className="grid max-w-4xl gap-2">
        <h2 className="text-sm font-medium">Files</h2>
        <p className="text-xs text-muted-foreground">Only for a local path: the folder’s files are uploaded with the model (up to 2 GiB) and kept by Harbormaster.</p>
        <CodeDrop subject="model" value={files} onChange={onFiles} codePath={folder ? `./${folder}` : undefined} disabled={pending !== null} />
        {formErrors.files && <p className="text-xs font-medium text-danger-text">{formErrors.files}</p>}
      </div>

      <div aria-live="polite" className="grid max-w-4xl gap-2">
        <FormError message={banner} />
        <ProblemList problems={unplaced} what="model" />
      </div>

      <ValidateAndSubmit pending={pending} onRun={run} submitLabel="Register" submitIcon={PackagePlus} />

      {result && <ValidationSummary result={result} />}
    </div>
  );
}

/** What Validate found: the version that would be recorded, where its files are, and the warnings. */
function ValidationSummary({ result }: { result: DryRun }) {
  const where = describeLocation(result.location);
  const job = result.lineage.job;
  return (
    <section aria-labelledby="model-dry-run" className="grid max-w-4xl gap-2 rounded-md border border-border p-4 text-sm">
      <h2 id="model-dry-run" className="flex items-center gap-2 font-semibold">
        <CircleCheck aria-hidden className="size-4 text-success-text" />
        Valid — would register <span className="font-mono">{result.name}</span> version <span className="font-mono">{result.version}</span> ({result.type})
      </h2>
      <p>
        <span className="text-muted-foreground">{where.kind}: </span>
        {where.sentence}
        {job ? (
          <>
            {' '}
            — made by job <span className="font-mono">{job.name}</span> on <span className="font-mono">{job.computeTarget}</span>
          </>
        ) : null}
      </p>
      {result.warnings.map((w, i) => (
        <p key={i} className="flex items-start gap-2 rounded-md bg-warning-soft px-3 py-2 text-warning-text">
          <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span>
            {w.path ? <span className="font-mono font-medium">{w.path}: </span> : null}
            {w.message}
          </span>
        </p>
      ))}
    </section>
  );
}

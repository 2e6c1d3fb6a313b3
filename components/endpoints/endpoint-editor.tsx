'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { CircleCheck, Rocket } from 'lucide-react';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { Tabs, TabsContent } from '@/components/ui/tabs';
import { parseYamlLoosely, placeProblems, EditorActions, TwoViewTabs, WarningList, useDocumentRequest, useLocalProblems, useTwoViews, YamlPane, type EditorMode } from '@/components/forms/two-view-editor';
import { useAction } from '@/components/forms/use-action';
import { sendDocument, type JobBody } from '@/components/jobs/job-request';
import { KeyValueRows } from '@/components/jobs/row-editors';
import type { JobIssueDto } from '@/components/jobs/types';
import { normalizeEndpoint, parseEndpointYaml } from '@/lib/aml/online-spec';
import type { OnlineEndpointDto } from '@/lib/endpoints/spec';
import { toYaml } from '@/lib/jobs/yaml-positions';
import { actionAnswer, NO_FILES } from './action-answer';
import { checkEndpointForm, documentToEndpointForm, emptyEndpointForm, endpointFieldOf, endpointFormToDocument, endpointTemplate, type EndpointFormState, type EndpointFormView } from './endpoint-documents';
import { endpointsUrl } from './endpoint-queries';

// Create an online endpoint: a form (name, compute target, description, tags) or an Azure ML
// kubernetesOnlineEndpoint YAML file — two views of one document, switchable both ways. "Validate" is the
// REST API's dry run (…/online-endpoints?dryRun=true, as the job and model forms do); "Create" is the
// endpoints.create action. The server's problems land on their fields or YAML lines.

type Written = OnlineEndpointDto & { dryRun?: boolean; warnings: JobIssueDto[] };

export interface EndpointTargetOption {
  name: string;
  cluster: string;
  namespace: string;
}

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm aria-invalid:border-danger';

export function EndpointEditor({ workspace, targets }: { workspace: string; targets: EndpointTargetOption[] }) {
  const router = useRouter();
  const create = useAction<Written>('endpoints.create');
  const [checked, setChecked] = React.useState(false);
  const firstTarget = targets[0]?.name ?? '';
  const { mode, view, editView, yamlText, setYamlText, note, switchTo } = useTwoViews<EndpointFormView>(
    () => ({ mode: 'form', view: emptyEndpointForm(firstTarget), yaml: endpointTemplate(firstTarget), formDirty: true }),
    { noun: 'endpoint', toYaml: (v) => toYaml(endpointFormToDocument(v)), toForm: documentToEndpointForm, onSyntaxBlocked: () => setChecked(true) },
  );
  const doc = mode === 'yaml' ? parseYamlLoosely(yamlText) : endpointFormToDocument(view);
  const body: JobBody = mode === 'yaml' ? { kind: 'yaml', text: yamlText } : { kind: 'json', doc: doc as Record<string, unknown> };
  const bodyKey = mode === 'yaml' ? yamlText : JSON.stringify(doc);
  const { result, problem, setProblem, pending, send, banner } = useDocumentRequest<Written>(bodyKey, NO_FILES);

  const local = useLocalProblems({
    enabled: checked,
    mode,
    yamlText,
    documentKey: bodyKey,
    checkYaml: (text) => {
      const r = parseEndpointYaml(text);
      return r.ok ? [] : r.errors;
    },
    checkForm: () => {
      const r = normalizeEndpoint(endpointFormToDocument(view));
      return r.ok ? [] : r.errors;
    },
  });
  const errors: JobIssueDto[] = problem?.errors?.length ? problem.errors : local.errors;
  const { formErrors, unplaced, markers } = placeProblems({ mode, errors, yamlText, syntax: local.syntax, fieldOf: endpointFieldOf, formCheck: checked && !problem ? checkEndpointForm(view.form) : undefined });

  function patch(p: Partial<EndpointFormState>) {
    editView((v) => ({ ...v, form: { ...v.form, ...p } }));
    setProblem(null);
  }

  async function run(dryRun: boolean) {
    setChecked(true);
    if (mode === 'form' && Object.keys(checkEndpointForm(view.form)).length) {
      setProblem(null);
      return;
    }
    const e = await send(dryRun, async () =>
      dryRun
        ? sendDocument<Written>(endpointsUrl(workspace), 'endpoint', body, NO_FILES, { dryRun: true })
        : actionAnswer(await create.run(mode === 'yaml' ? { workspace, yaml: yamlText } : { workspace, endpoint: doc })),
    );
    if (!e || dryRun) return;
    const href = `/w/${encodeURIComponent(workspace)}/endpoints/${encodeURIComponent(e.name)}`;
    toast.success(`Endpoint ${e.name} created`, { description: 'Add a deployment to it next.', action: { label: 'Open', onClick: () => router.push(href) } });
    router.push(href);
  }

  const text = (field: 'name' | 'description') => ({
    value: view.form[field],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => patch({ [field]: e.currentTarget.value }),
    onBlur: () => setChecked(true),
  });
  const target = targets.find((t) => t.name === view.form.compute);

  return (
    <div className="grid gap-6">
      <Tabs value={mode} onValueChange={(v) => switchTo(v as EditorMode)}>
        <TwoViewTabs label="Create the endpoint with" note={note} />
        <TabsContent value="form">
          <div className="grid max-w-4xl gap-5">
            <div className="grid items-start gap-4 md:grid-cols-2">
              <FormField label="Name" required error={formErrors.name} description="3–32 letters, digits and “-”, starting with a letter; part of the scoring URI">
                <Input className="font-mono" autoComplete="off" spellCheck={false} placeholder="my-endpoint" {...text('name')} />
              </FormField>
              <FormField
                label="Compute target"
                required
                error={formErrors.compute}
                description={target ? <>Served on cluster {target.cluster}, namespace <span className="font-mono">{target.namespace}</span></> : 'The compute target whose cluster serves it'}
              >
                <select className={selectClass} value={view.form.compute} onChange={(e) => patch({ compute: e.currentTarget.value })} onBlur={() => setChecked(true)}>
                  {!targets.length && <option value="">No compute targets in this workspace</option>}
                  {view.form.compute && !target && <option value={view.form.compute}>{view.form.compute} (not in this workspace)</option>}
                  {targets.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.name} — {t.cluster}
                    </option>
                  ))}
                </select>
              </FormField>
            </div>
            <FormField label="Description" error={formErrors.description}>
              <Textarea rows={2} {...text('description')} />
            </FormField>
            <KeyValueRows legend="Tags" rows={view.form.tags} onChange={(tags) => patch({ tags })} error={formErrors.tags} />
            <p className="text-xs text-muted-foreground">Authentication: key (a primary and a secondary key, on the endpoint’s Keys tab). Traffic is set once it has deployments.</p>
          </div>
        </TabsContent>
        <TabsContent value="yaml" className="max-w-4xl">
          <YamlPane
            id="endpoint-yaml"
            label="Endpoint YAML (Azure ML CLI v2 kubernetesOnlineEndpoint file)"
            rows={12}
            value={yamlText}
            onChange={(v) => {
              setYamlText(v);
              setProblem(null);
            }}
            markers={markers}
            help={
              <>
                As you would give it to <span className="font-mono">az ml online-endpoint create --file</span>. <span className="font-mono">compute</span> names one of this workspace’s compute targets.
              </>
            }
          />
        </TabsContent>
      </Tabs>

      <EditorActions banner={banner} unplaced={unplaced} what="endpoint" pending={pending} onRun={run} submitLabel="Create" submitIcon={Rocket} />

      {result && <EndpointValidation result={result} />}
    </div>
  );
}

/** What Validate found: the endpoint that would be created, where, and the warnings. */
function EndpointValidation({ result }: { result: Written }) {
  return (
    <section aria-labelledby="endpoint-dry-run" className="grid max-w-4xl gap-2 rounded-md border border-border p-4 text-sm">
      <h2 id="endpoint-dry-run" className="flex items-center gap-2 font-semibold">
        <CircleCheck aria-hidden className="size-4 text-success-text" />
        Valid — would create <span className="font-mono">{result.name}</span> on <span className="font-mono">{result.computeTarget}</span> ({result.cluster})
      </h2>
      <WarningList warnings={result.warnings} />
    </section>
  );
}

'use client';

import * as React from 'react';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Rocket, Save } from 'lucide-react';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { Tabs, TabsContent } from '@/components/ui/tabs';
import { parseYamlLoosely, placeProblems, EditorActions, TwoViewTabs, useDocumentRequest, useLocalProblems, useTwoViews, YamlPane, type EditorMode } from '@/components/forms/two-view-editor';
import { useAction } from '@/components/forms/use-action';
import { DryRunResult } from '@/components/jobs/dry-run-result';
import { sendDocument, type JobBody } from '@/components/jobs/job-request';
import type { DryRunAnswer, JobIssueDto } from '@/components/jobs/types';
import { normalizeDeployment, parseDeploymentYaml } from '@/lib/aml/online-spec';
import type { OnlineDeploymentDto, OnlineDeploymentSpec } from '@/lib/endpoints/spec';
import { toYaml } from '@/lib/jobs/yaml-positions';
import { parse } from 'yaml';
import { actionAnswer, NO_FILES } from './action-answer';
import { checkDeploymentForm, deploymentFieldOf, deploymentFormToDocument, documentToDeploymentForm, emptyDeploymentForm, type DeploymentFormState, type DeploymentFormView } from './endpoint-documents';
import { deploymentsUrl } from './endpoint-queries';

// Add a deployment to an endpoint, or change one: a form (name, image, model, instance type and count) or
// an Azure ML kubernetesOnlineDeployment YAML file — two views of one document, switchable both ways; fields
// the form has no control for (resources, probes, scale settings …) are kept. "Validate" is the REST API's dry
// run (the Kubernetes objects it becomes, checked by the cluster's API server); "Create" / "Save" are the
// deployments.create / deployments.update actions. A new one starts from Azure ML's blue/green sample.

type Written = { dryRun: boolean; deployment: Pick<OnlineDeploymentDto, 'name' | 'endpoint' | 'instanceType' | 'objectName'> & { spec: OnlineDeploymentSpec }; objects: DryRunAnswer['objects']; warnings: JobIssueDto[] };

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm aria-invalid:border-danger';

export interface DeploymentEditorProps {
  workspace: string;
  endpoint: string;
  /** Absent: a new deployment; present: the deployment being changed (its name cannot change). */
  name?: string;
  /** The YAML to start from (the template, or the deployment's file as submitted). */
  initialYaml: string;
  /** The instance types of the endpoint's compute target, and its default. */
  instanceTypes: Array<{ name: string; summary: string }>;
  defaultInstanceType: string;
}

export function DeploymentEditor({ workspace, endpoint, name, initialYaml, instanceTypes, defaultInstanceType }: DeploymentEditorProps) {
  const router = useRouter();
  const editing = name !== undefined;
  const write = useAction<Written>(editing ? 'deployments.update' : 'deployments.create');
  const [checked, setChecked] = React.useState(false);
  const { mode, view, editView, yamlText, setYamlText, note, switchTo } = useTwoViews<DeploymentFormView>(
    () => {
      // Start in the form when it can show the file, else in YAML.
      let doc: unknown;
      try {
        doc = parse(initialYaml, { uniqueKeys: false });
      } catch {
        doc = undefined;
      }
      const v = documentToDeploymentForm(doc);
      return v.ok ? { mode: 'form', view: v.view, yaml: initialYaml, formDirty: false } : { mode: 'yaml', view: emptyDeploymentForm(), yaml: initialYaml, formDirty: false };
    },
    { noun: 'deployment', toYaml: (v) => toYaml(deploymentFormToDocument(v, endpoint)), toForm: documentToDeploymentForm, onSyntaxBlocked: () => setChecked(true) },
  );
  const doc = mode === 'yaml' ? parseYamlLoosely(yamlText) : deploymentFormToDocument(view, endpoint);
  const body: JobBody = mode === 'yaml' ? { kind: 'yaml', text: yamlText } : { kind: 'json', doc: doc as Record<string, unknown> };
  const bodyKey = mode === 'yaml' ? yamlText : JSON.stringify(doc);
  const { result, problem, setProblem, pending, send, banner } = useDocumentRequest<Written>(bodyKey, NO_FILES);

  const local = useLocalProblems({
    enabled: checked,
    mode,
    yamlText,
    documentKey: bodyKey,
    checkYaml: (text) => {
      const r = parseDeploymentYaml(text, { endpointName: endpoint });
      return r.ok ? [] : r.errors;
    },
    checkForm: () => {
      const r = normalizeDeployment(deploymentFormToDocument(view, endpoint), { endpointName: endpoint });
      return r.ok ? [] : r.errors;
    },
  });
  const errors: JobIssueDto[] = problem?.errors?.length ? problem.errors : local.errors;
  const { formErrors, unplaced, markers } = placeProblems({ mode, errors, yamlText, syntax: local.syntax, fieldOf: deploymentFieldOf, formCheck: checked && !problem ? checkDeploymentForm(view.form) : undefined });

  function patch(p: Partial<DeploymentFormState>) {
    editView((v) => ({ ...v, form: { ...v.form, ...p } }));
    setProblem(null);
  }

  async function run(dryRun: boolean) {
    setChecked(true);
    if (mode === 'form' && Object.keys(checkDeploymentForm(view.form)).length) {
      setProblem(null);
      return;
    }
    const input = mode === 'yaml' ? { yaml: yamlText } : { deployment: doc };
    const url = editing ? `${deploymentsUrl(workspace, endpoint)}/${encodeURIComponent(name)}` : deploymentsUrl(workspace, endpoint);
    const w = await send(dryRun, async () =>
      dryRun
        ? sendDocument<Written>(url, 'deployment', body, NO_FILES, { dryRun: true, method: editing ? 'PUT' : 'POST' })
        : actionAnswer(await write.run({ workspace, endpoint, ...(editing ? { name } : {}), ...input })),
    );
    if (!w || dryRun) return;
    const d = w.deployment.name;
    const href = `/w/${encodeURIComponent(workspace)}/endpoints/${encodeURIComponent(endpoint)}/deployments/${encodeURIComponent(d)}`;
    const waiting = w.warnings.find((x) => x.message.startsWith('not applied yet'));
    toast.success(editing ? `Deployment ${endpoint}/${d} updated: rolling out` : `Deployment ${endpoint}/${d} created`, {
      description: waiting?.message ?? (editing ? undefined : 'It takes no traffic until you give it some on the endpoint’s Traffic tab.'),
      action: { label: 'Open', onClick: () => router.push(href) },
    });
    router.push(href);
  }

  const text = (field: 'name' | 'model' | 'image' | 'instanceCount' | 'description') => ({
    value: view.form[field],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => patch({ [field]: e.currentTarget.value }),
    onBlur: () => setChecked(true),
  });
  const known = instanceTypes.some((t) => t.name === view.form.instanceType);
  const dry: DryRunAnswer | null = result ? { name: result.deployment.name, spec: result.deployment.spec as unknown as Record<string, unknown>, objects: result.objects, warnings: result.warnings } : null;

  return (
    <div className="grid gap-6">
      <Tabs value={mode} onValueChange={(v) => switchTo(v as EditorMode)}>
        <TwoViewTabs label={editing ? 'Edit the deployment with' : 'Add the deployment with'} note={note} />
        <TabsContent value="form">
          <div className="grid max-w-4xl gap-5">
            <div className="grid items-start gap-4 md:grid-cols-2">
              <FormField label="Name" required error={formErrors.name} description={editing ? 'A deployment keeps its name' : 'Unique within the endpoint: blue, green …'}>
                <Input className="font-mono" autoComplete="off" spellCheck={false} readOnly={editing} {...text('name')} />
              </FormField>
              <FormField label="Model" error={formErrors.model} description="azureml:<name>:<version>, azureml:<name>@latest, or a storage URI; empty when the image holds it">
                <Input className="font-mono" autoComplete="off" spellCheck={false} placeholder="azureml:my-model:1" {...text('model')} />
              </FormField>
            </div>
            <FormField label="Container image" required error={formErrors.image} description="The image that serves the model (Harbormaster builds no images)">
              <Input className="font-mono" autoComplete="off" spellCheck={false} placeholder="docker.io/library/python:3.12-slim" {...text('image')} />
            </FormField>
            <div className="grid items-start gap-4 md:grid-cols-2">
              <FormField label="Instance type" error={formErrors.instanceType} description="What each replica requests on the compute target">
                <select className={selectClass} value={view.form.instanceType} onChange={(e) => patch({ instanceType: e.currentTarget.value })}>
                  <option value="">Default ({defaultInstanceType || 'the compute target’s'})</option>
                  {view.form.instanceType && !known && <option value={view.form.instanceType}>{view.form.instanceType}</option>}
                  {instanceTypes.map((t) => (
                    <option key={t.name} value={t.name}>
                      {t.name}
                      {t.summary ? ` — ${t.summary}` : ''}
                    </option>
                  ))}
                </select>
              </FormField>
              <FormField label="Instance count" error={formErrors.instanceCount} description="Replicas (ignored when scale_settings autoscales)">
                <Input inputMode="numeric" className="tabular-nums" placeholder="1" {...text('instanceCount')} />
              </FormField>
            </div>
            <FormField label="Description" error={formErrors.description}>
              <Textarea rows={2} {...text('description')} />
            </FormField>
            {Object.keys(view.extra).length + Object.keys(view.environmentExtra).length > 0 && (
              <p className="text-xs text-muted-foreground">
                Also in the file, kept as written (edit them in YAML):{' '}
                {[...Object.keys(view.extra), ...Object.keys(view.environmentExtra).map((k) => `environment.${k}`)].map((k, i) => (
                  <React.Fragment key={k}>
                    {i > 0 && ', '}
                    <span className="font-mono">{k}</span>
                  </React.Fragment>
                ))}
                .
              </p>
            )}
          </div>
        </TabsContent>
        <TabsContent value="yaml" className="max-w-4xl">
          <YamlPane
            id="deployment-yaml"
            label="Deployment YAML (Azure ML CLI v2 kubernetesOnlineDeployment file)"
            rows={20}
            value={yamlText}
            onChange={(v) => {
              setYamlText(v);
              setProblem(null);
            }}
            markers={markers}
            help={
              <>
                As you would give it to <span className="font-mono">az ml online-deployment {editing ? 'update' : 'create'} --file</span>; <span className="font-mono">endpoint_name</span> is{' '}
            <span className="font-mono">{endpoint}</span> or absent. Scoring code in a local folder (<span className="font-mono">code_configuration</span>) needs the REST API or the CLI, which upload it.
              </>
            }
          />
        </TabsContent>
      </Tabs>

      <EditorActions banner={banner} unplaced={unplaced} what="deployment" pending={pending} onRun={run} submitLabel={editing ? 'Save and roll out' : 'Create'} submitIcon={editing ? Save : Rocket} />

      {dry && <DryRunResult result={dry} />}
    </div>
  );
}

'use client';

import * as React from 'react';
import { Plus, Trash2, TriangleAlert } from 'lucide-react';
import { toast } from 'sonner';
import YAML from 'yaml';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import {
  formatInstanceTypeIssues,
  instanceTypeToForm,
  parseInstanceTypeForm,
  parseInstanceTypeYaml,
  toCustomResource,
  type InstanceTypeForm,
} from '@/lib/instance-types/schema';
import type { InstanceTypeSpec } from '@/lib/domain';

const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';

const EMPTY: InstanceTypeForm = { name: '', nodeSelector: [{ key: '', value: '' }], cpuRequest: '', cpuLimit: '', memoryRequest: '', memoryLimit: '', gpu: '' };

interface Warning { instanceType?: string; code: string; message: string }

export interface InstanceTypeDialogProps {
  /** Clusters the type may go to; one means fixed. */
  clusters: string[];
  /** Editing an existing instance type (its name and cluster are fixed). */
  editing?: { cluster: string; spec: InstanceTypeSpec };
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

function yamlOf(spec: InstanceTypeSpec): string {
  return YAML.stringify(toCustomResource(spec, { managedBy: false }));
}

/**
 * Create or edit an instance type, as a form or as YAML (InstanceType or InstanceTypeList): the two views convert
 * into each other, both validate with the server's rules as you type, and "Check fit" asks the server for a dry
 * run (its own validation, the API server's, and the fit warnings) before anything is saved.
 */
export function InstanceTypeDialog({ clusters, editing, open, onOpenChange }: InstanceTypeDialogProps) {
  const [cluster, setCluster] = React.useState(editing?.cluster ?? clusters[0] ?? '');
  const [mode, setMode] = React.useState<'form' | 'yaml'>('form');
  const [form, setForm] = React.useState<InstanceTypeForm>(EMPTY);
  const [yaml, setYaml] = React.useState('');
  const [touched, setTouched] = React.useState<Set<string>>(new Set());
  const [warnings, setWarnings] = React.useState<Warning[] | null>(null);
  const [checking, setChecking] = React.useState(false);
  const action = useAction<{ items: Array<{ name: string; change: string }>; warnings?: Warning[] }>(editing ? 'instancetypes.update' : 'instancetypes.apply');

  React.useEffect(() => {
    if (!open) return;
    const f = editing ? instanceTypeToForm(editing.spec) : EMPTY;
    setForm({ ...f, nodeSelector: f.nodeSelector.length ? f.nodeSelector : [{ key: '', value: '' }] });
    setYaml(editing ? yamlOf(editing.spec) : '');
    setMode('form');
    setTouched(new Set());
    setWarnings(null);
    setCluster(editing?.cluster ?? clusters[0] ?? '');
    action.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, editing]);

  const formCheck = React.useMemo(() => parseInstanceTypeForm(form), [form]);
  const clientErrors = formCheck.ok ? {} : formCheck.errors;
  const fieldError = (k: string) => action.fieldErrors[k] ?? (touched.has(k) || touched.has('*') ? clientErrors[k] : undefined);
  const yamlCheck = React.useMemo(() => (yaml.trim() ? parseInstanceTypeYaml(yaml) : null), [yaml]);

  const set = (patch: Partial<InstanceTypeForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setWarnings(null);
  };
  const blur = (k: string) => setTouched((t) => new Set(t).add(k));

  function switchMode(next: string) {
    if (next === mode) return;
    if (next === 'yaml') {
      if (formCheck.ok) setYaml(yamlOf(formCheck.spec));
      else if (!yaml.trim()) setYaml(yamlOf({ name: form.name || 'my-instance-type', nodeSelector: {}, resources: { requests: { cpu: form.cpuRequest || '1', memory: form.memoryRequest || '1Gi' }, limits: { cpu: form.cpuLimit || '1', memory: form.memoryLimit || '1Gi' } } }));
    } else if (yamlCheck?.ok && yamlCheck.items.length === 1) {
      const f = instanceTypeToForm(yamlCheck.items[0]);
      setForm({ ...f, nodeSelector: f.nodeSelector.length ? f.nodeSelector : [{ key: '', value: '' }] });
    } else if (yamlCheck?.ok && yamlCheck.items.length > 1) {
      toast.info('The YAML holds several instance types: the form edits one at a time, so the YAML stays as it is.');
      return;
    }
    setMode(next as 'form' | 'yaml');
    setWarnings(null);
  }

  function payload(): Record<string, unknown> | null {
    if (mode === 'form') {
      if (!formCheck.ok) {
        setTouched(new Set(['*']));
        return null;
      }
      return { form };
    }
    if (!yamlCheck?.ok) return null;
    return { yaml };
  }

  async function checkFit() {
    const p = payload();
    if (!p) return;
    setChecking(true);
    try {
      const url = editing ? `/api/v1/clusters/${encodeURIComponent(cluster)}/instance-types/${encodeURIComponent(editing.spec.name)}?dryRun=true` : `/api/v1/clusters/${encodeURIComponent(cluster)}/instance-types?dryRun=true`;
      const res = await fetch(url, { method: editing ? 'PUT' : 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p) });
      const body = await res.json();
      if (!res.ok) {
        const fe: Record<string, string> = {};
        for (const f of body.errors ?? []) fe[f.path] ??= f.message;
        action.setFieldErrors(fe);
        toast.error(body.detail ?? 'The check failed');
        return;
      }
      const r = body.result;
      setWarnings(r.warnings ?? (r.items ?? [r]).flatMap((i: { name: string; warnings?: Warning[] }) => (i.warnings ?? []).map((w) => ({ ...w, instanceType: i.name }))));
    } finally {
      setChecking(false);
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const p = payload();
    if (!p) return;
    const input = editing ? { cluster, name: editing.spec.name, ...p } : { cluster, ...p };
    const r = await action.run(input);
    if (r.ok) {
      const names = 'items' in r.data && Array.isArray(r.data.items) ? r.data.items.map((i) => i.name).join(', ') : editing?.spec.name;
      toast.success(`${editing ? 'Saved' : 'Applied'} ${names} on ${cluster}`);
      onOpenChange(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>{editing ? <>Edit instance type <span className="font-mono">{editing.spec.name}</span></> : 'New instance type'}</DialogTitle>
          <DialogDescription>
            Same fields as Azure ML&apos;s InstanceType (amlarc.azureml.com/v1alpha1). GPUs are set as a whole number in limits; the node selector is ANDed with the extension&apos;s.
          </DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="grid gap-4" noValidate>
          {!editing && clusters.length > 1 ? (
            <FormField label="Cluster" required>
              {(c) => (
                <select {...c} className={selectClass} value={cluster} onChange={(e) => setCluster(e.target.value)}>
                  {clusters.map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
              )}
            </FormField>
          ) : null}
          <Tabs value={mode} onValueChange={switchMode}>
            <TabsList aria-label="Edit as">
              <TabsTrigger value="form">Form</TabsTrigger>
              <TabsTrigger value="yaml">YAML</TabsTrigger>
            </TabsList>
            <TabsContent value="form" className="grid gap-3 pt-3">
              <FormField label="Name" required description="DNS-1123: lowercase letters, digits, '-' and '.'" error={fieldError('name')}>
                <Input value={form.name} disabled={!!editing} onChange={(e) => set({ name: e.target.value })} onBlur={() => blur('name')} className="font-mono" autoComplete="off" />
              </FormField>
              <div className="grid gap-3 sm:grid-cols-2">
                <FormField label="CPU request" required description="cores, e.g. 0.5, 700m, 2" error={fieldError('cpuRequest')}>
                  <Input value={String(form.cpuRequest)} onChange={(e) => set({ cpuRequest: e.target.value })} onBlur={() => blur('cpuRequest')} className="font-mono" />
                </FormField>
                <FormField label="CPU limit" required error={fieldError('cpuLimit')}>
                  <Input value={String(form.cpuLimit)} onChange={(e) => set({ cpuLimit: e.target.value })} onBlur={() => blur('cpuLimit')} className="font-mono" />
                </FormField>
                <FormField label="Memory request" required description="e.g. 1500Mi, 4Gi" error={fieldError('memoryRequest')}>
                  <Input value={String(form.memoryRequest)} onChange={(e) => set({ memoryRequest: e.target.value })} onBlur={() => blur('memoryRequest')} className="font-mono" />
                </FormField>
                <FormField label="Memory limit" required error={fieldError('memoryLimit')}>
                  <Input value={String(form.memoryLimit)} onChange={(e) => set({ memoryLimit: e.target.value })} onBlur={() => blur('memoryLimit')} className="font-mono" />
                </FormField>
                <FormField label="GPUs (nvidia.com/gpu)" description="whole number; empty or 0 for none" error={fieldError('gpu')}>
                  <Input value={String(form.gpu ?? '')} inputMode="numeric" onChange={(e) => set({ gpu: e.target.value })} onBlur={() => blur('gpu')} className="font-mono" />
                </FormField>
              </div>
              <fieldset className="grid gap-2">
                <legend className="text-sm font-medium">Node selector</legend>
                {form.nodeSelector.map((row, i) => (
                  <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
                    <FormField label={`Label key ${i + 1}`} error={fieldError(`nodeSelector.${i}.key`)}>
                      <Input value={row.key} placeholder="kubernetes.azure.com/agentpool" className="font-mono" onBlur={() => blur(`nodeSelector.${i}.key`)} onChange={(e) => set({ nodeSelector: form.nodeSelector.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)) })} />
                    </FormField>
                    <FormField label={`Value ${i + 1}`} error={fieldError(`nodeSelector.${i}.value`)}>
                      <Input value={row.value} placeholder="gpupool" className="font-mono" onBlur={() => blur(`nodeSelector.${i}.value`)} onChange={(e) => set({ nodeSelector: form.nodeSelector.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)) })} />
                    </FormField>
                    <Button type="button" variant="ghost" size="icon" className="mt-6" aria-label={`Remove label ${i + 1}`} onClick={() => set({ nodeSelector: form.nodeSelector.filter((_, j) => j !== i) })}>
                      <Trash2 aria-hidden className="size-4" />
                    </Button>
                  </div>
                ))}
                <div>
                  <Button type="button" variant="secondary" size="sm" onClick={() => set({ nodeSelector: [...form.nodeSelector, { key: '', value: '' }] })}>
                    <Plus aria-hidden className="size-4" /> Add label
                  </Button>
                </div>
              </fieldset>
            </TabsContent>
            <TabsContent value="yaml" className="grid gap-2 pt-3">
              <FormField label="InstanceType or InstanceTypeList YAML" description="Several documents separated by --- work too. A list is applied whole or not at all." error={yamlCheck && !yamlCheck.ok ? formatInstanceTypeIssues(yamlCheck.errors) : undefined}>
                <Textarea mono rows={16} value={yaml} onChange={(e) => { setYaml(e.target.value); setWarnings(null); }} spellCheck={false} />
              </FormField>
            </TabsContent>
          </Tabs>
          {warnings ? (
            warnings.length ? (
              <ul aria-live="polite" className="grid gap-1 rounded-md border border-warning/40 bg-warning-soft px-3 py-2 text-sm text-warning-text">
                {warnings.map((w, i) => (
                  <li key={i} className="flex gap-1.5"><TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" /><span>{w.instanceType ? <span className="font-mono">{w.instanceType}: </span> : null}{w.message}</span></li>
                ))}
              </ul>
            ) : (
              <p aria-live="polite" className="text-sm text-success-text">Valid, and the cluster has room for it: no warnings.</p>
            )
          ) : null}
          <FormError message={action.error} />
          <DialogFooter>
            <Button type="button" variant="secondary" pending={checking} onClick={checkFit}>Check fit</Button>
            <Button type="submit" pending={action.pending} disabled={mode === 'yaml' && !yamlCheck?.ok}>{editing ? 'Save' : 'Create'}</Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

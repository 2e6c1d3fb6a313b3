'use client';

import * as React from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormField } from '@/components/ui/form-field';
import { Input } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { FormError } from '@/components/forms/form-error';
import { useAction } from '@/components/forms/use-action';
import type { ExtensionSettings } from '@/lib/domain';
import { DEFAULT_ROUTER_IMAGE, guardedChanges, parseExtensionSettings, ROUTER_SERVICE_TYPES, type GuardedChange } from '@/lib/extension/settings';
import { checkNoProxy, suggestedNoProxy } from '@/lib/extension/no-proxy';
import type { ExtensionDto } from '@/server/services/extension';
import type { AzureExtensionDto } from '@/server/azure/extension';

type TlsMode = 'keep' | 'upload' | 'secret';

interface FormState {
  enableTraining: boolean;
  enableInference: boolean;
  inferenceRouterServiceType: string;
  internalLb: boolean;
  allowInsecureConnections: boolean;
  inferenceRouterHA: boolean;
  installNvidiaDevicePlugin: boolean;
  tlsMode: TlsMode;
  certPem: string;
  keyPem: string;
  sslSecret: string;
  sslCname: string;
  nodeSelector: string;
  routerImage: string;
  imageRegistry: string;
  imagePullSecret: string;
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
  caBundleConfigMap: string;
  egressEnabled: boolean;
  allowCidrs: string;
  allowHosts: string;
}

/** What the form needs of either extension: Harbormaster's own, or Azure ML's through ARM. */
interface FormSource {
  settings: ExtensionSettings | null;
  hasStoredTls: boolean;
  tlsSubject?: string;
  egress: ExtensionDto['egress'] | null;
  installed: boolean;
}

function sourceOf(p: ExtensionFormProps): FormSource {
  if (p.provider === 'azureml') {
    const a = p.extension;
    return { settings: a.settings, hasStoredTls: a.protectedSettings.length > 0, tlsSubject: a.tls?.subject, egress: null, installed: a.installed };
  }
  const e = p.extension;
  return { settings: (e.settings as ExtensionSettings | null) ?? null, hasStoredTls: e.tls?.source === 'uploaded', tlsSubject: e.tls?.subject, egress: e.egress ?? null, installed: e.status === 'installed' || e.status === 'failed' };
}

function initialState(ext: FormSource): FormState {
  const s = ext.settings;
  const hasStored = ext.hasStoredTls;
  return {
    enableTraining: s?.enableTraining ?? true,
    enableInference: s?.enableInference ?? false,
    inferenceRouterServiceType: s?.enableInference ? s.inferenceRouterServiceType : 'loadBalancer',
    internalLb: s?.internalLoadBalancerProvider === 'azure',
    allowInsecureConnections: s?.allowInsecureConnections ?? false,
    inferenceRouterHA: s?.inferenceRouterHA ?? true,
    installNvidiaDevicePlugin: s?.installNvidiaDevicePlugin ?? false,
    tlsMode: s?.sslSecret ? 'secret' : hasStored ? 'keep' : 'upload',
    certPem: '',
    keyPem: '',
    sslSecret: s?.sslSecret ?? '',
    sslCname: s?.sslCname ?? '',
    nodeSelector: Object.entries(s?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join('\n'),
    routerImage: s?.routerImage ?? DEFAULT_ROUTER_IMAGE,
    imageRegistry: s?.imageRegistry ?? '',
    imagePullSecret: s?.imagePullSecret ?? '',
    httpProxy: s?.proxy?.httpProxy ?? '',
    httpsProxy: s?.proxy?.httpsProxy ?? '',
    noProxy: s?.proxy?.noProxy ?? '',
    caBundleConfigMap: s?.proxy?.caBundleConfigMap ?? '',
    egressEnabled: ext.egress?.enabled ?? false,
    allowCidrs: (ext.egress?.allowCidrs ?? []).join('\n'),
    allowHosts: (ext.egress?.allowHosts ?? []).join('\n'),
  };
}

const lines = (s: string) => s.split(/[\n,]+/).map((x) => x.trim()).filter(Boolean);

/** Form state → the action's input (settings with Azure ML's names, TLS, egress). */
function toInput(cluster: string, f: FormState, hasStoredTls: boolean) {
  const nodeSelector: Record<string, string> = {};
  const selectorErrors: string[] = [];
  for (const l of f.nodeSelector.split('\n').map((x) => x.trim()).filter(Boolean)) {
    const i = l.indexOf('=');
    if (i <= 0) selectorErrors.push(`"${l}" is not key=value`);
    else nodeSelector[l.slice(0, i).trim()] = l.slice(i + 1).trim();
  }
  const proxy = { httpProxy: f.httpProxy.trim(), httpsProxy: f.httpsProxy.trim(), noProxy: f.noProxy.trim(), caBundleConfigMap: f.caBundleConfigMap.trim() };
  const anyProxy = Object.values(proxy).some(Boolean);
  const tlsUsed = f.enableInference && !f.allowInsecureConnections;
  const settings: Record<string, unknown> = {
    enableTraining: f.enableTraining,
    enableInference: f.enableInference,
    ...(f.enableInference
      ? {
          inferenceRouterServiceType: f.inferenceRouterServiceType,
          ...(f.internalLb && f.inferenceRouterServiceType === 'loadBalancer' ? { internalLoadBalancerProvider: 'azure' } : {}),
          allowInsecureConnections: f.allowInsecureConnections,
          inferenceRouterHA: f.inferenceRouterHA,
          routerImage: f.routerImage.trim(),
          ...(tlsUsed && f.sslCname.trim() ? { sslCname: f.sslCname.trim() } : {}),
          ...(tlsUsed && f.tlsMode === 'secret' && f.sslSecret.trim() ? { sslSecret: f.sslSecret.trim() } : {}),
        }
      : {}),
    nodeSelector,
    installNvidiaDevicePlugin: f.installNvidiaDevicePlugin,
    ...(f.imageRegistry.trim() ? { imageRegistry: f.imageRegistry.trim() } : {}),
    ...(f.imagePullSecret.trim() ? { imagePullSecret: f.imagePullSecret.trim() } : {}),
    ...(anyProxy ? { proxy: Object.fromEntries(Object.entries(proxy).filter(([, v]) => v)) } : {}),
  };
  const upload = tlsUsed && f.tlsMode === 'upload' && (f.certPem.trim() || f.keyPem.trim()) ? { certPem: f.certPem, keyPem: f.keyPem } : undefined;
  const input = {
    name: cluster,
    settings,
    ...(upload ? { tls: upload } : {}),
    ...(tlsUsed && f.tlsMode === 'secret' && hasStoredTls ? { removeTls: true } : {}),
    egress: { enabled: f.egressEnabled, allowCidrs: lines(f.allowCidrs), allowHosts: lines(f.allowHosts) },
  };
  const tlsCertificateUploaded = !!upload || (tlsUsed && f.tlsMode === 'keep' && hasStoredTls);
  return { input, selectorErrors, tlsCertificateUploaded };
}

function Toggle({ label, description, checked, onChange, disabled }: { label: string; description?: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  const id = React.useId();
  return (
    <div className="flex items-start gap-2">
      <input id={id} type="checkbox" className="mt-0.5 size-4" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} aria-describedby={description ? `${id}-d` : undefined} />
      <div className="grid gap-0.5">
        <label htmlFor={id} className="text-sm font-medium">
          {label}
        </label>
        {description ? <p id={`${id}-d`} className="text-xs text-muted-foreground">{description}</p> : null}
      </div>
    </div>
  );
}

function readFile(onText: (t: string) => void) {
  return async (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) onText(await file.text());
  };
}

export type ExtensionFormProps = {
  cluster: string;
  network: { serviceCidrs: string[]; podCidrs: string[] } | null;
  disabled?: boolean;
} & (
  | { provider?: 'harbormaster'; extension: ExtensionDto; onStarted: (ext: ExtensionDto) => void }
  /** Azure ML's extension through ARM: the same settings; its own actions; no proxy, registry, router image or egress (Azure ML has no such settings). */
  | { provider: 'azureml'; extension: AzureExtensionDto; onStarted: (ext: AzureExtensionDto) => void }
);

/**
 * Install / upgrade form with Azure ML's setting names. Validates as you type with the server's schema;
 * changes Azure ML warns about under live workloads are listed in a confirmation before anything is sent.
 */
export function ExtensionForm(props: ExtensionFormProps) {
  const { cluster, network, disabled } = props;
  const azure = props.provider === 'azureml';
  const source = sourceOf(props);
  const [f, setF] = React.useState<FormState>(() => initialState(source));
  const [touched, setTouched] = React.useState(false);
  const [pendingChanges, setPendingChanges] = React.useState<GuardedChange[] | null>(null);
  const installed = source.installed;
  const action = useAction<{ extension: ExtensionDto | AzureExtensionDto; warnings: string[] }>(
    azure ? (installed ? 'clusters.azureExtension.update' : 'clusters.azureExtension.install') : 'clusters.extension.install',
  );
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => {
    setTouched(true);
    setF((s) => ({ ...s, [k]: v }));
  };
  const hasStoredTls = source.hasStoredTls;
  const built = toInput(cluster, f, hasStoredTls);
  const parsed = parseExtensionSettings(built.input.settings, { tlsCertificateUploaded: built.tlsCertificateUploaded, clusterNetwork: network ?? undefined });
  const clientErrors: Record<string, string> = {};
  if (!parsed.ok) for (const e of parsed.errors) clientErrors[`settings.${e.path}`] ??= e.message;
  if (built.selectorErrors.length) clientErrors['settings.nodeSelector'] = built.selectorErrors.join('; ');
  const errors: Record<string, string> = { ...(touched ? clientErrors : {}), ...action.fieldErrors };
  const err = (path: string) => errors[path] ?? Object.entries(errors).find(([k]) => k.startsWith(`${path}.`))?.[1];
  const noProxyCheck = f.httpProxy || f.httpsProxy ? checkNoProxy(f.noProxy, network ?? {}) : null;
  const tlsUsed = f.enableInference && !f.allowInsecureConnections;

  async function submit(confirm: boolean) {
    // Azure ML's extension takes the settings and the certificate only (ARM has no confirmation step: the dialog is ours).
    const input = azure ? { name: built.input.name, settings: built.input.settings, ...(built.input.tls ? { tls: built.input.tls } : {}) } : { ...built.input, ...(confirm ? { confirm: true } : {}) };
    const r = await action.run(input);
    if (r.ok) {
      toast.success(`${installed ? (azure ? 'Update' : 'Upgrade') : 'Install'} of ${azure ? 'Azure ML’s extension' : 'the extension'} on ${cluster} started`);
      for (const w of r.data.warnings) toast.warning(w);
      setF((s) => ({ ...s, certPem: '', keyPem: '', tlsMode: s.tlsMode === 'upload' ? 'keep' : s.tlsMode }));
      // The submitted settings' warnings now show in the status card; the form's own return with the next edit.
      setTouched(false);
      if (props.provider === 'azureml') props.onStarted(r.data.extension as AzureExtensionDto);
      else props.onStarted(r.data.extension as ExtensionDto);
    }
    return r;
  }

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!parsed.ok || built.selectorErrors.length) return;
    const changes = installed && source.settings ? guardedChanges(source.settings, parsed.value) : [];
    if (changes.length) setPendingChanges(changes);
    else await submit(false);
  }

  const selectClass = 'h-9 w-full rounded-md border border-input bg-surface px-2 text-sm';
  return (
    <Card>
      <CardHeader>
        <CardTitle>{installed ? 'Settings' : 'Install'}</CardTitle>
        <CardDescription>
          {azure
            ? 'Sent to Azure Resource Manager as the extension’s configuration settings; the certificate and key as protected settings, never shown again.'
            : 'Azure ML\'s setting names and defaults. Re-running with the same settings changes nothing on the cluster.'}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form className="grid gap-5" noValidate onSubmit={onSubmit}>
          <fieldset className="grid gap-3" disabled={disabled}>
            <legend className="mb-1 text-sm font-semibold">Workloads</legend>
            <Toggle label="enableTraining" description="Training jobs and batch scoring." checked={f.enableTraining} onChange={(v) => set('enableTraining', v)} />
            <Toggle label="enableInference" description="Online endpoints behind the inference router (azureml-fe)." checked={f.enableInference} onChange={(v) => set('enableInference', v)} />
            {err('settings.enableTraining') ? <p className="text-xs font-medium text-danger-text">{err('settings.enableTraining')}</p> : null}
            <Toggle label="installNvidiaDevicePlugin" description="Makes GPU nodes advertise nvidia.com/gpu (skip if the gpu-operator is installed)." checked={f.installNvidiaDevicePlugin} onChange={(v) => set('installNvidiaDevicePlugin', v)} />
            <FormField label="nodeSelector" description="One key=value per line: pins the extension and every ML workload to these nodes." error={err('settings.nodeSelector')}>
              <Textarea mono rows={2} value={f.nodeSelector} onChange={(e) => set('nodeSelector', e.target.value)} placeholder="kubernetes.azure.com/agentpool=mlpool" />
            </FormField>
          </fieldset>

          {f.enableInference && (
            <fieldset className="grid gap-3 border-t border-border pt-4" disabled={disabled}>
              <legend className="mb-1 text-sm font-semibold">Inference router</legend>
              <div className="grid gap-3 sm:grid-cols-2">
                <FormField label="inferenceRouterServiceType" required error={err('settings.inferenceRouterServiceType')}>
                  {(c) => (
                    <select {...c} className={selectClass} value={f.inferenceRouterServiceType} onChange={(e) => set('inferenceRouterServiceType', e.target.value)}>
                      {ROUTER_SERVICE_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                    </select>
                  )}
                </FormField>
                {!azure && (
                  <FormField label="routerImage" description="For air-gapped registries." error={err('settings.routerImage')}>
                    <Input className="font-mono" value={f.routerImage} onChange={(e) => set('routerImage', e.target.value)} />
                  </FormField>
                )}
              </div>
              {f.inferenceRouterServiceType === 'loadBalancer' && (
                <Toggle label="internalLoadBalancerProvider=azure" description="An internal Azure load balancer (AKS only): reachable from the virtual network only." checked={f.internalLb} onChange={(v) => set('internalLb', v)} />
              )}
              <Toggle label="inferenceRouterHA" description="3 router replicas on 3 different nodes (else 1)." checked={f.inferenceRouterHA} onChange={(v) => set('inferenceRouterHA', v)} />
              <Toggle label="allowInsecureConnections" description="Serve plain HTTP (only behind your own TLS-terminating load balancer)." checked={f.allowInsecureConnections} onChange={(v) => set('allowInsecureConnections', v)} />
              {tlsUsed && (
                <div className="grid gap-3 rounded-md border border-border p-3">
                  <FormField label="sslCname" required description="The host name clients use for scoring; the certificate must cover it." error={err('settings.sslCname')}>
                    <Input className="font-mono" value={f.sslCname} onChange={(e) => set('sslCname', e.target.value)} placeholder="ml.example.com" />
                  </FormField>
                  <div className="flex flex-wrap gap-4 text-sm" role="radiogroup" aria-label="TLS certificate source">
                    {hasStoredTls && (
                      <label className="flex items-center gap-1.5">
                        <input type="radio" checked={f.tlsMode === 'keep'} onChange={() => set('tlsMode', 'keep')} /> Keep the uploaded certificate{source.tlsSubject ? ` (${source.tlsSubject})` : ''}
                      </label>
                    )}
                    <label className="flex items-center gap-1.5">
                      <input type="radio" checked={f.tlsMode === 'upload'} onChange={() => set('tlsMode', 'upload')} /> Upload {hasStoredTls ? 'a new' : 'a'} certificate
                    </label>
                    <label className="flex items-center gap-1.5">
                      <input type="radio" checked={f.tlsMode === 'secret'} onChange={() => set('tlsMode', 'secret')} /> Existing Secret (sslSecret)
                    </label>
                  </div>
                  {f.tlsMode === 'upload' && (
                    <div className="grid gap-3 sm:grid-cols-2">
                      <FormField label="Certificate chain (PEM)" description="Server certificate first, then intermediates, then the root." error={err('tls.certPem') ?? (f.tlsMode === 'upload' && !hasStoredTls ? err('settings.sslSecret') : undefined)}>
                        <Textarea mono rows={5} value={f.certPem} onChange={(e) => set('certPem', e.target.value)} placeholder="-----BEGIN CERTIFICATE-----" />
                      </FormField>
                      <FormField label="Private key (PEM, no passphrase)" description="Stored encrypted; never shown again." error={err('tls.keyPem')}>
                        <Textarea mono rows={5} value={f.keyPem} onChange={(e) => set('keyPem', e.target.value)} placeholder="-----BEGIN PRIVATE KEY-----" autoComplete="off" />
                      </FormField>
                      <label className="text-sm text-accent-text underline underline-offset-4">
                        Upload certificate file <input type="file" className="sr-only" onChange={readFile((t) => set('certPem', t))} />
                      </label>
                      <label className="text-sm text-accent-text underline underline-offset-4">
                        Upload key file <input type="file" className="sr-only" onChange={readFile((t) => set('keyPem', t))} />
                      </label>
                    </div>
                  )}
                  {f.tlsMode === 'secret' && (
                    <FormField label="sslSecret" description="A Secret in namespace azureml with cert.pem and key.pem (or tls.crt and tls.key)." error={err('settings.sslSecret')}>
                      <Input className="font-mono" value={f.sslSecret} onChange={(e) => set('sslSecret', e.target.value)} />
                    </FormField>
                  )}
                </div>
              )}
            </fieldset>
          )}

          {!azure && (
            <>
              <fieldset className="grid gap-3 border-t border-border pt-4" disabled={disabled}>
                <legend className="mb-1 text-sm font-semibold">Outbound proxy for ML workloads</legend>
                <div className="grid gap-3 sm:grid-cols-2">
                  <FormField label="HTTP_PROXY" error={err('settings.proxy.httpProxy')}>
                    <Input className="font-mono" value={f.httpProxy} onChange={(e) => set('httpProxy', e.target.value)} placeholder="http://proxy.example.com:3128" />
                  </FormField>
                  <FormField label="HTTPS_PROXY" error={err('settings.proxy.httpsProxy')}>
                    <Input className="font-mono" value={f.httpsProxy} onChange={(e) => set('httpsProxy', e.target.value)} placeholder="http://proxy.example.com:3128" />
                  </FormField>
                </div>
                <FormField
                  label="NO_PROXY"
                  description={noProxyCheck && !noProxyCheck.ok ? undefined : 'Must contain 127.0.0.1, localhost, .svc, .svc.cluster.local, kubernetes.default.svc and the service/pod CIDRs.'}
                  error={err('settings.proxy.noProxy') ?? (noProxyCheck && !noProxyCheck.ok && touched ? noProxyCheck.message : undefined)}
                >
                  <Input className="font-mono" value={f.noProxy} onChange={(e) => set('noProxy', e.target.value)} />
                </FormField>
                {(f.httpProxy || f.httpsProxy) && noProxyCheck && !noProxyCheck.ok ? (
                  <Button type="button" variant="secondary" size="sm" className="justify-self-start" onClick={() => set('noProxy', [f.noProxy, suggestedNoProxy(network ?? {})].filter(Boolean).join(','))}>
                    Add the required entries
                  </Button>
                ) : null}
                <FormField label="Proxy CA bundle ConfigMap" description="A ConfigMap with ca.crt in each compute namespace (for proxies that re-sign TLS)." error={err('settings.proxy.caBundleConfigMap')}>
                  <Input className="font-mono" value={f.caBundleConfigMap} onChange={(e) => set('caBundleConfigMap', e.target.value)} />
                </FormField>
              </fieldset>

              <fieldset className="grid gap-3 border-t border-border pt-4" disabled={disabled}>
                <legend className="mb-1 text-sm font-semibold">Private registry</legend>
                <div className="grid gap-3 sm:grid-cols-2">
                  <FormField label="imageRegistry" description="Replaces the public registry of every image (router, device plugin, workloads)." error={err('settings.imageRegistry')}>
                    <Input className="font-mono" value={f.imageRegistry} onChange={(e) => set('imageRegistry', e.target.value)} placeholder="registry.corp.example/mirror" />
                  </FormField>
                  <FormField label="imagePullSecret" description="docker-registry Secret used to pull every image." error={err('settings.imagePullSecret')}>
                    <Input className="font-mono" value={f.imagePullSecret} onChange={(e) => set('imagePullSecret', e.target.value)} />
                  </FormField>
                </div>
              </fieldset>

              <fieldset className="grid gap-3 border-t border-border pt-4" disabled={disabled}>
                <legend className="mb-1 text-sm font-semibold">Workload egress policy</legend>
                <Toggle
                  label="Deny egress from compute namespaces"
                  description="Except DNS, the proxy, the registry and the destinations below (NetworkPolicy; needs a CNI that enforces it)."
                  checked={f.egressEnabled}
                  onChange={(v) => set('egressEnabled', v)}
                />
                {f.egressEnabled && (
                  <div className="grid gap-3 sm:grid-cols-2">
                    <FormField label="Allowed CIDRs" description="One per line." error={err('egress.allowCidrs')}>
                      <Textarea mono rows={3} value={f.allowCidrs} onChange={(e) => set('allowCidrs', e.target.value)} placeholder="10.20.0.0/16" />
                    </FormField>
                    <FormField label="Allowed hosts" description="NetworkPolicy matches IPs only: hosts go through the proxy." error={err('egress.allowHosts')}>
                      <Textarea mono rows={3} value={f.allowHosts} onChange={(e) => set('allowHosts', e.target.value)} placeholder="*.blob.core.windows.net" />
                    </FormField>
                  </div>
                )}
              </fieldset>
            </>
          )}

          {parsed.ok && parsed.warnings.length && touched ? (
            <ul className="grid gap-1 text-sm text-warning-text">
              {parsed.warnings.map((w) => <li key={w}>⚠ {w}</li>)}
            </ul>
          ) : null}
          <FormError message={action.error} />
          <div>
            <Button type="submit" pending={action.pending} disabled={disabled}>
              {installed ? 'Apply settings' : azure ? 'Install Azure ML’s extension' : 'Install extension'}
            </Button>
          </div>
        </form>
      </CardContent>
      <ConfirmDialog
        open={pendingChanges !== null}
        onOpenChange={(o) => !o && setPendingChanges(null)}
        action="Apply changes that disturb live workloads on"
        objectName={cluster}
        tone="danger"
        confirmLabel="Apply changes"
        consequence={
          <ul className="grid list-disc gap-2 pl-5">
            {(pendingChanges ?? []).map((c) => (
              <li key={c.field}>
                <span className="font-mono">{c.field}</span>: {JSON.stringify(c.from)} → {JSON.stringify(c.to)} — {c.consequence}
                {c.azureMlWarns ? ' (Azure ML documents this as unsafe under live workloads)' : ''}
              </li>
            ))}
          </ul>
        }
        onConfirm={async () => {
          const r = await submit(true);
          if (!r.ok) throw new Error(r.error.detail);
        }}
      />
    </Card>
  );
}

import 'server-only';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { ExtensionSettings } from '@/lib/domain';
import { guardedChanges, parseExtensionSettings, type GuardedChange } from '@/lib/extension/settings';
import { checkRouterPlacement } from '@/lib/extension/placement';
import { withDefaultInstanceType } from '@/lib/instance-types/schema';
import type { EgressSettings } from '@/lib/clusters/schemas';
import type { DbOrTx } from '../db';
import { clusterExtensions } from '../db/schema';
import { AppError } from '../errors';
import { decryptSecret, encryptSecret } from '../secrets';
import type { KubeClient } from '../kube/client';
import { describeRef, getObject } from '../kube/apply';
import { applyPlan, applySteps, deleteSteps, failureMessage, planError, refOf, type KubeObject, type ObjectRef, type PlanStep } from '../kube/plan';
import { clusterAppError } from '../kube/errors';
import { ClusterFacts, detectExtension, type ExtensionDetection } from '../kube/cluster-facts';
import type { LeanInstanceType, LeanService, LeanWorkload } from '../kube/cache';
import { ROUTER_NAME as ROUTER_SERVICE } from '../kube/manifests/extension-router';
import { validateTls, tlsFromSecret, type TlsValidation } from '../kube/tls';
import {
  EXTENSION_NAMESPACE,
  extensionBundle,
  extensionComponents,
  redactSecrets,
  uninstallPlan,
  type ExtensionBundle,
} from '../kube/manifests/extension';
import { instanceTypeCrd, INSTANCE_TYPE_CRD_NAME } from '../kube/manifests/instance-type-crd';
import { workloadEgressPolicy } from '../kube/manifests/extension-network';
import type { RouterEndpoint } from '../kube/router/nginx-config';
import { clusterAttachments, clusterClient, extensionRow, lastProbe, liveCache, type ClusterRow, type ExtensionRow } from './clusters';

// Harbormaster's ML extension on a cluster: validate settings and TLS, refuse to install over Azure ML's
// extension, plan the install as steps (one per object, then the waits), record it, and let the installer
// (extension-installer.ts) apply it after the request's transaction commits. Uninstall deletes what the
// extension installed and keeps the InstanceType CRD (and so the users' instance types) unless purged.

/** Harbormaster's extension version, recorded on every object it applies. */
export { EXTENSION_VERSION } from '../kube/manifests/extension-common';
import { EXTENSION_VERSION } from '../kube/manifests/extension-common';

export type ExtensionStatus = 'notInstalled' | 'installing' | 'installed' | 'failed';
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface ExtensionStep {
  key: string;
  title: string;
  status: StepStatus;
  detail?: string;
  startedAt?: string;
  finishedAt?: string;
}

const tlsPurpose = (clusterId: string) => `cluster:${clusterId}:router-tls`;

/**
 * The online endpoints the inference router of a cluster routes to. There are no endpoint tables yet: the
 * online-endpoints issue reads them here from its tables; until then the router serves no endpoints.
 */
import { routerEndpoints } from './router-sync';

export interface StoredTls {
  certPem: string;
  keyPem: string;
}

export function storedTls(clusterId: string, ext: Pick<ExtensionRow, 'tlsEnc'> | undefined): StoredTls | undefined {
  if (!ext?.tlsEnc) return undefined;
  return JSON.parse(decryptSecret(ext.tlsEnc, tlsPurpose(clusterId))) as StoredTls;
}

export interface TlsInfo {
  source: 'uploaded' | 'secret';
  secretName?: string;
  subject?: string;
  sans?: string[];
  notAfter?: string;
  chain?: Array<{ subject: string; issuer: string; notAfter: string }>;
  errors: string[];
  warnings: string[];
  checkedAt: string;
}

function tlsInfoOf(source: TlsInfo['source'], v: TlsValidation, secretName?: string): TlsInfo {
  return {
    source,
    ...(secretName ? { secretName } : {}),
    subject: v.info?.subject,
    sans: v.info?.sans,
    notAfter: v.info?.notAfter,
    chain: v.info?.chain.map((c) => ({ subject: c.subject, issuer: c.issuer, notAfter: c.notAfter })),
    errors: v.errors.map((e) => e.message),
    warnings: v.warnings.map((w) => w.message),
    checkedAt: new Date().toISOString(),
  };
}

/** Whether the router serves TLS with these settings. */
export function usesTls(s: ExtensionSettings): boolean {
  return s.enableInference && !s.allowInsecureConnections;
}

export interface SslSecretRead {
  ok: boolean;
  message?: string;
  keys?: { cert: string; key: string };
  resourceVersion?: string;
  validation?: TlsValidation;
}

/** Reads and validates an existing sslSecret in azureml. */
export async function readSslSecret(client: KubeClient, name: string, cname: string | undefined): Promise<SslSecretRead> {
  const secret = await getObject<{ type?: string; data?: Record<string, string>; metadata?: { resourceVersion?: string } }>(client, {
    apiVersion: 'v1',
    kind: 'Secret',
    name,
    namespace: EXTENSION_NAMESPACE,
  });
  if (!secret) return { ok: false, message: `Secret ${EXTENSION_NAMESPACE}/${name} does not exist: create it (kubectl create secret generic ${name} -n ${EXTENSION_NAMESPACE} --from-file=cert.pem --from-file=key.pem) or upload the certificate here` };
  const r = tlsFromSecret(secret);
  if (!r.ok) return { ok: false, message: `Secret ${EXTENSION_NAMESPACE}/${name}: ${r.message}` };
  const validation = validateTls({ certPem: r.tls.certPem, keyPem: r.tls.keyPem, cname });
  return { ok: validation.ok, keys: r.tls.keys, resourceVersion: secret.metadata?.resourceVersion, validation, ...(validation.ok ? {} : { message: validation.errors.map((e) => e.message).join('; ') }) };
}

export interface BundleInput {
  settings: ExtensionSettings;
  tls?: StoredTls;
  sslSecretKeys?: { cert: string; key: string };
  tlsRevision?: string;
  endpoints?: RouterEndpoint[];
}

export function buildBundle(input: BundleInput): ExtensionBundle {
  return extensionBundle({
    settings: input.settings,
    version: EXTENSION_VERSION,
    crd: instanceTypeCrd(),
    ...(usesTls(input.settings) && !input.settings.sslSecret && input.tls ? { tls: input.tls } : {}),
    ...(input.sslSecretKeys ? { sslSecretKeys: input.sslSecretKeys } : {}),
    ...(input.tlsRevision ? { tlsRevision: input.tlsRevision } : {}),
    endpoints: input.endpoints ?? [],
  });
}

/** Every object any configuration of the extension can create (uninstall without a record of what was applied). */
export function maximalBundle(): ExtensionBundle {
  const r = parseExtensionSettings(
    { enableInference: true, inferenceRouterServiceType: 'clusterIP', sslCname: 'uninstall.invalid', installNvidiaDevicePlugin: true, inferenceRouterHA: true },
    { tlsCertificateUploaded: true },
  );
  if (!r.ok) throw new Error('maximal extension settings are invalid');
  return buildBundle({ settings: r.value, tls: { certPem: 'unused', keyPem: 'unused' } });
}

export const objectKey = (r: ObjectRef) => `${r.kind}:${r.namespace ?? ''}:${r.name}`;

/** The steps of an install, in order (keys are stable so the installer can resume them). */
export function planSteps(bundle: ExtensionBundle, prune: ObjectRef[]): ExtensionStep[] {
  const steps: ExtensionStep[] = [{ key: 'preflight', title: 'Check the cluster (reachable, no Azure ML extension, TLS secret)', status: 'pending' }];
  for (const o of bundle.objects) steps.push({ key: `apply:${objectKey(refOf(o))}`, title: `Apply ${describeRef(o)}`, status: 'pending' });
  steps.push({ key: 'crd-established', title: `Wait for CustomResourceDefinition ${INSTANCE_TYPE_CRD_NAME} to be established`, status: 'pending' });
  steps.push({
    key: 'prune',
    title: prune.length ? `Remove objects no longer needed: ${prune.map((r) => describeRef(r)).join(', ')}` : 'Remove objects no longer needed (none)',
    status: 'pending',
  });
  for (const c of extensionComponents(bundle)) {
    steps.push({ key: `rollout:${c.kind}:${c.namespace}:${c.name}`, title: `Wait for ${c.kind} ${c.namespace}/${c.name} to be ready${c.replicas ? ` (${c.replicas} replica${c.replicas === 1 ? '' : 's'})` : ''}`, status: 'pending' });
  }
  return steps;
}

/** Objects a previous install applied that the new bundle no longer has (turned-off router, device plugin, PDB …). */
export function objectsToPrune(previous: ObjectRef[], bundle: ExtensionBundle): ObjectRef[] {
  const keep = new Set(bundle.objects.map((o) => objectKey(refOf(o))));
  return previous.filter((r) => !keep.has(objectKey(r)) && r.kind !== 'CustomResourceDefinition' && r.kind !== 'Namespace');
}

/** Live detection (cluster-facts.ts: the namespace, the two CRDs, the workloads in azureml); throws when any of them cannot be read. */
export async function detectLive(client: KubeClient): Promise<ExtensionDetection & { namespaceTerminating: boolean }> {
  const presence = await new ClusterFacts(client).extension();
  if (presence.workloadsError) throw presence.workloadsError;
  return { ...presence.detection, namespaceTerminating: presence.namespaceTerminating };
}

export const TERMINATING_MESSAGE = `namespace ${EXTENSION_NAMESPACE} is being deleted (an uninstall with purge is finishing): wait until it is gone, then install again`;

/** Detection from the live cache (no API call): Azure ML's Deployments in azureml, or ours. */
export function detectFromWorkloads(workloads: LeanWorkload[], ext: ExtensionRow | undefined, probe: ExtensionDetection | undefined): ExtensionDetection['flavor'] {
  const d = detectExtension({ workloads, namespace: undefined, instanceTypeCrd: undefined });
  if (d.flavor === 'azureml' || d.flavor === 'harbormaster') return d.flavor;
  if (ext && ext.status !== 'notInstalled') return 'harbormaster';
  return probe?.flavor ?? 'none';
}

// ------------------------------------------------------------------------------------------------ workers

const w = globalThis as unknown as { __hmExtWorkers?: Map<string, Promise<void>>; __hmExtKnownOps?: Set<string> };
export const extensionWorkers = (w.__hmExtWorkers ??= new Map());
/** Operation ids this process started (so a fresh heartbeat from another replica is told apart). */
export const knownOperations = (w.__hmExtKnownOps ??= new Set());

const STALE_MS = 60_000;

/** The status people see: an install whose worker died (server restart) reads as failed with what to do. */
export function effectiveStatus(ext: ExtensionRow | undefined, now = Date.now()): { status: ExtensionStatus; interrupted: boolean } {
  if (!ext) return { status: 'notInstalled', interrupted: false };
  if (ext.status !== 'installing') return { status: ext.status, interrupted: false };
  const active = extensionWorkers.has(ext.clusterId);
  const beat = (ext.heartbeatAt ?? ext.startedAt ?? ext.updatedAt).getTime();
  if (!active && now - beat > STALE_MS) return { status: 'failed', interrupted: true };
  return { status: 'installing', interrupted: false };
}

// ---------------------------------------------------------------------------------------------------- DTO

export interface ExtensionDto {
  cluster: string;
  flavor: ExtensionDetection['flavor'];
  status: ExtensionStatus;
  operation: 'install' | 'upgrade' | 'uninstall' | null;
  version: string | null;
  /** Harbormaster's own version available to install. */
  availableVersion: string;
  settings: ExtensionSettings | null;
  tls: TlsInfo | null;
  egress: EgressSettings | null;
  steps: ExtensionStep[];
  message: string | null;
  warnings: string[];
  startedAt: string | null;
  finishedAt: string | null;
  requestedBy: string | null;
  /** Azure ML's extension detected: what we read of it. */
  azureMl?: { detail: string; components: string[]; instanceTypes: Array<{ name: string; implicit: boolean; nodeSelector: Record<string, string>; resources: unknown }> };
}

export function extensionDto(row: ClusterRow, ext: ExtensionRow | undefined, flavor: ExtensionDetection['flavor'], extra: Partial<ExtensionDto> = {}): ExtensionDto {
  const eff = effectiveStatus(ext);
  const status: ExtensionStatus = flavor === 'azureml' ? 'installed' : eff.status;
  return {
    cluster: row.name,
    flavor: flavor === 'none' && ext && ext.status !== 'notInstalled' ? 'harbormaster' : flavor,
    status,
    operation: (ext?.operation ?? null) as ExtensionDto['operation'],
    version: flavor === 'azureml' ? null : (ext?.version ?? null),
    availableVersion: EXTENSION_VERSION,
    settings: (ext?.settings as ExtensionSettings | null) ?? null,
    tls: (ext?.tlsInfo as TlsInfo | null) ?? null,
    egress: (ext?.egress as EgressSettings | null) ?? null,
    steps: (ext?.steps as ExtensionStep[] | null) ?? [],
    message: eff.interrupted ? 'the install was interrupted (the server stopped while it ran): run it again to complete it' : (ext?.message ?? null),
    warnings: (ext?.warnings as string[] | null) ?? [],
    startedAt: ext?.startedAt?.toISOString() ?? null,
    finishedAt: ext?.finishedAt?.toISOString() ?? null,
    requestedBy: ext?.requestedBy ?? null,
    ...extra,
  };
}

/** The extension as the API and the pages show it (reads the live cache; never throws for an unreachable cluster). */
export async function getExtensionView(db: DbOrTx, row: ClusterRow, opts: { waitMs?: number } = {}): Promise<ExtensionDto> {
  const ext = await extensionRow(db, row.id);
  const probe = lastProbe(row)?.extension;
  let workloads: LeanWorkload[] = [];
  let instanceTypes: LeanInstanceType[] = [];
  try {
    const cache = liveCache(row);
    const deps = cache.deployments();
    const dss = cache.daemonSets();
    await Promise.all([deps.waitSynced(opts.waitMs ?? 3000), dss.waitSynced(opts.waitMs ?? 3000)]);
    workloads = [...deps.items(), ...dss.items()];
    const flavorNow = detectFromWorkloads(workloads, ext, probe);
    if (flavorNow === 'azureml') {
      const its = cache.instanceTypes();
      await its.waitSynced(opts.waitMs ?? 3000);
      instanceTypes = its.items();
    }
  } catch {
    /* unreachable: fall back to what is stored */
  }
  const flavor = detectFromWorkloads(workloads, ext, probe);
  if (flavor === 'azureml') {
    const azure = detectExtension({ workloads, namespace: undefined, instanceTypeCrd: undefined });
    return extensionDto(row, ext, flavor, {
      azureMl: {
        detail: azure.flavor === 'azureml' ? azure.detail : (probe?.detail ?? 'the Azure ML extension is installed'),
        components: workloads.map((x) => x.name),
        instanceTypes: withDefaultInstanceType(instanceTypes).map((it) => ({ name: it.name, implicit: it.implicit, nodeSelector: it.nodeSelector, resources: it.resources })),
      },
    });
  }
  if (flavor === 'harbormaster' && (!ext || ext.status === 'notInstalled') && workloads.some((x) => x.labels['app.kubernetes.io/part-of'] === 'harbormaster-ml-extension')) {
    const version = workloads.map((x) => x.labels['harbormaster.io/extension-version']).find(Boolean) ?? null;
    return extensionDto(row, ext, flavor, {
      status: 'installed',
      version,
      message: 'Harbormaster\'s extension is installed, but not from this registration (another Harbormaster, or before the cluster was registered here): run the install to manage its settings here',
    });
  }
  return extensionDto(row, ext, flavor);
}

// ---------------------------------------------------------------------------------------------- install

export interface PrepareInstallInput {
  settings: Record<string, unknown>;
  tls?: StoredTls;
  removeTls?: boolean;
  egress?: EgressSettings;
  confirm?: boolean;
}

export interface PreparedInstall {
  extension: ExtensionDto;
  guardedChanges: GuardedChange[];
  warnings: string[];
  /** Dry run: the objects that would be applied (Secret values redacted) and the API server's verdict on each. */
  objects?: KubeObject[];
  dryRunResults?: Array<{ object: string; ok: boolean; message?: string }>;
  /** Set when the installer must run (not in dry run). */
  operationId?: string;
  audit: { before: unknown; after: unknown };
}

function settingsAudit(ext: { settings?: unknown; tlsInfo?: unknown; egress?: unknown; status?: string; version?: string | null } | undefined) {
  if (!ext) return null;
  const tls = ext.tlsInfo as TlsInfo | null | undefined;
  return { status: ext.status, version: ext.version ?? null, settings: ext.settings ?? null, egress: ext.egress ?? null, tls: tls ? { source: tls.source, subject: tls.subject, notAfter: tls.notAfter, sans: tls.sans } : null };
}

/** Refuses a second install/upgrade while one runs here or on another replica (checked before and in the transaction). */
function assertNoInstallRunning(row: ClusterRow, ext: ExtensionRow | undefined) {
  if (extensionWorkers.has(row.id)) {
    throw new AppError('conflict', `an ${ext?.operation ?? 'install'} of the extension on ${row.name} is running: wait for it to finish (see its progress on the Extension tab)`);
  }
  if (ext?.status === 'installing' && ext.operationId && !knownOperations.has(ext.operationId) && ext.heartbeatAt && Date.now() - ext.heartbeatAt.getTime() < 30_000) {
    throw new AppError('conflict', `an install of the extension on ${row.name} is running on another Harbormaster replica: wait for it to finish`);
  }
}

/** An install/upgrade validated against the cluster, ready to be recorded (recordInstall) or answered as a dry run. */
export interface InstallPlan {
  /** The answer of a dry run (the API server's verdicts included). */
  dryRun?: PreparedInstall;
  settings: ExtensionSettings;
  tlsInfo: TlsInfo | null;
  keepStoredTls: boolean;
  egress: EgressSettings | null;
  steps: ExtensionStep[];
  changes: GuardedChange[];
  warnings: string[];
  operation: 'install' | 'upgrade';
}

/**
 * Validates an install/upgrade: settings, TLS, detection of what runs on the cluster, the plan of steps, and for a
 * dry run the API server's verdicts. Every cluster read happens here, before the action's transaction (DESIGN §3:
 * the action's prepare()); recordInstall then records it inside the transaction.
 */
export async function planInstall(db: DbOrTx, row: ClusterRow, input: PrepareInstallInput, opts: { dryRun: boolean }): Promise<InstallPlan> {
  const ext = await extensionRow(db, row.id);
  assertNoInstallRunning(row, ext);

  const client = clusterClient(row);
  try {
    let detection: Awaited<ReturnType<typeof detectLive>>;
    try {
      detection = await detectLive(client);
    } catch (e) {
      throw clusterAppError(e, row.name);
    }
    if (detection.flavor === 'azureml') {
      throw new AppError('conflict', `${detection.detail}. Harbormaster uses it as it is and never installs its own extension over it; manage it with az k8s-extension.`);
    }
    if (detection.namespaceTerminating) throw new AppError('conflict', TERMINATING_MESSAGE);

    const stored = storedTls(row.id, ext);
    const settingsHaveSecret = typeof input.settings.sslSecret === 'string' && input.settings.sslSecret !== '';
    const keepStored = !!stored && !input.removeTls && !settingsHaveSecret && !input.tls;
    const uploaded = input.tls ?? (keepStored ? stored : undefined);
    const probe = lastProbe(row);
    const parsed = parseExtensionSettings(input.settings, {
      tlsCertificateUploaded: !!uploaded,
      clusterNetwork: probe?.network ? { serviceCidrs: probe.network.serviceCidrs, podCidrs: probe.network.podCidrs } : undefined,
    });
    if (!parsed.ok) {
      throw new AppError('bad_request', parsed.errors.map((e) => `settings.${e.path}: ${e.message}`).join('; '), {
        fieldErrors: parsed.errors.map((e) => ({ path: `settings.${e.path}`, message: e.message })),
      });
    }
    const settings = parsed.value;
    const warnings = [...parsed.warnings];

    // TLS: validated before anything is applied (an uploaded pair is checked even while the router serves HTTP).
    let tlsInfo: TlsInfo | null = null;
    let sslSecret: SslSecretRead | undefined;
    if (usesTls(settings) && settings.sslSecret) {
      try {
        sslSecret = await readSslSecret(client, settings.sslSecret, settings.sslCname);
      } catch (e) {
        throw clusterAppError(e, row.name);
      }
      if (!sslSecret.ok) throw new AppError('bad_request', `settings.sslSecret: ${sslSecret.message}`, { fieldErrors: [{ path: 'settings.sslSecret', message: sslSecret.message! }] });
      tlsInfo = tlsInfoOf('secret', sslSecret.validation!, settings.sslSecret);
    } else if (uploaded) {
      const v = validateTls({ certPem: uploaded.certPem, keyPem: uploaded.keyPem, cname: usesTls(settings) ? settings.sslCname : undefined });
      if (!v.ok) {
        const keyCodes = new Set(['key_missing', 'key_parse', 'key_encrypted', 'key_mismatch', 'key_too_small']);
        const fieldErrors = v.errors.map((e) => ({ path: e.code === 'cname_mismatch' ? 'settings.sslCname' : keyCodes.has(e.code) ? 'tls.keyPem' : 'tls.certPem', message: e.message }));
        throw new AppError('bad_request', `${input.tls ? 'the uploaded certificate' : 'the stored certificate'} cannot be used: ${v.errors.map((e) => e.message).join('; ')}`, { fieldErrors });
      }
      tlsInfo = tlsInfoOf('uploaded', v);
    }
    if (usesTls(settings)) warnings.push(...(tlsInfo?.warnings ?? []));

    if (detection.flavor === 'foreign') warnings.push(`${detection.detail}: the install takes them over`);
    if (settings.imagePullSecret) {
      const pull = detection.namespaceExists
        ? await getObject(client, { apiVersion: 'v1', kind: 'Secret', name: settings.imagePullSecret, namespace: EXTENSION_NAMESPACE }).catch(() => undefined)
        : undefined;
      if (!pull) {
        warnings.push(`imagePullSecret: Secret ${EXTENSION_NAMESPACE}/${settings.imagePullSecret} does not exist yet: create it (kubectl create secret docker-registry ${settings.imagePullSecret} -n ${EXTENSION_NAMESPACE} …) or the router pods stay in ImagePullBackOff`);
      }
    }

    // Router placement (Azure ML: E40002 after a failed install; here before anything is applied).
    if (settings.enableInference) {
      try {
        const nodesInf = liveCache(row).nodes();
        if (await nodesInf.waitSynced(3000)) {
          const placement = checkRouterPlacement(settings, nodesInf.items().map((n) => ({ name: n.name, labels: n.labels, taints: n.taints, unschedulable: n.unschedulable, ready: n.ready })));
          if (!placement.ok) warnings.push(`router placement: ${placement.message}`);
        }
      } catch {
        /* checked again by the health checks */
      }
    }

    const previous = (ext?.settings as ExtensionSettings | null) ?? null;
    const changes = previous && ext && ext.status !== 'notInstalled' ? guardedChanges(previous, settings) : [];
    if (changes.length && !input.confirm && !opts.dryRun) {
      const list = changes.map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} (${c.consequence})`).join('; ');
      throw new AppError('bad_request', `these changes disturb live workloads and need confirm: true — ${list}`, {
        fieldErrors: [{ path: 'confirm', message: `confirm ${changes.length} change${changes.length === 1 ? '' : 's'} that disturb live workloads` }],
      });
    }
    if (input.egress?.enabled) {
      try {
        warnings.push(...workloadEgressPolicy({ namespace: 'preview', allowCidrs: input.egress.allowCidrs, allowHosts: input.egress.allowHosts, proxy: settings.proxy, registry: settings.imageRegistry }).warnings);
      } catch (e) {
        throw new AppError('bad_request', `egress: ${(e as Error).message}`, { fieldErrors: [{ path: 'egress.allowCidrs', message: (e as Error).message }] });
      }
    }

    const bundle = buildBundle({
      settings,
      tls: uploaded,
      sslSecretKeys: sslSecret?.keys,
      tlsRevision: sslSecret?.resourceVersion,
      endpoints: await routerEndpoints(db, row.id),
    });
    warnings.push(...bundle.warnings);
    const appliedBefore = ((ext?.applied as ObjectRef[] | null) ?? []).length ? (ext!.applied as ObjectRef[]) : detection.flavor === 'harbormaster' ? maximalBundle().objects.map(refOf) : [];
    const prune = objectsToPrune(appliedBefore, bundle);
    const steps = planSteps(bundle, prune);
    const operation: 'install' | 'upgrade' = ext && ext.status === 'installed' ? 'upgrade' : 'install';
    const before = settingsAudit(ext);
    const egress = input.egress ?? (ext?.egress as EgressSettings | null) ?? null;

    if (opts.dryRun) {
      // The API server's verdict on every object it can judge now (objects in a namespace the install creates
      // cannot be checked before it exists).
      const checkable = bundle.objects.filter((o) => !o.metadata.namespace || detection.namespaceExists);
      const r = await applyPlan(client, applySteps(checkable), { dryRun: true });
      if (r.unreachable) throw clusterAppError(planError(r), row.name);
      const verdicts = new Map(checkable.map((o, i) => [o, r.verdicts[i]]));
      const dryRunResults: PreparedInstall['dryRunResults'] = bundle.objects.map((o) => {
        const v = verdicts.get(o);
        if (!v) return { object: describeRef(o), ok: true, message: `not checked: namespace ${o.metadata.namespace} is created by the install` };
        return v.outcome === 'refused' ? { object: v.object, ok: false, message: failureMessage(v) } : { object: v.object, ok: true };
      });
      const preview = extensionDto(row, ext, 'harbormaster', { settings, tls: tlsInfo, egress, steps, status: ext ? effectiveStatus(ext).status : 'notInstalled', operation, warnings });
      const answer = { extension: preview, guardedChanges: changes, warnings, objects: redactSecrets(bundle.objects), dryRunResults, audit: { before, after: null } };
      return { dryRun: answer, settings, tlsInfo, keepStoredTls: keepStored, egress, steps, changes, warnings, operation };
    }

    return { settings, tlsInfo, keepStoredTls: keepStored, egress, steps, changes, warnings, operation };
  } finally {
    client.close();
  }
}

/**
 * Records a planned install/upgrade (status installing, all steps pending) inside the action's transaction; the
 * installer runs it after commit. A dry run answers the plan's preview and records nothing.
 */
export async function recordInstall(tx: DbOrTx, row: ClusterRow, plan: InstallPlan, input: PrepareInstallInput, opts: { dryRun: boolean; requestedBy: string }): Promise<PreparedInstall> {
  const ext = await extensionRow(tx, row.id);
  assertNoInstallRunning(row, ext);
  if (plan.dryRun) return plan.dryRun;
  const { settings, tlsInfo, egress, steps, changes, warnings, operation } = plan;
  const before = settingsAudit(ext);
  const keepStored = plan.keepStoredTls;
  const operationId = randomUUID();
  const now = new Date();
  const values = {
    status: 'installing' as const,
    operation,
    operationId,
    settings,
    tlsEnc: input.tls ? encryptSecret(JSON.stringify(input.tls), tlsPurpose(row.id)) : keepStored ? (ext?.tlsEnc ?? null) : null,
    tlsInfo,
    egress,
    steps,
    message: null,
    warnings,
    requestedBy: opts.requestedBy,
    startedAt: now,
    finishedAt: null,
    heartbeatAt: now,
    updatedAt: now,
  };
  const [saved] = ext
    ? await tx.update(clusterExtensions).set(values).where(eq(clusterExtensions.clusterId, row.id)).returning()
    : await tx.insert(clusterExtensions).values({ clusterId: row.id, applied: [], ...values }).returning();
  knownOperations.add(operationId);
  return {
    extension: extensionDto(row, saved, 'harbormaster'),
    guardedChanges: changes,
    warnings,
    operationId,
    audit: { before, after: settingsAudit({ ...saved, status: 'installing', version: EXTENSION_VERSION }) },
  };
}

// -------------------------------------------------------------------------------------------- uninstall

export interface UninstallResult {
  extension: ExtensionDto;
  /** The deletes, carried out after commit by the action's intent. */
  steps: PlanStep[];
  deleted: string[];
  alreadyGone: string[];
  kept: Array<{ object: string; reason: string }>;
  purge: boolean;
  message: string;
  audit: { before: unknown; after: unknown };
}

/** Everything we ever applied plus every object any configuration creates: nothing is left behind. */
function uninstallPlanOf(ext: ExtensionRow | undefined, purge: boolean) {
  const refs = new Map<string, ObjectRef>();
  for (const r of [...(((ext?.applied as ObjectRef[] | null) ?? [])), ...maximalBundle().objects.map(refOf)]) refs.set(objectKey(r), r);
  const stub: ExtensionBundle = { version: EXTENSION_VERSION, warnings: [], objects: [...refs.values()].map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } })) };
  const plan = uninstallPlan(stub, { purge });
  return { plan, steps: deleteSteps(plan.delete) };
}

/** What an uninstall needs from the cluster — what runs there and, for a dry run, the API server's verdicts — read before the action's transaction (DESIGN §3). */
export interface UninstallFacts {
  detection: Awaited<ReturnType<typeof detectLive>>;
  /** Dry run: which of the deletes the API server would carry out. */
  dryRun?: { deleted: string[]; alreadyGone: string[] };
}

export async function inspectUninstall(db: DbOrTx, row: ClusterRow, opts: { purge: boolean; dryRun: boolean }): Promise<UninstallFacts> {
  const client = clusterClient(row);
  try {
    let detection: UninstallFacts['detection'];
    try {
      detection = await detectLive(client);
    } catch (e) {
      throw clusterAppError(e, row.name);
    }
    if (!opts.dryRun) return { detection };
    const { steps } = uninstallPlanOf(await extensionRow(db, row.id), opts.purge);
    const r = await applyPlan(client, steps, { dryRun: true, timeoutMs: 8000 });
    if (r.unreachable) throw new AppError('upstream_unavailable', `cluster ${row.name}: ${r.message}`);
    const out = { deleted: [] as string[], alreadyGone: [] as string[] };
    for (const v of r.verdicts) (v.outcome === 'deleted' ? out.deleted : out.alreadyGone).push(v.object);
    return { detection, dryRun: out };
  } finally {
    client.close();
  }
}

/** Deletes what the extension installed (all of it with purge). Quick deletes only: the API server finishes them. */
export async function uninstallExtension(tx: DbOrTx, row: ClusterRow, opts: { purge: boolean; dryRun: boolean }, facts: UninstallFacts): Promise<UninstallResult> {
  const ext = await extensionRow(tx, row.id);
  if (extensionWorkers.has(row.id)) throw new AppError('conflict', `an ${ext?.operation ?? 'install'} of the extension on ${row.name} is running: wait for it to finish`);
  const { detection } = facts;
  if (detection.flavor === 'azureml') {
    throw new AppError('conflict', `${detection.detail}: Harbormaster did not install it and does not uninstall it (use az k8s-extension delete)`);
  }
  if (detection.flavor === 'none' && (!ext || ext.status === 'notInstalled')) {
    throw new AppError('conflict', `no Harbormaster extension is installed on ${row.name}`);
  }
  if (opts.purge) {
    const attached = await clusterAttachments(tx, row.id);
    if (attached.length) {
      throw new AppError('conflict', `purging removes the workload role that ${attached.length} compute target(s) use: detach ${attached.map((a) => `${a.workspace}/${a.name}`).join(', ')} first, or uninstall without purge`);
    }
  }
  // The deletes are carried out after commit (the action declares them); a dry run asked the API server (inspectUninstall).
  const { plan, steps } = uninstallPlanOf(ext, opts.purge);
  const deleted: string[] = [];
  const alreadyGone: string[] = [];
  if (opts.dryRun) {
    deleted.push(...(facts.dryRun?.deleted ?? []));
    alreadyGone.push(...(facts.dryRun?.alreadyGone ?? []));
  } else {
    deleted.push(...plan.delete.map((ref) => describeRef(ref)));
  }
  const kept = plan.keep.map((k) => ({ object: describeRef(k.ref), reason: k.reason }));
  const message = opts.purge
    ? `the extension was removed with purge: the InstanceType CRD and with it every InstanceType on ${row.name}, the workload ClusterRole and namespace ${EXTENSION_NAMESPACE} are deleted`
    : `the extension was removed; kept: ${kept.map((k) => k.object).join(', ')} (your instance types stay; uninstall with purge to delete them too)`;
  const before = settingsAudit(ext);
  let saved = ext;
  if (!opts.dryRun) {
    const now = new Date();
    const values = {
      status: 'notInstalled' as const,
      operation: 'uninstall' as const,
      operationId: randomUUID(),
      version: null,
      applied: [],
      steps: [],
      message,
      warnings: [],
      startedAt: now,
      finishedAt: now,
      heartbeatAt: null,
      updatedAt: now,
    };
    [saved] = ext
      ? await tx.update(clusterExtensions).set(values).where(eq(clusterExtensions.clusterId, row.id)).returning()
      : await tx.insert(clusterExtensions).values({ clusterId: row.id, ...values }).returning();
  }
  return {
    extension: extensionDto(row, saved, opts.dryRun ? detection.flavor : 'none'),
    steps,
    deleted,
    alreadyGone,
    kept,
    purge: opts.purge,
    message: opts.dryRun ? `dry run: ${message}` : message,
    audit: { before, after: { status: 'notInstalled', purge: opts.purge, deleted, kept: kept.map((k) => k.object) } },
  };
}

/** What Harbormaster applies with the stored settings (the YAML tab): Secret values redacted. */
export async function appliedObjects(db: DbOrTx, row: ClusterRow): Promise<KubeObject[]> {
  const ext = await extensionRow(db, row.id);
  if (!ext?.settings || ext.status === 'notInstalled') return [];
  const settings = ext.settings as ExtensionSettings;
  const tls = storedTls(row.id, ext);
  const bundle = buildBundle({ settings, tls, endpoints: await routerEndpoints(db, row.id) });
  const egress = ext.egress as EgressSettings | null;
  const objects = redactSecrets(bundle.objects);
  if (egress?.enabled) {
    try {
      objects.push(...workloadEgressPolicy({ namespace: '<compute-namespace>', allowCidrs: egress.allowCidrs, allowHosts: egress.allowHosts, proxy: settings.proxy, registry: settings.imageRegistry }).policies);
    } catch {
      /* invalid stored egress: shown by the form */
    }
  }
  return objects;
}

/**
 * The egress NetworkPolicy for a compute namespace of this cluster, or none when the policy is off (for the
 * compute-target issue, which applies it when a target is attached).
 */
export async function workloadEgressFor(db: DbOrTx, row: ClusterRow, namespace: string, apiServer?: string) {
  const ext = await extensionRow(db, row.id);
  const egress = ext?.egress as EgressSettings | null;
  if (!egress?.enabled || !ext?.settings) return { policies: [] as KubeObject[], warnings: [] as string[] };
  const settings = ext.settings as ExtensionSettings;
  return workloadEgressPolicy({ namespace, allowCidrs: egress.allowCidrs, allowHosts: egress.allowHosts, proxy: settings.proxy, registry: settings.imageRegistry, apiServer });
}

export interface RouterAddress {
  /** Base of scoring URIs: https://<sslCname>, or the Service's address. */
  baseUrl: string | null;
  /** How clients reach it, in words. */
  detail: string;
  serviceType: string | null;
  clusterIP: string | null;
  externalAddress: string | null;
  nodePort: number | null;
}

/** Where the router answers: https://<sslCname> with TLS, else the azureml-fe Service's address (from the live cache). */
export async function routerAddress(row: ClusterRow, settings: ExtensionSettings | null): Promise<RouterAddress> {
  const none: RouterAddress = { baseUrl: null, detail: 'inference is not enabled', serviceType: null, clusterIP: null, externalAddress: null, nodePort: null };
  if (!settings?.enableInference) return none;
  const scheme = usesTls(settings) ? 'https' : 'http';
  // From the live cache's informer on the extension namespace's Services (no API call per page or list).
  let svc: LeanService | undefined;
  try {
    const services = liveCache(row).extensionServices();
    svc = (await services.waitSynced(5000)) ? services.items().find((x) => x.name === ROUTER_SERVICE) : undefined;
  } catch {
    /* no client for this cluster: answer from the settings */
  }
  const external = svc?.externalAddress ?? null;
  const nodePort = svc?.nodePort ?? null;
  const base: RouterAddress = { ...none, serviceType: svc?.type ?? null, clusterIP: svc?.clusterIP ?? null, externalAddress: external, nodePort };
  if (usesTls(settings) && settings.sslCname) {
    return { ...base, baseUrl: `https://${settings.sslCname}`, detail: `clients use https://${settings.sslCname}: point its DNS record at ${external ?? (nodePort ? `a node on port ${nodePort}` : 'the router Service')}` };
  }
  if (settings.inferenceRouterServiceType === 'loadBalancer') {
    return external
      ? { ...base, baseUrl: `${scheme}://${external}`, detail: `the load balancer's address${settings.internalLoadBalancerProvider ? ' (internal)' : ''}` }
      : { ...base, detail: 'the load balancer has no address yet (pending; clusters without a load-balancer controller never assign one)' };
  }
  if (settings.inferenceRouterServiceType === 'nodePort') {
    return { ...base, baseUrl: nodePort ? `${scheme}://<node-address>:${nodePort}` : null, detail: nodePort ? `any node's address on port ${nodePort}` : 'the node port is not assigned yet' };
  }
  return { ...base, baseUrl: `${scheme}://azureml-fe.${EXTENSION_NAMESPACE}.svc`, detail: 'inside the cluster only (clusterIP): expose it with your own ingress or load balancer' };
}

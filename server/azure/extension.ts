import 'server-only';
import { eq } from 'drizzle-orm';
import type { ExtensionSettings } from '@/lib/domain';
import { DEFAULT_ROUTER_IMAGE, parseExtensionSettings, toAzureConfigurationSettings } from '@/lib/extension/settings';
import type { DbOrTx } from '../db';
import { clusterAzureExtensions, clusters } from '../db/schema';
import { AppError } from '../errors';
import { decryptSecret, encryptSecret } from '../secrets';
import { validateTls } from '../kube/tls';
import type { ClusterRow } from '../services/clusters';
import { extensionRow } from '../services/clusters';
import { effectiveStatus } from '../services/extension';
import { parseArmId } from './discovery';

// The real Microsoft.AzureML.Kubernetes extension of an AKS or Arc cluster, installed through Azure Resource Manager
// (@azure/arm-kubernetesconfiguration): the settings form is Harbormaster's own (lib/extension/settings.ts, Azure ML's
// names) mapped to ARM's configurationSettings; the router's TLS certificate and key go as
// configurationProtectedSettings, stored here only encrypted (bound to the cluster id) and never shown — only their
// names. The change itself runs after commit (effects-extension.ts); this module holds its record and its checks.

export type AzureExtensionRow = typeof clusterAzureExtensions.$inferSelect;

export const AZURE_ML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';
export const AZURE_ML_EXTENSION_NAME = 'azureml';
export const AZURE_ML_RELEASE_NAMESPACE = 'azureml';

const protectedPurpose = (clusterId: string) => `cluster:${clusterId}:azureml-protected`;

export interface ProtectedTls {
  certPem: string;
  keyPem: string;
}

/** Where the extension lives in ARM: the cluster's subscription, resource group, RP and resource type. */
export interface ArmExtensionTarget {
  subscriptionId: string;
  resourceGroup: string;
  clusterRp: 'Microsoft.ContainerService' | 'Microsoft.Kubernetes';
  clusterResourceName: 'managedClusters' | 'connectedClusters';
  clusterName: string;
}

export function armExtensionTarget(row: Pick<ClusterRow, 'name' | 'azureResourceId'>): ArmExtensionTarget {
  if (!row.azureResourceId) {
    throw new AppError('bad_request', `cluster ${row.name} was not registered from Azure (it has no ARM resource id): Azure ML's extension is installed through ARM on AKS and Arc clusters registered with POST /api/v1/clusters/from-azure`);
  }
  const id = parseArmId(row.azureResourceId);
  const type = `${id.provider}/${id.type}`.toLowerCase();
  if (type === 'microsoft.containerservice/managedclusters') return { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup, clusterRp: 'Microsoft.ContainerService', clusterResourceName: 'managedClusters', clusterName: id.name };
  if (type === 'microsoft.kubernetes/connectedclusters') return { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup, clusterRp: 'Microsoft.Kubernetes', clusterResourceName: 'connectedClusters', clusterName: id.name };
  throw new AppError('bad_request', `${row.azureResourceId} is neither an AKS nor an Azure Arc cluster`);
}

export async function azureExtensionRow(db: DbOrTx, clusterId: string): Promise<AzureExtensionRow | undefined> {
  const [r] = await db.select().from(clusterAzureExtensions).where(eq(clusterAzureExtensions.clusterId, clusterId)).limit(1);
  return r;
}

export function storedProtectedTls(rec: Pick<AzureExtensionRow, 'clusterId' | 'protectedEnc'> | undefined): ProtectedTls | undefined {
  if (!rec?.protectedEnc) return undefined;
  return JSON.parse(decryptSecret(rec.protectedEnc, protectedPurpose(rec.clusterId))) as ProtectedTls;
}

/**
 * Azure ML's protected settings for the router's certificate: the CLI (k8s-extension, AzureMLKubernetes.py) reads the
 * sslCertPemFile / sslKeyPemFile files and sends their content base64-encoded as scoringFe.sslCert / scoringFe.sslKey.
 */
export function protectedSettingsOf(tls: ProtectedTls | undefined): Record<string, string> | undefined {
  if (!tls) return undefined;
  return { 'scoringFe.sslCert': Buffer.from(tls.certPem, 'utf8').toString('base64'), 'scoringFe.sslKey': Buffer.from(tls.keyPem, 'utf8').toString('base64') };
}
export const PROTECTED_NAMES = ['scoringFe.sslCert', 'scoringFe.sslKey'];

/** Settings only Harbormaster's own extension has (its router image, registry mirror, proxy): refused for Azure ML's. */
function harbormasterOnly(raw: Record<string, unknown>, s: ExtensionSettings): Array<{ path: string; message: string }> {
  const out: Array<{ path: string; message: string }> = [];
  const why = 'is a setting of Harbormaster\'s own extension; Azure ML\'s extension has no such setting';
  if (raw.routerImage !== undefined && raw.routerImage !== '' && s.routerImage !== DEFAULT_ROUTER_IMAGE) out.push({ path: 'settings.routerImage', message: `routerImage ${why}` });
  if (s.imageRegistry) out.push({ path: 'settings.imageRegistry', message: `imageRegistry ${why}` });
  if (s.imagePullSecret) out.push({ path: 'settings.imagePullSecret', message: `imagePullSecret ${why}` });
  if (s.proxy && Object.values(s.proxy).some(Boolean)) out.push({ path: 'settings.proxy', message: `proxy ${why} (on Arc set the proxy with az connectedk8s connect --proxy-*; on AKS at cluster level)` });
  return out;
}

export interface CheckedAzureSettings {
  settings: ExtensionSettings;
  configurationSettings: Record<string, string>;
  tlsInfo: { subject: string; sans: string[]; notAfter: string } | null;
  warnings: string[];
}

/** The same schema as Harbormaster's extension (field errors under settings.* / tls.*), then ARM's flat settings. */
export function checkAzureSettings(raw: Record<string, unknown>, tls: ProtectedTls | undefined): CheckedAzureSettings {
  const parsed = parseExtensionSettings(raw, { tlsCertificateUploaded: !!tls });
  if (!parsed.ok) {
    throw new AppError('bad_request', parsed.errors.map((e) => `settings.${e.path}: ${e.message}`).join('; '), { fieldErrors: parsed.errors.map((e) => ({ path: `settings.${e.path}`, message: e.message })) });
  }
  const refused = harbormasterOnly(raw, parsed.value);
  if (refused.length) throw new AppError('bad_request', refused.map((r) => `${r.path}: ${r.message}`).join('; '), { fieldErrors: refused });
  const settings = parsed.value;
  let tlsInfo: CheckedAzureSettings['tlsInfo'] = null;
  const warnings = [...parsed.warnings];
  if (tls) {
    const usesTls = settings.enableInference && !settings.allowInsecureConnections;
    const v = validateTls({ certPem: tls.certPem, keyPem: tls.keyPem, cname: usesTls ? settings.sslCname : undefined });
    if (!v.ok) {
      const keyCodes = new Set(['key_missing', 'key_parse', 'key_encrypted', 'key_mismatch', 'key_too_small']);
      throw new AppError('bad_request', `the certificate cannot be used: ${v.errors.map((e) => e.message).join('; ')}`, {
        fieldErrors: v.errors.map((e) => ({ path: e.code === 'cname_mismatch' ? 'settings.sslCname' : keyCodes.has(e.code) ? 'tls.keyPem' : 'tls.certPem', message: e.message })),
      });
    }
    warnings.push(...v.warnings.map((w) => w.message));
    if (v.info) tlsInfo = { subject: v.info.subject, sans: v.info.sans, notAfter: v.info.notAfter };
  }
  return { settings, configurationSettings: toAzureConfigurationSettings(settings), tlsInfo, warnings };
}

/**
 * Azure ML's extension is never installed over Harbormaster's (nor the reverse, see clusters.extension.install):
 * refused when Harbormaster's extension is recorded as installed here, or detected on the cluster.
 */
export async function assertNoHarbormasterExtension(db: DbOrTx, row: ClusterRow, liveFlavor: string | undefined): Promise<void> {
  const ext = await extensionRow(db, row.id);
  const recorded = ext ? effectiveStatus(ext).status : 'notInstalled';
  if (recorded !== 'notInstalled' || liveFlavor === 'harbormaster') {
    throw new AppError('conflict', `cluster ${row.name} has Harbormaster's ML extension${recorded !== 'notInstalled' ? ` (${recorded})` : ' (found on the cluster)'}: Azure ML's extension is never installed over it. Uninstall Harbormaster's extension first (DELETE /api/v1/clusters/${row.name}/extension) to switch.`);
  }
}

export interface AzureExtensionValues {
  operation: 'install' | 'update' | 'remove';
  checked?: CheckedAzureSettings;
  /** New protected settings (replace the stored ones); undefined keeps them. */
  tls?: ProtectedTls;
  requestedBy: string;
}

/** Records the operation (state pending) and the provider choice in the action's transaction. */
export async function recordAzureExtensionOperation(tx: DbOrTx, row: ClusterRow, v: AzureExtensionValues): Promise<AzureExtensionRow> {
  const now = new Date();
  const patch = {
    operation: v.operation,
    state: 'pending' as const,
    lroState: null,
    lastError: null,
    requestedBy: v.requestedBy,
    startedAt: now,
    finishedAt: null,
    updatedAt: now,
    ...(v.checked ? { settings: v.checked.settings, configurationSettings: v.checked.configurationSettings } : {}),
    ...(v.tls ? { protectedEnc: encryptSecret(JSON.stringify(v.tls), protectedPurpose(row.id)), protectedNames: PROTECTED_NAMES, tlsInfo: v.checked?.tlsInfo ?? null } : {}),
  };
  const [r] = await tx
    .insert(clusterAzureExtensions)
    .values({ clusterId: row.id, extensionName: AZURE_ML_EXTENSION_NAME, ...patch })
    .onConflictDoUpdate({ target: clusterAzureExtensions.clusterId, set: patch })
    .returning();
  if (v.operation !== 'remove' && row.extensionProvider !== 'azureml') await tx.update(clusters).set({ extensionProvider: 'azureml' }).where(eq(clusters.id, row.id));
  return r;
}

/** What anyone with clusters.read may see: no protected value, only the names of the protected settings. */
export function azureExtensionDto(row: Pick<ClusterRow, 'name' | 'extensionProvider' | 'azureResourceId'>, rec: AzureExtensionRow | undefined) {
  return {
    cluster: row.name,
    provider: row.extensionProvider ?? null,
    resourceId: row.azureResourceId ?? null,
    extensionType: AZURE_ML_EXTENSION_TYPE,
    extensionName: rec?.extensionName ?? AZURE_ML_EXTENSION_NAME,
    installed: !!rec && rec.provisioningState !== null && !(rec.operation === 'remove' && rec.state === 'succeeded'),
    operation: rec?.operation ?? null,
    /** Harbormaster's view: pending (recorded, not sent yet), running (ARM's operation runs), succeeded, failed. */
    state: rec?.state ?? 'none',
    provisioningState: rec?.provisioningState ?? null,
    statuses: rec?.statuses ?? [],
    settings: (rec?.settings as ExtensionSettings | null) ?? null,
    configurationSettings: rec?.configurationSettings ?? null,
    protectedSettings: rec?.protectedNames ?? [],
    tls: (rec?.tlsInfo as CheckedAzureSettings['tlsInfo']) ?? null,
    version: rec?.version ?? null,
    lastError: rec?.lastError ?? null,
    requestedBy: rec?.requestedBy ?? null,
    startedAt: rec?.startedAt?.toISOString() ?? null,
    finishedAt: rec?.finishedAt?.toISOString() ?? null,
  };
}
export type AzureExtensionDto = ReturnType<typeof azureExtensionDto>;

export async function getAzureExtensionView(db: DbOrTx, row: ClusterRow): Promise<AzureExtensionDto> {
  return azureExtensionDto(row, await azureExtensionRow(db, row.id));
}

export async function updateAzureExtensionRow(db: DbOrTx, clusterId: string, patch: Partial<typeof clusterAzureExtensions.$inferInsert>): Promise<void> {
  await db.update(clusterAzureExtensions).set({ ...patch, updatedAt: new Date() }).where(eq(clusterAzureExtensions.clusterId, clusterId));
}

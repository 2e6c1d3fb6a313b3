import 'server-only';
import fs from 'node:fs';
import { can, type Principal } from '@/lib/rbac/permissions';
import { PYTHON_TOKEN_EXPIRES_IN, pythonTokenName } from '@/lib/aml/python-snippet';
import type { DbOrTx } from '../db';
import { env, type Env } from '../env';
import { getWorkspace } from '../services/workspaces';
import { ARM_ROUTES } from './routes';
import type { ArmRoute } from './http';

// What the workspace's "Use from Python" page shows (app/(console)/w/[workspace]/python): where the SDK reaches
// the Azure ML–compatible API, which CA to trust, whether the person may create the token, and what the API
// serves — read from the route table, so the page never promises a call the console does not answer.

export type ArmUrlSource = 'config' | 'request' | 'public-url' | 'https-listener';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The ARM base URL (https://…/arm/) SDK users should use, first match wins: HARBORMASTER_PUBLIC_ARM_URL; the page's
 * own origin when it is https; an https HARBORMASTER_PUBLIC_URL; the console's HTTPS listener
 * (HARBORMASTER_HTTPS_PORT) on HARBORMASTER_HTTPS_HOST, or — when that listens on every interface or is unset — on
 * the host name the page was opened with. null: the console serves no HTTPS the SDK could use.
 */
export function armUrlFor(e: Pick<Env, 'HARBORMASTER_PUBLIC_ARM_URL' | 'HARBORMASTER_PUBLIC_URL' | 'HARBORMASTER_HTTPS_PORT' | 'HARBORMASTER_HTTPS_HOST'>, requestOrigin?: string): { url: string; source: ArmUrlSource } | null {
  if (e.HARBORMASTER_PUBLIC_ARM_URL) return { url: e.HARBORMASTER_PUBLIC_ARM_URL, source: 'config' };
  const origin = requestOrigin && URL.canParse(requestOrigin) ? new URL(requestOrigin) : undefined;
  if (origin?.protocol === 'https:') return { url: `${origin.origin}/arm/`, source: 'request' };
  if (e.HARBORMASTER_PUBLIC_URL?.startsWith('https://')) return { url: `${new URL(e.HARBORMASTER_PUBLIC_URL).origin}/arm/`, source: 'public-url' };
  if (e.HARBORMASTER_HTTPS_PORT) {
    const configured = e.HARBORMASTER_HTTPS_HOST?.trim() ?? '';
    let host = WILDCARD_HOSTS.has(configured) ? (origin?.hostname ?? 'localhost') : configured;
    if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
    const url = new URL(`https://${host}/arm/`);
    url.port = String(e.HARBORMASTER_HTTPS_PORT);
    return { url: url.toString(), source: 'https-listener' };
  }
  return null;
}

/** The private CA to trust (HARBORMASTER_TLS_CA_FILE): its path and PEM; an unreadable file is said, not hidden. */
export function privateCa(e: Pick<Env, 'HARBORMASTER_TLS_CA_FILE'>): { file: string; pem: string | null } | null {
  const file = e.HARBORMASTER_TLS_CA_FILE;
  if (!file) return null;
  try {
    return { file, pem: fs.readFileSync(file, 'utf8') };
  } catch {
    return { file, pem: null };
  }
}

export interface SdkCapability {
  /** What a data scientist would call it. */
  label: string;
  /** The SDK calls that work. */
  calls: string;
}

/** What the SDK can do here, each with the path kind (first segment after the workspace) that serves it. */
const CAPABILITIES: Array<SdkCapability & { kind: string }> = [
  { kind: '', label: 'The workspace', calls: 'ml.workspaces.get()' },
  { kind: 'computes', label: 'Compute targets, as Kubernetes computes with their instance types', calls: 'ml.compute.list(), ml.compute.get(name)' },
  { kind: 'environments', label: 'Environments from container images (anonymous ones too)', calls: 'ml.environments.create_or_update(), get()' },
  { kind: 'jobs', label: 'Command and sweep jobs', calls: 'ml.jobs.create_or_update(), get(), list(), begin_cancel()' },
  {
    kind: 'onlineendpoints',
    label: 'Kubernetes online endpoints and deployments, with keys, traffic and mirrored traffic',
    calls: 'ml.online_endpoints.begin_create_or_update(), get(), list(), get_keys(), begin_regenerate_keys(), begin_delete(); ml.online_deployments.begin_create_or_update(), get(), list(), begin_delete()',
  },
  { kind: 'models', label: 'Models', calls: 'ml.models.create_or_update(), get(), list()' },
];

/** What the SDK cannot do against Harbormaster, and what to do instead. */
export const NOT_SUPPORTED: SdkCapability[] = [
  {
    label: 'Local code folders (code: ./src)',
    calls: 'The SDK would upload them to Azure Blob Storage, which Harbormaster does not serve: it answers CodeUploadNotSupported naming code. Put the code in the image, point code at a git repository (git+https://…), or submit the job with its folder through hm jobs submit job.yml or the console.',
  },
  { label: 'Managed online endpoints', calls: 'Harbormaster serves Kubernetes online endpoints (KubernetesOnlineEndpoint, KubernetesOnlineDeployment).' },
  {
    label: 'Local model files (Model(path="./model"))',
    calls: 'The SDK uploads them to the workspace’s blob datastore, which Harbormaster does not serve: give the path where the files are (https://…, azureml://datastores/…/paths/…, azureml://jobs/…/outputs/…), or register the model from the console or with the harbormaster CLI, which upload files.',
  },
  { label: 'Batch endpoints, pipelines, AutoML, Spark jobs', calls: 'Not served; the SDK answers with the API’s error naming the resource.' },
  { label: 'Data assets and datastores', calls: 'Not served: give job inputs as URLs the job can read.' },
  { label: 'Streaming job logs (ml.jobs.stream)', calls: 'Poll ml.jobs.get() for the status; the job’s page in the console shows its logs.' },
  { label: 'Creating or deleting computes, registries, workspaces', calls: 'Ops admins attach compute targets in the console.' },
];

function served(routes: readonly ArmRoute[], kind: string): boolean {
  return routes.some((r) => (r.path.split('/').filter(Boolean)[0] ?? '').toLowerCase() === kind);
}

export interface PythonPageData {
  workspace: { name: string; displayName: string };
  arm: { url: string; source: ArmUrlSource } | null;
  ca: { file: string; pem: string | null } | null;
  /** self.tokens: the "Create token" button. */
  canCreateToken: boolean;
  /** The person can read but not write in this workspace (an auditor): the SDK's writes are refused. */
  readOnly: boolean;
  tokenName: string;
  tokenExpiresIn: string;
  supported: SdkCapability[];
  notSupported: SdkCapability[];
}

/** The page's data. Throws not_found for a workspace the principal cannot see (as every workspace page). */
export async function pythonPageData(db: DbOrTx, principal: Principal, workspace: string, requestOrigin?: string, routes: readonly ArmRoute[] = ARM_ROUTES, now = new Date()): Promise<PythonPageData> {
  const w = await getWorkspace(db, principal, workspace);
  const e = env();
  const missing = CAPABILITIES.filter((c) => !served(routes, c.kind)).map(({ label, calls }) => ({ label, calls: `${calls}: not served by this version of Harbormaster yet` }));
  return {
    workspace: { name: w.name, displayName: w.displayName || w.name },
    arm: armUrlFor(e, requestOrigin),
    ca: privateCa(e),
    canCreateToken: can(principal, 'self.tokens'),
    readOnly: !can(principal, 'jobs.submit', workspace),
    tokenName: pythonTokenName(workspace, now),
    tokenExpiresIn: PYTHON_TOKEN_EXPIRES_IN,
    supported: CAPABILITIES.filter((c) => served(routes, c.kind)).map(({ label, calls }) => ({ label, calls })),
    notSupported: [...missing, ...NOT_SUPPORTED],
  };
}

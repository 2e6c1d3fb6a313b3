import 'server-only';
import { FIELD_MANAGER } from '@/lib/domain';
import { apiBase, type KubeClient } from './client';
import { KubeError, isKubeError } from './errors';
import type { KubeObject, ObjectRef } from './plan';

// Server-side apply (field manager `harbormaster`, force: we own the fields we declare), reads and deletes of
// objects by apiVersion/kind/name. Kinds Harbormaster creates are known; others are looked up once per
// client through API discovery. The low-level calls under plan.ts (applyPlan): features change clusters
// through plans; they read with getObject/listAll.

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

const KNOWN: Record<string, ResourceInfo> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/Node': { plural: 'nodes', namespaced: false },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/ResourceQuota': { plural: 'resourcequotas', namespaced: true },
  'v1/LimitRange': { plural: 'limitranges', namespaced: true },
  'v1/Event': { plural: 'events', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'apps/v1/DaemonSet': { plural: 'daemonsets', namespaced: true },
  'apps/v1/StatefulSet': { plural: 'statefulsets', namespaced: true },
  'batch/v1/Job': { plural: 'jobs', namespaced: true },
  'policy/v1/PodDisruptionBudget': { plural: 'poddisruptionbudgets', namespaced: true },
  'networking.k8s.io/v1/NetworkPolicy': { plural: 'networkpolicies', namespaced: true },
  'networking.k8s.io/v1/ServiceCIDR': { plural: 'servicecidrs', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { plural: 'clusterrolebindings', namespaced: false },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', namespaced: true },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { plural: 'customresourcedefinitions', namespaced: false },
  'amlarc.azureml.com/v1alpha1/InstanceType': { plural: 'instancetypes', namespaced: false },
  'autoscaling/v2/HorizontalPodAutoscaler': { plural: 'horizontalpodautoscalers', namespaced: true },
};

const discovered = new WeakMap<KubeClient, Map<string, ResourceInfo>>();

async function resourceInfo(client: KubeClient, apiVersion: string, kind: string): Promise<ResourceInfo> {
  const key = `${apiVersion}/${kind}`;
  if (KNOWN[key]) return KNOWN[key];
  let cache = discovered.get(client);
  if (!cache) discovered.set(client, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const list = await client.get<{ resources?: Array<{ name: string; kind: string; namespaced: boolean }> }>(apiBase(apiVersion), { what: `discover ${apiVersion}` });
  const r = list?.resources?.find((x) => x.kind === kind && !x.name.includes('/'));
  if (!r) throw new KubeError('not_found', `the cluster does not serve ${kind} in ${apiVersion}`);
  const info = { plural: r.name, namespaced: r.namespaced };
  cache.set(key, info);
  return info;
}

/** The REST path of an object (or of its collection when name is omitted). */
export async function objectPath(client: KubeClient, ref: Omit<ObjectRef, 'name'> & { name?: string }): Promise<string> {
  const info = await resourceInfo(client, ref.apiVersion, ref.kind);
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? 'default')}` : '';
  return `${apiBase(ref.apiVersion)}${ns}/${info.plural}${ref.name ? `/${encodeURIComponent(ref.name)}` : ''}`;
}

export function describeRef(ref: ObjectRef | KubeObject): string {
  const name = 'metadata' in ref ? ref.metadata.name : ref.name;
  const ns = 'metadata' in ref ? ref.metadata.namespace : ref.namespace;
  return `${ref.kind} ${ns ? `${ns}/` : ''}${name}`;
}

export interface ApplyOptions {
  /** Server-side dry run (nothing persisted; admission and validation run). */
  dryRun?: boolean;
  timeoutMs?: number;
}

/**
 * Server-side apply of one object with field manager `harbormaster` and force (conflicts with other managers
 * are resolved in our favour for the fields we set). Returns the object as stored (or as it would be).
 */
export async function serverSideApply<T = Record<string, unknown>>(client: KubeClient, obj: KubeObject, opts: ApplyOptions = {}): Promise<T> {
  const path = await objectPath(client, { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace });
  return client.request<T>('PATCH', path, {
    body: obj,
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager: FIELD_MANAGER, force: true, ...(opts.dryRun ? { dryRun: 'All' } : {}) },
    timeoutMs: opts.timeoutMs,
    what: `apply ${describeRef(obj)}`,
  });
}

/** Reads an object; undefined when it does not exist. */
export async function getObject<T = Record<string, unknown>>(client: KubeClient, ref: ObjectRef, timeoutMs?: number): Promise<T | undefined> {
  try {
    return await client.get<T>(await objectPath(client, ref), { what: `read ${describeRef(ref)}`, timeoutMs });
  } catch (e) {
    if (isKubeError(e) && e.reason === 'not_found') return undefined;
    throw e;
  }
}

/** Deletes an object (background propagation); false when it was already gone. */
export async function deleteObject(client: KubeClient, ref: ObjectRef, opts: { dryRun?: boolean } = {}): Promise<boolean> {
  try {
    await client.request('DELETE', await objectPath(client, ref), {
      body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', ...(opts.dryRun ? { dryRun: ['All'] } : {}) },
      what: `delete ${describeRef(ref)}`,
    });
    return true;
  } catch (e) {
    if (isKubeError(e) && e.reason === 'not_found') return false;
    throw e;
  }
}

/** Lists a collection fully (paged); for one-off reads, not for pages (those read the informer cache). */
export async function listAll<T = Record<string, unknown>>(client: KubeClient, path: string, query: Record<string, string | number | undefined> = {}): Promise<T[]> {
  const out: T[] = [];
  let cont: string | undefined;
  do {
    const page = await client.get<{ items?: T[]; metadata?: { continue?: string } }>(path, { query: { ...query, limit: 500, continue: cont }, what: `list ${path}` });
    out.push(...(page?.items ?? []));
    cont = page?.metadata?.continue || undefined;
  } while (cont);
  return out;
}

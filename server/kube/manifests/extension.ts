import 'server-only';
// Harbormaster's own ML extension for clusters without Azure ML's `Microsoft.AzureML.Kubernetes`: a pure function
// from settings to the Kubernetes objects to server-side apply, in order, plus what to wait for and what to delete
// on uninstall. Layout and names follow Azure ML (namespace `azureml`, Service `azureml-fe`, DaemonSet
// `nvidia-device-plugin-daemonset`, CRD `instancetypes.amlarc.azureml.com`) so operators recognise them.
import type { V1Namespace } from '@kubernetes/client-node';
import type { ExtensionSettings } from '@/lib/domain';
import type { RouterEndpoint } from '../router/nginx-config';
import { kubeObject, refOf, type KubeObject, type ObjectRef } from '../plan';
import { EXTENSION_NAMESPACE, extensionLabels } from './extension-common';
import { nvidiaDevicePlugin } from './extension-gpu';
import { baselineNetworkPolicies } from './extension-network';
import { workloadClusterRole, WORKLOAD_CLUSTER_ROLE } from './extension-rbac';
import { routerObjects } from './extension-router';

export { EXTENSION_NAMESPACE, EXTENSION_VERSION_LABEL } from './extension-common';

export interface ExtensionBundleInput {
  settings: ExtensionSettings;
  /** Harbormaster extension version, recorded on every object (a label value, e.g. "0.1.0"). */
  version: string;
  /**
   * The InstanceType CRD, wire form: `instanceTypeCrd()` from ./instance-type-crd (owned by the instance-types
   * module). Passed in so this bundle stays independent of how that module builds it.
   */
  crd: { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } };
  /** An uploaded, already validated (validateTls) certificate chain and key. */
  tls?: { certPem: string; keyPem: string };
  /** Layout of an existing settings.sslSecret, from tlsFromSecret(); Azure ML's cert.pem/key.pem by default. */
  sslSecretKeys?: { cert: string; key: string };
  /** Changes when settings.sslSecret's content changes (its resourceVersion), so router pods pick up a rotation. */
  tlsRevision?: string;
  /** Online endpoints the router serves; none on a fresh install. */
  endpoints?: RouterEndpoint[];
}

export interface ExtensionBundle {
  version: string;
  /** In apply order: namespace, CRD, RBAC, router, GPU plugin, network policies. */
  objects: KubeObject[];
  warnings: string[];
}

export function extensionBundle(input: ExtensionBundleInput): ExtensionBundle {
  const { settings, version } = input;
  if (input.crd.kind !== 'CustomResourceDefinition') throw new Error(`crd must be a CustomResourceDefinition, got ${input.crd.kind}`);
  const objects: KubeObject[] = [];

  const namespace: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: EXTENSION_NAMESPACE, labels: extensionLabels(version) },
  };
  objects.push(kubeObject(namespace));

  const crd = kubeObject(structuredClone(input.crd));
  crd.metadata.labels = { ...crd.metadata.labels, ...extensionLabels(version, 'instance-types') };
  objects.push(crd);

  objects.push(workloadClusterRole(version));

  const router = routerObjects({
    settings,
    version,
    endpoints: input.endpoints,
    tls: input.tls,
    sslSecretKeys: input.sslSecretKeys,
    tlsRevision: input.tlsRevision,
  });
  objects.push(...router.objects);

  if (settings.installNvidiaDevicePlugin) objects.push(nvidiaDevicePlugin(settings, version));
  objects.push(...baselineNetworkPolicies(settings, version));

  return { version, objects, warnings: router.warnings };
}

export interface ExtensionComponent {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
  /** Ready replicas to wait for; DaemonSets: one per eligible node (desiredNumberScheduled). */
  replicas?: number;
}

/** The workloads an install waits for (rollout complete) and health checks watch. */
export function extensionComponents(bundle: ExtensionBundle): ExtensionComponent[] {
  return bundle.objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet')
    .map((o) => ({
      kind: o.kind as 'Deployment' | 'DaemonSet',
      namespace: o.metadata.namespace ?? EXTENSION_NAMESPACE,
      name: o.metadata.name,
      ...(o.kind === 'Deployment' ? { replicas: ((o.spec as { replicas?: number }).replicas ?? 1) } : {}),
    }));
}

export interface UninstallPlan {
  /** In delete order: namespaced workloads and config first, cluster-scoped objects last. */
  delete: ObjectRef[];
  /** What stays, with the reason, for the confirmation dialog. */
  keep: { ref: ObjectRef; reason: string }[];
}

/**
 * What to delete on uninstall. Without purge, the InstanceType CRD (deleting it deletes every InstanceType), the
 * workload ClusterRole (compute targets' RoleBindings refer to it) and the namespace (it may hold the operator's
 * sslSecret and other things Harbormaster did not create) stay. With purge everything goes.
 */
export function uninstallPlan(bundle: ExtensionBundle, opts: { purge: boolean }): UninstallPlan {
  const keepReasons: Record<string, string> = {
    CustomResourceDefinition: 'deleting the CRD deletes every InstanceType on the cluster; purge to remove them',
    Namespace: 'the namespace may hold objects Harbormaster did not create (such as the sslSecret); purge to delete it with everything in it',
  };
  const del: ObjectRef[] = [];
  const keep: UninstallPlan['keep'] = [];
  const namespaced = bundle.objects.filter((o) => o.metadata.namespace).reverse();
  const clusterScoped = bundle.objects.filter((o) => !o.metadata.namespace).reverse();
  for (const o of namespaced) del.push(refOf(o));
  for (const o of clusterScoped) {
    const reason =
      keepReasons[o.kind] ??
      (o.kind === 'ClusterRole' && o.metadata.name === WORKLOAD_CLUSTER_ROLE
        ? 'RoleBindings of compute targets refer to it; detach the compute targets or purge'
        : undefined);
    if (reason && !opts.purge) keep.push({ ref: refOf(o), reason });
    else del.push(refOf(o));
  }
  return { delete: del, keep };
}

/** A copy safe to show (dry-run answers, the YAML tab): Secret values replaced. */
export function redactSecrets(objects: KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Secret') return o;
    const copy = structuredClone(o);
    for (const field of ['data', 'stringData'] as const) {
      const values = copy[field] as Record<string, string> | undefined;
      if (values) copy[field] = Object.fromEntries(Object.keys(values).map((k) => [k, '<redacted>']));
    }
    return copy;
  });
}

import 'server-only';
// The Kubernetes objects of a compute target (a cluster attached to a workspace, DESIGN §2), pure:
//   - the Namespace's labels tying it to workspace + target, and a marker that makes it a compute namespace;
//   - a ResourceQuota for the target's quota (requests of CPU, memory, GPU, and the pod count);
//   - a NetworkPolicy that refuses traffic into Harbormaster's workload pods from OTHER compute namespaces
//     (pods of the same namespace and of non-compute namespaces — the inference router in azureml, ingress
//     controllers, monitoring — still reach them);
//   - the workloads' ServiceAccount, bound with a RoleBinding to the extension's harbormaster-workload
//     ClusterRole (read pods/services/endpoints of this namespace for rendezvous, nothing else).
// NetworkPolicy is enforced only by a CNI that supports it (Calico, Cilium, Azure NPM …).
import type { V1Namespace, V1NetworkPolicy, V1ResourceQuota, V1ServiceAccount } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ComputeTargetRef } from '@/lib/domain';
import { COMPUTE_NAMESPACE_LABEL, quotaToHard, type ComputeQuota } from '@/lib/compute/schemas';
import { workloadRoleBinding } from './extension-rbac';
import { kubeObject, type KubeObject, type ObjectRef } from '../plan';

export const ISOLATION_POLICY = 'harbormaster-compute-isolation';

/** Kubernetes object names derived from a target: lower-case (target names may hold capitals), unique per workspace. */
export function targetObjectSuffix(workspace: string, target: string): string {
  return `${workspace}-${target}`.toLowerCase();
}

/** The workload ServiceAccount of a target. */
export function serviceAccountNameFor(workspace: string, target: string): string {
  return `hm-${targetObjectSuffix(workspace, target)}`;
}

export function quotaNameFor(workspace: string, target: string): string {
  return `hm-quota-${targetObjectSuffix(workspace, target)}`;
}

export function targetLabels(ref: Pick<ComputeTargetRef, 'workspace' | 'name'>): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.workspace]: ref.workspace, [LABELS.compute]: ref.name };
}

/**
 * The Namespace as Harbormaster applies it: only labels (server-side apply owns just those fields). A
 * namespace someone else created is not labelled managed-by harbormaster.
 */
export function computeNamespace(ref: ComputeTargetRef, opts: { created: boolean }): KubeObject {
  const labels: Record<string, string> = {
    [COMPUTE_NAMESPACE_LABEL]: 'true',
    [LABELS.workspace]: ref.workspace,
    [LABELS.compute]: ref.name,
  };
  if (opts.created) labels[LABELS.managedBy] = MANAGED_BY;
  const ns: V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ref.namespace, labels } };
  return kubeObject(ns);
}

export function computeResourceQuota(ref: ComputeTargetRef, quota: ComputeQuota): KubeObject {
  const rq: V1ResourceQuota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: quotaNameFor(ref.workspace, ref.name), namespace: ref.namespace, labels: targetLabels(ref) },
    spec: { hard: quotaToHard(quota) },
  };
  return kubeObject(rq);
}

/**
 * Ingress into Harbormaster's pods of this namespace only from the same namespace or from namespaces that are
 * not compute namespaces. One per namespace (identical for targets sharing it).
 */
export function isolationPolicy(namespace: string): KubeObject {
  // Wire form: client-node's model spells the ingress `from` as `_from`, which the API server would not read.
  const np = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: ISOLATION_POLICY, namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
    spec: {
      // Only Harbormaster's workloads: a shared namespace (e.g. "default") may hold pods that are not ours.
      podSelector: { matchLabels: { [LABELS.managedBy]: MANAGED_BY } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: {} }] },
        { from: [{ namespaceSelector: { matchExpressions: [{ key: COMPUTE_NAMESPACE_LABEL, operator: 'DoesNotExist' }] } }] },
      ],
    },
  } satisfies Omit<V1NetworkPolicy, 'spec'> & { spec: Record<string, unknown> };
  return kubeObject(np);
}

export function workloadServiceAccount(ref: ComputeTargetRef): KubeObject {
  const sa: V1ServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: ref.serviceAccountName, namespace: ref.namespace, labels: targetLabels(ref) },
  };
  return kubeObject(sa);
}

export interface ComputeObjectsInput {
  ref: ComputeTargetRef;
  quota: ComputeQuota | null;
  /** Whether Harbormaster created (or will create) the namespace. */
  namespaceCreated: boolean;
  /** Another target already uses the namespace: its labels stay as the first target set them. */
  sharedNamespace: boolean;
}

/** Every object of a target, namespace first (apply in this order). */
export function computeTargetObjects(input: ComputeObjectsInput): KubeObject[] {
  const { ref } = input;
  const out: KubeObject[] = [];
  if (!input.sharedNamespace) out.push(computeNamespace(ref, { created: input.namespaceCreated }));
  out.push(workloadServiceAccount(ref), workloadRoleBinding(ref), isolationPolicy(ref.namespace));
  if (input.quota) out.push(computeResourceQuota(ref, input.quota));
  return out;
}

/** What detaching removes (the namespace's own fate is decided separately). */
export function detachRefs(ref: ComputeTargetRef, opts: { lastInNamespace: boolean }): ObjectRef[] {
  const rb = workloadRoleBinding(ref);
  const refs: ObjectRef[] = [
    { apiVersion: 'v1', kind: 'ResourceQuota', name: quotaNameFor(ref.workspace, ref.name), namespace: ref.namespace },
    { apiVersion: rb.apiVersion, kind: rb.kind, name: rb.metadata.name, namespace: ref.namespace },
    { apiVersion: 'v1', kind: 'ServiceAccount', name: ref.serviceAccountName, namespace: ref.namespace },
  ];
  if (opts.lastInNamespace) refs.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', name: ISOLATION_POLICY, namespace: ref.namespace });
  return refs;
}

import 'server-only';
// RBAC the extension installs for ML workloads. Compute targets bind their ServiceAccount to this ClusterRole
// with a RoleBinding in the target's namespace, which grants the rules in that namespace only.
// What workloads need: ranks of a distributed job find each other through their pods, the job's headless
// Service and its EndpointSlices (PyTorch elastic, MPI host files, Ray). Nothing else: no Secrets, no writes.
import type { V1ClusterRole, V1RoleBinding } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ComputeTargetRef } from '@/lib/domain';
import { kubeObject, type KubeObject } from '../plan';
import { extensionLabels } from './extension-common';

export const WORKLOAD_CLUSTER_ROLE = 'harbormaster-workload';

export function workloadClusterRole(version: string): KubeObject {
  const role: V1ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: WORKLOAD_CLUSTER_ROLE, labels: extensionLabels(version, 'rbac') },
    rules: [
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ],
  };
  return kubeObject(role);
}

/** The RoleBinding a compute target creates in its namespace (for the attach flow). */
export function workloadRoleBinding(target: ComputeTargetRef): KubeObject {
  const binding: V1RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: `${WORKLOAD_CLUSTER_ROLE}-${target.serviceAccountName}`.slice(0, 253),
      namespace: target.namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.workspace]: target.workspace, [LABELS.compute]: target.name },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: WORKLOAD_CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: target.serviceAccountName, namespace: target.namespace }],
  };
  return kubeObject(binding);
}

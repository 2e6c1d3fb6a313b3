import 'server-only';
// Shared pieces of the ML extension's manifests: the namespace, labels and the plain object type the bundle is
// made of (wire form: what server-side apply sends).
import { LABELS, MANAGED_BY } from '@/lib/domain';
import { labelValueProblem } from '@/lib/extension/k8s-names';

/** Azure ML's release namespace; Harbormaster's own extension uses the same one. */
export const EXTENSION_NAMESPACE = 'azureml';
export const EXTENSION_VERSION_LABEL = 'harbormaster.io/extension-version';
export const PART_OF = 'harbormaster-ml-extension';

/** A Kubernetes object in wire form. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function refOf(o: K8sObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
}

/** Labels every extension object carries; `component` names the part (inference-router, gpu, rbac, …). */
export function extensionLabels(version: string, component?: string): Record<string, string> {
  const problem = labelValueProblem(version);
  if (problem || version === '') throw new Error(`extension version "${version}" cannot be a label value: ${problem ?? 'it is empty'}`);
  return {
    [LABELS.managedBy]: MANAGED_BY,
    [EXTENSION_VERSION_LABEL]: version,
    'app.kubernetes.io/part-of': PART_OF,
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
  };
}

/** Pod labels that select a component; without the version, so selectors survive upgrades. */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}

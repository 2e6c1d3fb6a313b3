import 'server-only';
// Shared pieces of the ML extension's manifests: the namespace and labels. The objects are plan.ts's KubeObject.
import { LABELS, MANAGED_BY } from '@/lib/domain';
import { labelValueProblem } from '@/lib/extension/k8s-names';

/** Azure ML's release namespace; Harbormaster's own extension uses the same one. */
export const EXTENSION_NAMESPACE = 'azureml';
export const EXTENSION_VERSION_LABEL = 'harbormaster.io/extension-version';
/** The version of the extension bundle this console installs. */
export const EXTENSION_VERSION = '0.1.0';
export const PART_OF = 'harbormaster-ml-extension';

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

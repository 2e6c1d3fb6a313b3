import 'server-only';
// NVIDIA device plugin (installNvidiaDevicePlugin): makes GPU nodes advertise `nvidia.com/gpu`. Same DaemonSet
// name as Azure ML's. It runs only on nodes labelled as NVIDIA GPU nodes by AKS, NVIDIA's GPU feature discovery /
// gpu-operator, or by hand (any of GPU_NODE_LABELS), tolerates the usual GPU and ML taints, and stays inside the
// extension's nodeSelector like every extension component.
import type { V1DaemonSet, V1Toleration } from '@kubernetes/client-node';
import type { ExtensionSettings } from '@/lib/domain';
import { rewriteImage } from '@/lib/extension/images';
import { kubeObject, type KubeObject } from '../plan';
import { EXTENSION_NAMESPACE, extensionLabels, selectorLabels } from './extension-common';

export const DEVICE_PLUGIN_NAME = 'nvidia-device-plugin-daemonset';
export const DEVICE_PLUGIN_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1';

/** Node labels that mark an NVIDIA GPU node; a node needs one of them (label your own nodes with the last). */
export const GPU_NODE_LABELS: { key: string; value: string; source: string }[] = [
  { key: 'accelerator', value: 'nvidia', source: 'AKS GPU node pools' },
  { key: 'kubernetes.azure.com/accelerator', value: 'nvidia', source: 'AKS' },
  { key: 'nvidia.com/gpu.present', value: 'true', source: 'NVIDIA GPU feature discovery / gpu-operator' },
  { key: 'harbormaster.io/gpu', value: 'nvidia', source: 'label your own GPU nodes' },
];

export const GPU_TOLERATIONS: V1Toleration[] = [
  { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
  // Azure ML's taints for dedicated ML nodes (reference §3): GPU nodes are often among them.
  { key: 'ml.azure.com/amlarc', operator: 'Exists' },
  { key: 'ml.azure.com/amlarc-system', operator: 'Exists' },
  { key: 'ml.azure.com/amlarc-workload', operator: 'Exists' },
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
];

export function nvidiaDevicePlugin(settings: ExtensionSettings, version: string): KubeObject {
  const selector = selectorLabels(DEVICE_PLUGIN_NAME);
  const ds: V1DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: DEVICE_PLUGIN_NAME, namespace: EXTENSION_NAMESPACE, labels: extensionLabels(version, 'gpu') },
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...extensionLabels(version, 'gpu'), ...selector } },
        spec: {
          // No priorityClassName: system-node-critical is reserved to kube-system on many clusters.
          automountServiceAccountToken: false,
          nodeSelector: { 'kubernetes.io/os': 'linux', ...settings.nodeSelector },
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                // Terms are ORed: any one GPU label qualifies a node.
                nodeSelectorTerms: GPU_NODE_LABELS.map((l) => ({ matchExpressions: [{ key: l.key, operator: 'In', values: [l.value] }] })),
              },
            },
          },
          tolerations: GPU_TOLERATIONS,
          ...(settings.imagePullSecret ? { imagePullSecrets: [{ name: settings.imagePullSecret }] } : {}),
          containers: [
            {
              name: 'nvidia-device-plugin-ctr',
              image: rewriteImage(DEVICE_PLUGIN_IMAGE, settings.imageRegistry),
              // Keep running (and idle) on a node whose driver is missing instead of crash-looping.
              env: [{ name: 'FAIL_ON_INIT_ERROR', value: 'false' }],
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'device-plugin', mountPath: '/var/lib/kubelet/device-plugins' }],
            },
          ],
          volumes: [{ name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins' } }],
        },
      },
    },
  };
  return kubeObject(ds);
}

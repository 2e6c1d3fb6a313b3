// Cluster registration and extension forms: one zod schema for the browser form and the server action.
import { z } from 'zod';
import { validateDns1123Label } from '@/lib/k8s-names';
import { parseCidr } from '@/lib/extension/cidr';
import { PROXY_CREDENTIALS_ERROR, proxyUrlHasCredentials } from '@/lib/extension/no-proxy';

export const CLUSTER_KINDS = ['aks', 'arc', 'kubernetes'] as const;
export const CLUSTER_LOCATIONS = ['cloud', 'on-prem', 'edge'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];
export type ClusterLocation = (typeof CLUSTER_LOCATIONS)[number];

export const KIND_LABELS: Record<ClusterKind, string> = { aks: 'AKS', arc: 'Azure Arc', kubernetes: 'Kubernetes' };
export const LOCATION_LABELS: Record<ClusterLocation, string> = { cloud: 'Cloud', 'on-prem': 'On-premises', edge: 'Edge' };

/** A cluster's name: its URL key and label value (a DNS-1123 label). */
export const clusterName = z.string().superRefine((v, ctx) => {
  const p = validateDns1123Label(v);
  if (p) ctx.addIssue({ code: 'custom', message: `name ${p}` });
});

const kind = z.enum(CLUSTER_KINDS, { error: () => 'must be one of aks, arc, kubernetes' });
const location = z.enum(CLUSTER_LOCATIONS, { error: () => 'must be one of cloud, on-prem, edge' });
const region = z
  .string()
  .trim()
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9 ._-]*$/, 'letters, digits, spaces, ".", "_" and "-" only');
const displayName = z.string().trim().max(100, 'at most 100 characters');

export const clusterConnectionInput = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('kubeconfig'),
    kubeconfig: z.string().min(1, 'paste or upload a kubeconfig').max(1_000_000, 'the kubeconfig is larger than 1 MB'),
    /** Context to use; default: current-context (or the only one). */
    context: z.string().max(253).optional(),
  }),
  z.strictObject({ mode: z.literal('inCluster') }),
], { error: () => 'mode must be "kubeconfig" or "inCluster"' });

export const registerClusterInput = z.strictObject({
  name: clusterName,
  displayName: displayName.optional(),
  description: z.string().max(1000).optional(),
  kind,
  location,
  region: region.optional(),
  connection: clusterConnectionInput,
  /** Save even when the checks cannot reach the cluster (e.g. an edge cluster that is offline now). */
  allowUnreachable: z.boolean().optional(),
});
export type RegisterClusterInput = z.input<typeof registerClusterInput>;

export const updateClusterInput = z.strictObject({
  name: clusterName,
  displayName: displayName.optional(),
  description: z.string().max(1000).optional(),
  kind: kind.optional(),
  location: location.optional(),
  region: region.optional(),
});

export const updateCredentialsInput = z.strictObject({
  name: clusterName,
  connection: clusterConnectionInput,
  allowUnreachable: z.boolean().optional(),
});

const HOST = /^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i;

/** Optional workload egress policy: deny egress from compute namespaces except DNS, proxy, registry and these. */
export const egressInput = z.strictObject({
  enabled: z.boolean(),
  allowCidrs: z
    .array(
      z.string().trim().superRefine((v, ctx) => {
        const r = parseCidr(v);
        if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
      }),
    )
    .max(100)
    .default([]),
  allowHosts: z
    .array(z.string().trim().toLowerCase().regex(HOST, 'must be a host name such as storage.example.com or *.blob.core.windows.net'))
    .max(100)
    .default([]),
});
export type EgressSettings = z.output<typeof egressInput>;

export const tlsUploadInput = z.strictObject({
  certPem: z.string().min(1, 'paste the certificate chain (PEM)').max(200_000),
  keyPem: z.string().min(1, 'paste the private key (PEM)').max(100_000),
});

export const installExtensionInput = z.strictObject({
  name: clusterName,
  /**
   * Azure ML's setting names (lib/extension/settings.ts validates them). Proxy URLs with credentials are
   * refused here already, before anything else looks at them (the cluster, the audit log's "failed" event).
   */
  settings: z
    .record(z.string(), z.unknown())
    .default({})
    .superRefine((settings, ctx) => {
      const proxy = settings.proxy;
      if (!proxy || typeof proxy !== 'object' || Array.isArray(proxy)) return;
      for (const field of ['httpProxy', 'httpsProxy'] as const) {
        const v = (proxy as Record<string, unknown>)[field];
        if (typeof v === 'string' && proxyUrlHasCredentials(v)) ctx.addIssue({ code: 'custom', path: ['proxy', field], message: PROXY_CREDENTIALS_ERROR });
      }
    }),
  /** A new certificate chain + key for the router (replaces a stored one: rotation). */
  tls: tlsUploadInput.optional(),
  /** Forget the stored uploaded certificate (e.g. when switching to sslSecret). */
  removeTls: z.boolean().optional(),
  egress: egressInput.optional(),
  /** Required when the change disturbs live workloads (the answer lists what). */
  confirm: z.boolean().optional(),
});
export type InstallExtensionInput = z.input<typeof installExtensionInput>;

export const uninstallExtensionInput = z.strictObject({
  name: clusterName,
  /** Also delete the InstanceType CRD (and with it every InstanceType), the workload ClusterRole and the namespace. */
  purge: z.boolean().optional(),
});

/** Stable health check codes, in display order. */
export const HEALTH_CHECK_CODES = [
  'api_unreachable',
  'auth_failed',
  'version_unsupported',
  'crd_missing',
  'component_not_ready',
  'instancetype_no_node',
  'instancetype_too_big',
  'node_not_ready',
  'gpu_capacity_missing',
  'router_ha_nodes',
  'tls_expiring',
  'tls_invalid',
  'no_proxy_incomplete',
  'warning_events',
] as const;
export type HealthCheckCode = (typeof HEALTH_CHECK_CODES)[number];

export type CheckStatus = 'ok' | 'warning' | 'error';

export interface HealthCheckDto {
  code: HealthCheckCode;
  status: CheckStatus;
  title: string;
  detail: string;
  fix: string;
  /** The check could not run (e.g. the cluster is unreachable); status is then "warning". */
  skipped?: boolean;
  /** The objects concerned (node, pod, instance type names …). */
  items?: string[];
}

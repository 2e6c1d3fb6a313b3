// Settings of the ML extension, with Azure ML's names (reference/aml-kubernetes.md §1), validated with the
// same schema in the browser form and on the server.
//
// Defaults. Azure ML defaults both enableTraining and enableInference to False and makes the operator pick.
// Harbormaster installs its own extension to run ML work, so training (jobs and batch scoring) is on by default;
// inference stays off because turning it on exposes a scoring router and, with allowInsecureConnections=false
// (Azure ML's default, kept), needs a TLS certificate and a host name the operator has to provide.
// Everything else follows Azure ML: inferenceRouterHA=true (3 router replicas on distinct nodes),
// installNvidiaDevicePlugin=false, allowInsecureConnections=false. The router image is the public stable nginx
// on Alpine (small, runs as a non-root user); point `imageRegistry` at a mirror for air-gapped clusters.
import { z } from 'zod';
import type { ExtensionSettings, ProxySettings } from '@/lib/domain';
import { dnsSubdomainProblem, hostnameProblem, labelKeyProblem, labelValueProblem } from './k8s-names';
import { parseImage, registryPrefixProblem } from './images';
import { validateProxySettings, type ClusterNetwork } from './no-proxy';

export const DEFAULT_ROUTER_IMAGE = 'nginx:1.28-alpine';
export const ROUTER_SERVICE_TYPES = ['loadBalancer', 'nodePort', 'clusterIP'] as const;
export type RouterServiceType = (typeof ROUTER_SERVICE_TYPES)[number];

/** Values a fresh install gets when the operator leaves a setting out (see the comment at the top). */
export const EXTENSION_DEFAULTS = {
  enableTraining: true,
  enableInference: false,
  allowInsecureConnections: false,
  inferenceRouterHA: true,
  nodeSelector: {} as Record<string, string>,
  installNvidiaDevicePlugin: false,
  routerImage: DEFAULT_ROUTER_IMAGE,
} as const;

/**
 * Azure ML extension keys Harbormaster's own extension does not implement. A key set to the value that matches
 * what Harbormaster does anyway is accepted and dropped; any other value is refused with the reason
 * (DESIGN §4: never silently ignored).
 */
const UNSUPPORTED_AZURE_KEYS: Record<string, { accepts?: unknown; reason: string }> = {
  installPromOp: { accepts: false, reason: 'Harbormaster reads metrics from the metrics API and does not install a Prometheus operator' },
  installVolcano: { accepts: false, reason: 'Harbormaster runs jobs as batch/v1 Jobs and does not install Volcano' },
  installDcgmExporter: { accepts: false, reason: 'the DCGM exporter is not installed by Harbormaster; install NVIDIA\'s gpu-operator for GPU metrics' },
  sslCertPemFile: { reason: 'upload the certificate in the console (stored encrypted) or name an sslSecret instead of a file path' },
  sslKeyPemFile: { reason: 'upload the key in the console (stored encrypted) or name an sslSecret instead of a file path' },
  clusterPurpose: { reason: 'use inferenceRouterHA to choose between 1 and 3 router replicas' },
  'scoringFe.serviceType.internalLoadBalancer': { reason: 'use internalLoadBalancerProvider=azure' },
  'scoringFe.serviceType.nodePort': { reason: 'use inferenceRouterServiceType=nodePort' },
  'scoringFe.sslSecret': { reason: 'use sslSecret' },
  'servicebus.enabled': { accepts: false, reason: 'Harbormaster talks to the cluster directly; no Service Bus is used' },
  'relayserver.enabled': { accepts: false, reason: 'Harbormaster talks to the cluster directly; no Azure Relay is used' },
  'nginxIngress.enabled': { accepts: false, reason: 'the inference router is an nginx Deployment of its own; no ingress controller is installed' },
};

export interface SettingsContext {
  /** A certificate and key were uploaded (stored encrypted by the server): TLS source other than sslSecret. */
  tlsCertificateUploaded?: boolean;
  /** Service/pod CIDRs when known, so NO_PROXY can be checked against them. */
  clusterNetwork?: ClusterNetwork;
}

export interface SettingsIssue {
  /** Azure ML style path: "sslCname", "nodeSelector.kubernetes.io/os", "proxy.noProxy". */
  path: string;
  pathSegments: (string | number)[];
  message: string;
}

export type SettingsResult =
  | { ok: true; value: ExtensionSettings; warnings: string[] }
  | { ok: false; errors: SettingsIssue[]; warnings: string[] };

// Forms send "" for an empty text box; that means "not set".
const optionalText = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().optional());

const serviceType = z.preprocess(
  (v) => {
    if (v === '' || v === null) return undefined;
    // Azure ML's own examples write "LoadBalancer"; accept any case and keep the documented spelling.
    if (typeof v === 'string') return ROUTER_SERVICE_TYPES.find((t) => t.toLowerCase() === v.toLowerCase()) ?? v;
    return v;
  },
  z
    .enum(ROUTER_SERVICE_TYPES, { error: () => 'must be one of loadBalancer, nodePort, clusterIP' })
    .optional(),
);

const proxySchema = z
  .object({
    httpProxy: optionalText,
    httpsProxy: optionalText,
    noProxy: optionalText,
    caBundleConfigMap: optionalText,
  })
  .strict();

const baseShape = {
  enableTraining: z.boolean().default(EXTENSION_DEFAULTS.enableTraining),
  enableInference: z.boolean().default(EXTENSION_DEFAULTS.enableInference),
  inferenceRouterServiceType: serviceType,
  internalLoadBalancerProvider: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.literal('azure', { error: () => 'only "azure" is supported (an internal Azure load balancer, AKS only)' }).optional(),
  ),
  allowInsecureConnections: z.boolean().default(EXTENSION_DEFAULTS.allowInsecureConnections),
  sslSecret: optionalText,
  sslCname: optionalText,
  inferenceRouterHA: z.boolean().default(EXTENSION_DEFAULTS.inferenceRouterHA),
  nodeSelector: z.record(z.string(), z.string({ error: () => 'label values must be strings' })).default({}),
  installNvidiaDevicePlugin: z.boolean().default(EXTENSION_DEFAULTS.installNvidiaDevicePlugin),
  routerImage: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().default(DEFAULT_ROUTER_IMAGE)),
  imageRegistry: optionalText,
  imagePullSecret: optionalText,
  proxy: proxySchema.optional(),
};
const KNOWN_KEYS = new Set(Object.keys(baseShape));

type Ctx = z.RefinementCtx;
function issue(ctx: Ctx, path: (string | number)[], message: string) {
  ctx.addIssue({ code: 'custom', path, message });
}

/** The zod schema, parameterised by what the server knows beyond the settings themselves. */
export function extensionSettingsSchema(context: SettingsContext = {}) {
  return z
    .looseObject(baseShape)
    .superRefine((s, ctx) => {
      for (const key of Object.keys(s)) {
        if (KNOWN_KEYS.has(key)) continue;
        const known = UNSUPPORTED_AZURE_KEYS[key];
        const value = (s as Record<string, unknown>)[key];
        if (known && 'accepts' in known && (value === known.accepts || (typeof value === 'string' && value.toLowerCase() === String(known.accepts)))) continue;
        issue(ctx, [key], known ? `${key} is not supported: ${known.reason}` : `unknown setting "${key}"`);
      }

      if (!s.enableTraining && !s.enableInference) {
        issue(ctx, ['enableTraining'], 'enable training, inference or both: with neither the extension has nothing to run');
      }

      if (s.enableInference) {
        if (!s.inferenceRouterServiceType) {
          issue(ctx, ['inferenceRouterServiceType'], 'required when enableInference is true: loadBalancer, nodePort or clusterIP');
        }
        if (s.internalLoadBalancerProvider && s.inferenceRouterServiceType && s.inferenceRouterServiceType !== 'loadBalancer') {
          issue(ctx, ['internalLoadBalancerProvider'], `applies only to inferenceRouterServiceType=loadBalancer, not ${s.inferenceRouterServiceType}`);
        }
        if (!s.allowInsecureConnections) {
          if (!s.sslSecret && !context.tlsCertificateUploaded) {
            issue(ctx, ['sslSecret'], 'TLS is required unless allowInsecureConnections is true: name a Secret in namespace azureml holding cert.pem and key.pem (or tls.crt and tls.key), or upload a certificate');
          }
          if (!s.sslCname) {
            issue(ctx, ['sslCname'], 'required unless allowInsecureConnections is true: the host name clients use for scoring, which the certificate must cover');
          }
        }
      }
      if (s.sslSecret && context.tlsCertificateUploaded) {
        issue(ctx, ['sslSecret'], 'use either sslSecret or an uploaded certificate, not both');
      }

      if (s.sslSecret) {
        const p = dnsSubdomainProblem(s.sslSecret);
        if (p) issue(ctx, ['sslSecret'], `Secret name ${p}`);
      }
      if (s.sslCname) {
        const p = hostnameProblem(s.sslCname);
        if (p) issue(ctx, ['sslCname'], `sslCname ${p}`);
      }
      for (const [key, value] of Object.entries(s.nodeSelector)) {
        const kp = labelKeyProblem(key);
        if (kp) issue(ctx, ['nodeSelector', key], kp);
        if (typeof value === 'string') {
          const vp = labelValueProblem(value);
          if (vp) issue(ctx, ['nodeSelector', key], vp);
        }
      }
      const img = parseImage(s.routerImage);
      if (!img.ok) issue(ctx, ['routerImage'], img.reason);
      if (s.imageRegistry) {
        const p = registryPrefixProblem(s.imageRegistry);
        if (p) issue(ctx, ['imageRegistry'], p);
      }
      if (s.imagePullSecret) {
        const p = dnsSubdomainProblem(s.imagePullSecret);
        if (p) issue(ctx, ['imagePullSecret'], `Secret name ${p}`);
      }
      if (s.proxy) {
        const { errors } = validateProxySettings(s.proxy as ProxySettings, context.clusterNetwork);
        for (const e of errors) issue(ctx, ['proxy', e.path], e.message);
      }
    })
    .transform((s): ExtensionSettings => {
      const out: ExtensionSettings = {
        enableTraining: s.enableTraining,
        enableInference: s.enableInference,
        // Only meaningful with inference on (where it is required); a stored value keeps the type stable.
        inferenceRouterServiceType: s.inferenceRouterServiceType ?? 'loadBalancer',
        allowInsecureConnections: s.allowInsecureConnections,
        inferenceRouterHA: s.inferenceRouterHA,
        nodeSelector: s.nodeSelector,
        installNvidiaDevicePlugin: s.installNvidiaDevicePlugin,
        routerImage: s.routerImage,
      };
      if (s.internalLoadBalancerProvider) out.internalLoadBalancerProvider = s.internalLoadBalancerProvider;
      if (s.sslSecret) out.sslSecret = s.sslSecret;
      if (s.sslCname) out.sslCname = s.sslCname;
      if (s.imageRegistry) out.imageRegistry = s.imageRegistry.replace(/\/+$/, '');
      if (s.imagePullSecret) out.imagePullSecret = s.imagePullSecret;
      if (s.proxy) {
        const proxy: ProxySettings = {};
        for (const k of ['httpProxy', 'httpsProxy', 'noProxy', 'caBundleConfigMap'] as const) {
          if (s.proxy[k] !== undefined) proxy[k] = s.proxy[k];
        }
        if (Object.keys(proxy).length > 0) out.proxy = proxy;
      }
      return out;
    });
}

function formatPath(segments: PropertyKey[]): string {
  return segments.map(String).join('.');
}

/** Things that are valid but that an operator should know before saving. */
function settingsWarnings(s: ExtensionSettings, context: SettingsContext): string[] {
  const w: string[] = [];
  if (s.enableInference && s.allowInsecureConnections) {
    if (s.inferenceRouterServiceType === 'loadBalancer' && !s.internalLoadBalancerProvider) {
      w.push('allowInsecureConnections=true with a public load balancer: endpoint keys and scoring data travel unencrypted over the network');
    }
    if (s.sslSecret || context.tlsCertificateUploaded) {
      w.push('a TLS certificate is configured but allowInsecureConnections=true: the router serves plain HTTP and ignores the certificate');
    }
  }
  if (s.enableInference && s.inferenceRouterHA) {
    const where = Object.keys(s.nodeSelector).length ? ' matching nodeSelector' : '';
    w.push(`inferenceRouterHA=true runs 3 router replicas on 3 different nodes: the cluster needs at least 3 schedulable nodes${where}`);
  }
  if (s.proxy) w.push(...validateProxySettings(s.proxy, context.clusterNetwork).warnings);
  return w;
}

/** Parses and validates settings; errors carry Azure ML style field paths. */
export function parseExtensionSettings(input: unknown, context: SettingsContext = {}): SettingsResult {
  const r = extensionSettingsSchema(context).safeParse(input);
  if (!r.success) {
    const errors = r.error.issues.map((i) => {
      // zod reports unknown proxy keys on the object itself; name the key.
      const keys = (i as { keys?: string[] }).keys;
      const path = keys?.length === 1 ? [...i.path, keys[0]] : i.path;
      return {
        path: formatPath(path),
        pathSegments: path.map((p) => (typeof p === 'number' ? p : String(p))),
        message: i.code === 'unrecognized_keys' && keys ? `unknown setting${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}` : i.message,
      };
    });
    return { ok: false, errors, warnings: [] };
  }
  return { ok: true, value: r.data, warnings: settingsWarnings(r.data, context) };
}

export interface GuardedChange {
  /** Setting path, e.g. "enableTraining" or "nodeSelector.pool". */
  field: string;
  from: unknown;
  to: unknown;
  /** What happens to live workloads, for the confirmation dialog. */
  consequence: string;
  /** True when Azure ML's documentation itself warns against this change under live workloads. */
  azureMlWarns: boolean;
}

/**
 * Changes that disturb live workloads. Azure ML documents the first group as "don't do this while workloads
 * run"; Harbormaster allows them after an explicit confirmation listing these consequences.
 */
export function guardedChanges(before: ExtensionSettings, after: ExtensionSettings): GuardedChange[] {
  const out: GuardedChange[] = [];
  const add = (field: string, from: unknown, to: unknown, consequence: string, azureMlWarns: boolean) =>
    out.push({ field, from, to, consequence, azureMlWarns });

  if (before.enableTraining && !after.enableTraining) {
    add('enableTraining', true, false, 'training jobs and batch scoring stop being accepted; jobs that are queued or running on this cluster are no longer managed and new submissions fail', true);
  }
  if (before.installNvidiaDevicePlugin && !after.installNvidiaDevicePlugin) {
    add('installNvidiaDevicePlugin', true, false, 'the NVIDIA device plugin is removed: GPU nodes stop advertising nvidia.com/gpu, so new GPU jobs and deployments stay pending (unless another device plugin, e.g. the gpu-operator, is installed)', true);
  }
  const routerWasLive = before.enableInference;
  if (routerWasLive && before.allowInsecureConnections !== after.allowInsecureConnections) {
    add('allowInsecureConnections', before.allowInsecureConnections, after.allowInsecureConnections,
      after.allowInsecureConnections
        ? 'the router switches from HTTPS to plain HTTP: scoring URIs change from https:// to http:// and clients using https:// fail'
        : 'the router switches from HTTP to HTTPS: scoring URIs change from http:// to https:// and clients using http:// fail', true);
  }
  if (routerWasLive && after.enableInference && before.inferenceRouterServiceType !== after.inferenceRouterServiceType) {
    add('inferenceRouterServiceType', before.inferenceRouterServiceType, after.inferenceRouterServiceType,
      'the azureml-fe Service changes type: its external address changes (and the DNS record for sslCname must follow), so clients lose the endpoint until they use the new address', true);
  }
  if (routerWasLive && after.enableInference && before.internalLoadBalancerProvider !== after.internalLoadBalancerProvider) {
    add('internalLoadBalancerProvider', before.internalLoadBalancerProvider ?? null, after.internalLoadBalancerProvider ?? null,
      'the load balancer is recreated as ' + (after.internalLoadBalancerProvider ? 'internal (reachable only from the virtual network)' : 'public') + ': its IP address changes', true);
  }
  for (const key of Object.keys(before.nodeSelector)) {
    if (!(key in after.nodeSelector)) {
      add(`nodeSelector.${key}`, before.nodeSelector[key], null, `removing this key lets the router and new ML workloads run on nodes without ${key}=${before.nodeSelector[key]}; running pods stay where they are (Azure ML refuses to remove nodeSelector keys on update)`, true);
    } else if (before.nodeSelector[key] !== after.nodeSelector[key]) {
      add(`nodeSelector.${key}`, before.nodeSelector[key], after.nodeSelector[key], `router pods move to nodes with ${key}=${after.nodeSelector[key]}; new ML workloads go there too while running pods stay on the old nodes`, false);
    }
  }
  // Beyond Azure ML's list: equally disruptive, so confirmed the same way.
  if (before.enableInference && !after.enableInference) {
    add('enableInference', true, false, 'the inference router is removed: every online endpoint on this cluster stops answering', false);
  }
  if (routerWasLive && after.enableInference && before.sslCname && after.sslCname && before.sslCname !== after.sslCname) {
    add('sslCname', before.sslCname, after.sslCname, 'scoring URIs change host name: clients using the old name fail once its DNS record or certificate goes away', false);
  }
  return out;
}

/**
 * Reads Azure ML's flat `configurationSettings` (as `az k8s-extension create --config k=v` writes them:
 * "True"/"False" strings, `nodeSelector.<key>` entries) into input for the schema above.
 */
export function fromAzureConfigurationSettings(config: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const nodeSelector: Record<string, string> = {};
  const booleans = new Set(['enableTraining', 'enableInference', 'allowInsecureConnections', 'inferenceRouterHA', 'installNvidiaDevicePlugin']);
  for (const [key, raw] of Object.entries(config)) {
    if (key.startsWith('nodeSelector.')) {
      nodeSelector[key.slice('nodeSelector.'.length)] = raw;
    } else if (booleans.has(key) || (key in UNSUPPORTED_AZURE_KEYS && typeof UNSUPPORTED_AZURE_KEYS[key].accepts === 'boolean')) {
      const v = raw.trim().toLowerCase();
      out[key] = v === 'true' ? true : v === 'false' ? false : raw;
    } else {
      out[key] = raw;
    }
  }
  if (Object.keys(nodeSelector).length) out.nodeSelector = nodeSelector;
  return out;
}

/** Writes settings as Azure ML's `configurationSettings` (for installing the real extension through ARM). */
export function toAzureConfigurationSettings(s: ExtensionSettings): Record<string, string> {
  const flag = (b: boolean) => (b ? 'True' : 'False');
  const out: Record<string, string> = {
    enableTraining: flag(s.enableTraining),
    enableInference: flag(s.enableInference),
    allowInsecureConnections: flag(s.allowInsecureConnections),
    inferenceRouterHA: flag(s.inferenceRouterHA),
    installNvidiaDevicePlugin: flag(s.installNvidiaDevicePlugin),
  };
  if (s.enableInference) out.inferenceRouterServiceType = s.inferenceRouterServiceType;
  if (s.internalLoadBalancerProvider) out.internalLoadBalancerProvider = s.internalLoadBalancerProvider;
  if (s.sslSecret) out.sslSecret = s.sslSecret;
  if (s.sslCname) out.sslCname = s.sslCname;
  for (const [k, v] of Object.entries(s.nodeSelector)) out[`nodeSelector.${k}`] = v;
  return out;
}

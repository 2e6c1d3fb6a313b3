import 'server-only';
// The inference router (Azure ML's azureml-fe role): an nginx Deployment in `azureml` whose configuration is
// rendered from the cluster's online endpoints (server/kube/router/nginx-config.ts), the Service `azureml-fe`
// that Azure ML users know, and the ConfigMap/Secrets it mounts.
//
// Choices: nginx runs as the image's unprivileged user (101) on ports 8080/8443 with a read-only root file
// system (restricted Pod Security), the Service maps 80/443 onto them. A separate health port answers the
// kubelet's probes whatever the scoring protocol. With inferenceRouterHA each of the 3 replicas needs its own
// node (required anti-affinity), so rollouts replace pods one at a time instead of surging (a surge pod would
// find no free node on a 3-node cluster).
//
// Changes without rollouts. The container runs ROUTER_RELOADER_SCRIPT (server/kube/router/reloader.ts), which
// starts nginx and reloads it in place when the mounted nginx.conf, keys or certificate change (the kubelet
// refreshes ConfigMap/Secret volumes, typically within a minute). So the pod template depends on settings and
// version only, never on endpoints, traffic, keys or certificate contents: a change there must not roll the pods
// (rolling the HA router one node at a time would take minutes per traffic change). Nothing the configuration
// holds needs a new nginx master (listeners, TLS files, workers all reload); what does — image, command, ports,
// volumes, e.g. another sslSecret name — is in the template and rolls it by itself. The one thing a reload cannot
// fix is a configuration nginx -t refuses: the router keeps serving the previous one and logs why (the renderer
// validates its input, so this means a bug; a pod started meanwhile would fail to start on it, which shows).
import type { V1ConfigMap, V1Deployment, V1PodDisruptionBudget, V1Secret, V1Service, V1ServiceAccount, V1Volume } from '@kubernetes/client-node';
import type { ExtensionSettings } from '@/lib/domain';
import { rewriteImage } from '@/lib/extension/images';
import { routerReplicas } from '@/lib/extension/placement';
import { renderRouterConfig, type RouterEndpoint } from '../router/nginx-config';
import { ROUTER_RELOADER_SCRIPT } from '../router/reloader';
import { kubeObject, type KubeObject } from '../plan';
import { EXTENSION_NAMESPACE, extensionLabels, selectorLabels } from './extension-common';

export const ROUTER_NAME = 'azureml-fe';
export const ROUTER_CONFIG_MAP = 'azureml-fe-config';
export const ROUTER_KEYS_SECRET = 'azureml-fe-keys';
export const ROUTER_TLS_SECRET = 'azureml-fe-tls';
export const ROUTER_SERVICE_ACCOUNT = 'azureml-fe';
export const ROUTER_PORTS = { http: 8080, https: 8443, health: 8081 } as const;
const COMPONENT = 'inference-router';

const CONFIG_DIR = '/etc/harbormaster/router';
const KEYS_DIR = '/etc/harbormaster/router-keys';
const TLS_DIR = '/etc/harbormaster/router-tls';
const RUN_DIR = '/tmp';
/** uid/gid of the `nginx` user in the official nginx images. */
const NGINX_UID = 101;

export interface RouterInput {
  settings: ExtensionSettings;
  version: string;
  endpoints?: RouterEndpoint[];
  /** An uploaded certificate chain and key → Secret azureml-fe-tls (kubernetes.io/tls). */
  tls?: { certPem: string; keyPem: string };
  /** Keys of the existing settings.sslSecret holding the chain and key (tlsFromSecret tells); Azure ML's cert.pem/key.pem by default. */
  sslSecretKeys?: { cert: string; key: string };
  /**
   * settings.sslSecret's resourceVersion. No longer used: the router reloads a rotated certificate in place (see
   * above), so a rotation must not change the pod template. Kept so callers need not change.
   */
  tlsRevision?: string;
}

/** Whether the router serves HTTPS (else plain HTTP: allowInsecureConnections=true). */
export function routerUsesTls(settings: ExtensionSettings): boolean {
  return !settings.allowInsecureConnections;
}

const SERVICE_TYPES = { loadBalancer: 'LoadBalancer', nodePort: 'NodePort', clusterIP: 'ClusterIP' } as const;

/** ConfigMap (nginx.conf) and key Secret: what changes when endpoints change (the running router reloads them in place). */
export function routerConfigObjects(input: RouterInput): { configMap: KubeObject; keysSecret: KubeObject; warnings: string[] } {
  const { settings, version } = input;
  const tls = routerUsesTls(settings);
  const rendered = renderRouterConfig({
    endpoints: input.endpoints ?? [],
    listen: tls ? { https: ROUTER_PORTS.https, health: ROUTER_PORTS.health } : { http: ROUTER_PORTS.http, health: ROUTER_PORTS.health },
    tls: tls ? { certFile: `${TLS_DIR}/tls.crt`, keyFile: `${TLS_DIR}/tls.key` } : undefined,
    paths: { runDir: RUN_DIR, secretDir: KEYS_DIR },
  });
  const labels = extensionLabels(version, COMPONENT);
  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: ROUTER_CONFIG_MAP, namespace: EXTENSION_NAMESPACE, labels },
    data: { 'nginx.conf': rendered.nginxConf },
  };
  const keysSecret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: ROUTER_KEYS_SECRET, namespace: EXTENSION_NAMESPACE, labels },
    type: 'Opaque',
    stringData: rendered.secretFiles,
  };
  return { configMap: kubeObject(configMap), keysSecret: kubeObject(keysSecret), warnings: rendered.warnings };
}

/** Every object of the router, in apply order. Empty when inference is off. */
export function routerObjects(input: RouterInput): { objects: KubeObject[]; warnings: string[] } {
  const { settings, version } = input;
  if (!settings.enableInference) return { objects: [], warnings: [] };
  const tls = routerUsesTls(settings);
  const labels = extensionLabels(version, COMPONENT);
  const selector = selectorLabels(ROUTER_NAME);
  const { configMap, keysSecret, warnings } = routerConfigObjects(input);
  const objects: KubeObject[] = [];

  // nginx reads files only: the router needs no Kubernetes API access, so its account gets no token and no role.
  const serviceAccount: V1ServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: ROUTER_SERVICE_ACCOUNT, namespace: EXTENSION_NAMESPACE, labels },
    automountServiceAccountToken: false,
  };
  objects.push(kubeObject(serviceAccount));

  let tlsSecretName: string | undefined;
  let tlsItems = [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }];
  if (tls) {
    if (input.tls) {
      const secret: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: ROUTER_TLS_SECRET, namespace: EXTENSION_NAMESPACE, labels },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': input.tls.certPem, 'tls.key': input.tls.keyPem },
      };
      objects.push(kubeObject(secret));
      tlsSecretName = ROUTER_TLS_SECRET;
    } else if (settings.sslSecret) {
      tlsSecretName = settings.sslSecret;
      const keys = input.sslSecretKeys ?? { cert: 'cert.pem', key: 'key.pem' };
      tlsItems = [{ key: keys.cert, path: 'tls.crt' }, { key: keys.key, path: 'tls.key' }];
    } else {
      throw new Error('the router needs TLS (allowInsecureConnections=false): pass an uploaded certificate or set sslSecret');
    }
  }
  objects.push(configMap, keysSecret);

  const replicas = routerReplicas(settings);
  const ha = settings.inferenceRouterHA;
  const antiAffinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  const volumes: V1Volume[] = [
    { name: 'config', configMap: { name: ROUTER_CONFIG_MAP } },
    { name: 'keys', secret: { secretName: ROUTER_KEYS_SECRET, defaultMode: 0o440 } },
    { name: 'run', emptyDir: { sizeLimit: '256Mi' } },
    ...(tlsSecretName ? [{ name: 'tls', secret: { secretName: tlsSecretName, items: tlsItems, defaultMode: 0o440 } }] : []),
  ];
  const nodeSelector = { 'kubernetes.io/os': 'linux', ...settings.nodeSelector };

  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: ROUTER_NAME, namespace: EXTENSION_NAMESPACE, labels },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: ha ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 },
      },
      template: {
        metadata: { labels: { ...labels, ...selector } },
        spec: {
          serviceAccountName: ROUTER_SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          nodeSelector,
          affinity: {
            podAntiAffinity: ha
              ? { requiredDuringSchedulingIgnoredDuringExecution: [antiAffinityTerm] }
              : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: antiAffinityTerm }] },
          },
          ...(ha
            ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }] }
            : {}),
          ...(settings.imagePullSecret ? { imagePullSecrets: [{ name: settings.imagePullSecret }] } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: NGINX_UID,
            runAsGroup: NGINX_UID,
            fsGroup: NGINX_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // nginx drains for up to worker_shutdown_timeout (30 s) after the preStop pause.
          terminationGracePeriodSeconds: 40,
          containers: [
            {
              name: 'router',
              image: rewriteImage(settings.routerImage, settings.imageRegistry),
              // sh is PID 1 and nginx its child; the script traps SIGTERM (PID 1 gets no default handlers).
              command: ['sh', '-c', ROUTER_RELOADER_SCRIPT, 'router-reloader'],
              env: [
                { name: 'ROUTER_CONF', value: `${CONFIG_DIR}/nginx.conf` },
                { name: 'ROUTER_WATCH', value: [CONFIG_DIR, KEYS_DIR, ...(tlsSecretName ? [TLS_DIR] : [])].join(' ') },
                { name: 'ROUTER_POLL_SECONDS', value: '2' },
              ],
              ports: [
                ...(tls ? [{ name: 'https', containerPort: ROUTER_PORTS.https }] : [{ name: 'http', containerPort: ROUTER_PORTS.http }]),
                { name: 'health', containerPort: ROUTER_PORTS.health },
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'health' }, periodSeconds: 5, failureThreshold: 2 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'health' }, periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 5 },
              // Keep serving while the endpoints controller and load balancers stop sending traffic here.
              lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'keys', mountPath: KEYS_DIR, readOnly: true },
                { name: 'run', mountPath: RUN_DIR },
                ...(tlsSecretName ? [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }] : []),
              ],
            },
          ],
          volumes,
        },
      },
    },
  };
  objects.push(kubeObject(deployment));

  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: ROUTER_NAME,
      namespace: EXTENSION_NAMESPACE,
      labels,
      ...(settings.internalLoadBalancerProvider === 'azure' && settings.inferenceRouterServiceType === 'loadBalancer'
        ? { annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' } }
        : {}),
    },
    spec: {
      type: SERVICE_TYPES[settings.inferenceRouterServiceType],
      selector,
      ports: tls
        ? [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]
        : [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
  objects.push(kubeObject(service));

  if (ha) {
    const pdb: V1PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: ROUTER_NAME, namespace: EXTENSION_NAMESPACE, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    };
    objects.push(kubeObject(pdb));
  }
  return { objects, warnings };
}

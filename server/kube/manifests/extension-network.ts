import 'server-only';
// NetworkPolicies: the extension namespace's baseline, and an opt-in egress lock-down for compute namespaces.
// NetworkPolicy needs a CNI that enforces it (Calico, Cilium, Azure NPM, …); elsewhere these objects are inert.
import type { V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { LABELS, MANAGED_BY, type ExtensionSettings, type ProxySettings } from '@/lib/domain';
import { parseCidr, parseIp } from '@/lib/extension/cidr';
import { kubeObject, type KubeObject } from '../plan';
import { EXTENSION_NAMESPACE, extensionLabels, selectorLabels } from './extension-common';
import { ROUTER_NAME, ROUTER_PORTS, routerUsesTls } from './extension-router';

/**
 * Baseline in `azureml`: no inbound traffic except to the router's scoring and health ports. Egress stays open:
 * the router must reach model Services in every compute namespace.
 */
export function baselineNetworkPolicies(settings: ExtensionSettings, version: string): KubeObject[] {
  const labels = extensionLabels(version, 'network');
  const denyAll: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'harbormaster-default-deny-ingress', namespace: EXTENSION_NAMESPACE, labels },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
  const out: KubeObject[] = [kubeObject(denyAll)];
  if (settings.enableInference) {
    const scoringPort = routerUsesTls(settings) ? ROUTER_PORTS.https : ROUTER_PORTS.http;
    const router: V1NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${ROUTER_NAME}-ingress`, namespace: EXTENSION_NAMESPACE, labels },
      spec: {
        podSelector: { matchLabels: selectorLabels(ROUTER_NAME) },
        policyTypes: ['Ingress'],
        // From anywhere: clients arrive through the load balancer or node ports with their own addresses.
        ingress: [{ ports: [{ protocol: 'TCP', port: scoringPort }, { protocol: 'TCP', port: ROUTER_PORTS.health }] }],
      },
    };
    out.push(kubeObject(router));
  }
  return out;
}

export interface WorkloadEgressInput {
  /** The compute target's namespace. */
  namespace: string;
  /** Destinations allowed besides DNS, the proxy and the registry (e.g. storage or a private endpoint subnet). */
  allowCidrs: string[];
  /** Host names the workloads need; NetworkPolicy cannot express them (see warnings). */
  allowHosts?: string[];
  proxy?: ProxySettings;
  /** Image registry host[:port] workloads talk to directly (not needed for image pulls, see warnings). */
  registry?: string;
  /**
   * The API server's endpoint address "ip:port" as pods reach it after the `kubernetes` Service is translated
   * (kubectl get endpoints kubernetes). Needed by workloads that use the Kubernetes API for rendezvous.
   */
  apiServer?: string;
}

export const WORKLOAD_EGRESS_POLICY = 'harbormaster-workload-egress';

function hostPort(value: string, defaultPort: number): { host: string; port: number } | undefined {
  try {
    const u = new URL(value.includes('://') ? value : `tcp://${value}`);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    return { host, port: u.port ? Number(u.port) : defaultPort };
  } catch {
    return undefined;
  }
}

function ipBlockRule(ip: string, port: number | undefined): V1NetworkPolicyEgressRule {
  const parsed = parseIp(ip)!;
  const rule: V1NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: `${ip}/${parsed.family === 4 ? 32 : 128}` } }] };
  if (port) rule.ports = [{ protocol: 'TCP', port }];
  return rule;
}

/**
 * Denies egress from Harbormaster's workload pods in a compute namespace except DNS, pods of the same namespace
 * (ranks of a distributed job), the proxy, the registry and `allowCidrs`. Throws on malformed CIDRs.
 * Host names cannot be allowed by NetworkPolicy (it matches IP addresses): each one becomes a warning.
 */
export function workloadEgressPolicy(input: WorkloadEgressInput): { policies: KubeObject[]; warnings: string[] } {
  const warnings: string[] = [];
  const dnsPorts: V1NetworkPolicyPort[] = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
  const egress: V1NetworkPolicyEgressRule[] = [
    // DNS to any address: CoreDNS's pod IPs vary and NodeLocal DNSCache answers on a link-local address.
    { ports: dnsPorts },
    { to: [{ podSelector: {} }] },
  ];

  const bad: string[] = [];
  for (const c of input.allowCidrs) {
    const r = parseCidr(c);
    if (!r.ok) bad.push(r.reason);
    else egress.push({ to: [{ ipBlock: { cidr: r.cidr.text } }] });
  }
  if (bad.length) throw new Error(`allowCidrs: ${bad.join('; ')}`);

  const proxies = new Map<string, { host: string; port: number }>();
  for (const field of ['httpProxy', 'httpsProxy'] as const) {
    const value = input.proxy?.[field];
    if (!value) continue;
    const hp = hostPort(value, value.startsWith('https:') ? 443 : 80);
    if (hp) proxies.set(`${hp.host}:${hp.port}`, hp);
  }
  for (const { host, port } of proxies.values()) {
    if (parseIp(host)) egress.push(ipBlockRule(host, port));
    else warnings.push(`the proxy ${host} is a host name: NetworkPolicy matches IP addresses only, so add the proxy's IP address (e.g. "10.0.0.5/32") to allowCidrs or workloads cannot reach it`);
  }

  if (input.registry) {
    const hp = hostPort(input.registry, 443);
    if (hp && parseIp(hp.host)) egress.push(ipBlockRule(hp.host, hp.port));
    else if (hp) warnings.push(`the registry ${hp.host} is a host name and cannot be allowed by NetworkPolicy; image pulls are made by the node's container runtime and are not affected, but workloads that call the registry themselves need its IP range in allowCidrs`);
  }
  if (input.apiServer) {
    const hp = hostPort(input.apiServer, 443);
    if (!hp || !parseIp(hp.host)) throw new Error(`apiServer "${input.apiServer}" must be an IP address with an optional port`);
    egress.push(ipBlockRule(hp.host, hp.port));
  } else {
    warnings.push('the Kubernetes API server is not allowed (no apiServer address given): workloads that discover their peers through the API will fail');
  }
  for (const host of input.allowHosts ?? []) {
    warnings.push(`${host} cannot be allowed by NetworkPolicy (it matches IP addresses, not host names): route it through the proxy or add its IP ranges to allowCidrs`);
  }

  const policy: V1NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: WORKLOAD_EGRESS_POLICY, namespace: input.namespace, labels: { [LABELS.managedBy]: MANAGED_BY } },
    spec: {
      // Only pods Harbormaster created: a compute namespace (e.g. "default") may hold other workloads.
      podSelector: { matchLabels: { [LABELS.managedBy]: MANAGED_BY } },
      policyTypes: ['Egress'],
      egress,
    },
  };
  return { policies: [kubeObject(policy)], warnings };
}

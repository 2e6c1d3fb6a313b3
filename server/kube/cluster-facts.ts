import 'server-only';
import type { KubeClient } from './client';
import { getObject, listAll } from './apply';
import { leanWorkload, type LeanNode, type LeanWorkload } from './cache';
import { EXTENSION_NAMESPACE, PART_OF } from './manifests/extension-common';
import { INSTANCE_TYPE_CRD_NAME } from './manifests/instance-type-crd';

// The one reader of what Harbormaster asks a cluster about itself: the Kubernetes version, who the credentials
// are and what they may do (SelfSubjectAccessReviews), the service CIDRs, and which ML extension is there. The
// registration probe (probe.ts), the health checks (services/health.ts) and the extension's install and
// uninstall (services/extension*.ts) read through it.
//
// A reader asks for each fact at most once (callers that ask again, or at the same time, share the answer).
// Make one per check and drop it: a check sees the cluster as it is now (a health check run right after a
// ServiceCIDR was added must see it; an install's preflight must see a namespace that is being deleted), so
// nothing is remembered across checks — pages read the informer cache instead.

/** The three newest Kubernetes minor versions are supported (1.35–1.37 today). */
export const SUPPORTED_MINORS = [35, 36, 37] as const;

export interface VersionInfo {
  gitVersion: string;
  major: number;
  minor: number;
  supported: boolean;
}

export function versionInfo(gitVersion: string, major?: string, minor?: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  const maj = Number(m?.[1] ?? major ?? 0);
  const min = Number(m?.[2] ?? String(minor ?? '0').replace(/\D.*$/, ''));
  return { gitVersion, major: maj, minor: min, supported: maj === 1 && (SUPPORTED_MINORS as readonly number[]).includes(min) };
}

export function supportedWindowText(): string {
  return `1.${SUPPORTED_MINORS[0]}–1.${SUPPORTED_MINORS[SUPPORTED_MINORS.length - 1]}`;
}

/** What an access review asks: may these credentials do `verb` on `resource` (in `namespace`)? */
export interface AccessQuestion {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

export type AccessAnswer<T extends AccessQuestion> = T & {
  allowed: boolean;
  /** The authorizer's reason or evaluation error (or why the review failed), when denied. */
  detail?: string;
};

export type ExtensionFlavor = 'harbormaster' | 'azureml' | 'none' | 'foreign';

export interface ExtensionDetection {
  flavor: ExtensionFlavor;
  /** Harbormaster's extension version label, when ours. */
  version?: string;
  namespaceExists: boolean;
  crdInstalled: boolean;
  /** Deployments and DaemonSets found in azureml. */
  components: string[];
  detail: string;
}

/** Azure ML's own Deployments (reference §1 "Components"): their presence means the Azure ML extension. */
export const AZUREML_COMPONENTS = [
  'aml-operator',
  'amlarc-identity-controller',
  'amlarc-identity-proxy',
  'azureml-fe-v2',
  'gateway',
  'inference-operator-controller-manager',
  'metrics-controller-manager',
  'relayserver',
];
export const AZUREML_JOB_CRD = 'amljobs.amlarc.azureml.com';

/** Which ML extension the cluster runs, from the namespace, the CRDs and the Deployments in azureml. */
export function detectExtension(input: {
  namespace?: { metadata?: { labels?: Record<string, string> } };
  instanceTypeCrd?: { metadata?: { labels?: Record<string, string> } };
  amlJobCrd?: unknown;
  workloads: Pick<LeanWorkload, 'name' | 'labels' | 'kind'>[];
}): ExtensionDetection {
  const nsLabels = input.namespace?.metadata?.labels ?? {};
  const components = input.workloads.map((w) => w.name).sort();
  const azureComponents = components.filter((c) => AZUREML_COMPONENTS.includes(c));
  const base = { namespaceExists: !!input.namespace, crdInstalled: !!input.instanceTypeCrd, components };
  if (input.amlJobCrd || azureComponents.length) {
    return {
      ...base,
      flavor: 'azureml',
      detail: `the Azure ML extension (Microsoft.AzureML.Kubernetes) is installed: ${[input.amlJobCrd ? `CRD ${AZUREML_JOB_CRD}` : '', ...azureComponents].filter(Boolean).join(', ')}`,
    };
  }
  const ours = nsLabels['app.kubernetes.io/part-of'] === PART_OF || input.workloads.some((w) => w.labels['app.kubernetes.io/part-of'] === PART_OF);
  if (ours) {
    const version = nsLabels['harbormaster.io/extension-version'] ?? input.workloads.map((w) => w.labels['harbormaster.io/extension-version']).find(Boolean);
    return { ...base, flavor: 'harbormaster', ...(version ? { version } : {}), detail: `Harbormaster's ML extension${version ? ` ${version}` : ''} is installed` };
  }
  if (input.namespace || input.instanceTypeCrd) {
    return {
      ...base,
      flavor: 'foreign',
      detail: `${[input.namespace ? `namespace ${EXTENSION_NAMESPACE}` : '', input.instanceTypeCrd ? `CRD ${INSTANCE_TYPE_CRD_NAME}` : ''].filter(Boolean).join(' and ')} exist${input.namespace && input.instanceTypeCrd ? '' : 's'} but belong to no known extension`,
    };
  }
  return { ...base, flavor: 'none', detail: 'no ML extension is installed' };
}

export interface ExtensionPresence {
  detection: ExtensionDetection;
  /** Namespace azureml is being deleted (an uninstall with purge is finishing). */
  namespaceTerminating: boolean;
  /** The Deployments or DaemonSets in azureml could not be listed: the detection saw none. */
  workloadsError?: unknown;
}

/** The pod ranges the nodes were given (for NO_PROXY). */
export function podCidrs(nodes: Pick<LeanNode, 'podCIDRs'>[]): string[] {
  return [...new Set(nodes.flatMap((n) => n.podCIDRs))];
}

type Labelled = { metadata?: { labels?: Record<string, string>; deletionTimestamp?: string } };

const crdRef = (name: string) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });

export interface FactsOptions {
  /** Per call (lists of workloads use the client's default). */
  timeoutMs?: number;
}

export class ClusterFacts {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    readonly client: KubeClient,
    private readonly opts: FactsOptions = {},
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = read()));
    return p;
  }

  /** GET /version, and how long the API server took to answer. */
  version(): Promise<{ version: VersionInfo; latencyMs: number }> {
    return this.once('version', async () => {
      const t0 = Date.now();
      const v = await this.client.get<{ gitVersion?: string; major?: string; minor?: string }>('/version', { timeoutMs: this.opts.timeoutMs, what: 'read the server version' });
      return { version: versionInfo(v?.gitVersion ?? '', v?.major, v?.minor), latencyMs: Date.now() - t0 };
    });
  }

  /** Who the credentials are (a SelfSubjectReview: /version is public on most clusters, this proves them). */
  identity(): Promise<{ username: string; groups: string[] }> {
    return this.once('identity', async () => {
      const review = await this.client.request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        timeoutMs: this.opts.timeoutMs,
        what: 'identify the credentials',
      });
      return { username: review?.status?.userInfo?.username ?? '(unknown)', groups: review?.status?.userInfo?.groups ?? [] };
    });
  }

  /** One SelfSubjectAccessReview per question, in parallel; a review that fails counts as denied, with why. */
  accessReviews<T extends AccessQuestion>(questions: readonly T[]): Promise<Array<AccessAnswer<T>>> {
    return Promise.all(
      questions.map(async (q): Promise<AccessAnswer<T>> => {
        const key = `access:${q.verb}:${q.group}:${q.resource}:${q.namespace ?? ''}`;
        try {
          const a = await this.once(key, () => this.accessReview(q));
          return { ...q, ...a };
        } catch (e) {
          return { ...q, allowed: false, detail: (e as Error).message };
        }
      }),
    );
  }

  private async accessReview(q: AccessQuestion): Promise<{ allowed: boolean; detail?: string }> {
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: q.verb, group: q.group, resource: q.resource, ...(q.namespace ? { namespace: q.namespace } : {}) } },
    };
    const r = await this.client.request<{ status?: { allowed?: boolean; reason?: string; evaluationError?: string } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body,
      timeoutMs: this.opts.timeoutMs,
      what: 'review permissions',
    });
    const allowed = !!r?.status?.allowed;
    return { allowed, ...(!allowed && (r?.status?.reason || r?.status?.evaluationError) ? { detail: r?.status?.reason || r?.status?.evaluationError } : {}) };
  }

  /** The service ranges (ServiceCIDR objects, GA since 1.33); throws when they cannot be read. */
  serviceCidrs(): Promise<string[]> {
    return this.once('serviceCidrs', async () => {
      const list = await this.client.get<{ items?: Array<{ spec?: { cidrs?: string[] } }> }>('/apis/networking.k8s.io/v1/servicecidrs', { timeoutMs: this.opts.timeoutMs, what: 'read service CIDRs' });
      return (list?.items ?? []).flatMap((i) => i.spec?.cidrs ?? []);
    });
  }

  /** CustomResourceDefinition instancetypes.amlarc.azureml.com, or undefined when it is not installed. */
  instanceTypeCrd(): Promise<Labelled | undefined> {
    return this.once('instanceTypeCrd', () => getObject<Labelled>(this.client, crdRef(INSTANCE_TYPE_CRD_NAME), this.opts.timeoutMs));
  }

  /** Which ML extension is there: namespace azureml, the two CRDs, the Deployments and DaemonSets in azureml. */
  extension(): Promise<ExtensionPresence> {
    return this.once('extension', async () => {
      let workloadsError: unknown;
      const list = (kind: 'Deployment' | 'DaemonSet', plural: string) =>
        listAll(this.client, `/apis/apps/v1/namespaces/${EXTENSION_NAMESPACE}/${plural}`).then(
          (items) => items.map(leanWorkload(kind)),
          (e) => {
            workloadsError ??= e;
            return [];
          },
        );
      const [namespace, instanceTypeCrd, amlJobCrd, deployments, daemonSets] = await Promise.all([
        getObject<Labelled>(this.client, { apiVersion: 'v1', kind: 'Namespace', name: EXTENSION_NAMESPACE }, this.opts.timeoutMs),
        this.instanceTypeCrd(),
        getObject(this.client, crdRef(AZUREML_JOB_CRD), this.opts.timeoutMs),
        list('Deployment', 'deployments'),
        list('DaemonSet', 'daemonsets'),
      ]);
      return {
        detection: detectExtension({ namespace, instanceTypeCrd, amlJobCrd, workloads: [...deployments, ...daemonSets] }),
        namespaceTerminating: !!namespace?.metadata?.deletionTimestamp,
        ...(workloadsError ? { workloadsError } : {}),
      };
    });
  }
}

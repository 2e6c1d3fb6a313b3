// The real Azure SDK clients pointed at the ARM stand-in (for tests): endpoint, ARM credential scope, the test CA,
// a static bearer token, and a policy that records every response body (to prove what ARM never echoes).
import https from 'node:https';
import type { TokenCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { CoreV1Api } from '@kubernetes/client-node';
import type { ArmStandIn } from './stand-in.mjs';

export const ARM_SCOPE = 'https://management.azure.com/.default';

/** A TokenCredential returning a fixed token (the stand-in accepts any bearer token unless given an issuer). */
export function staticCredential(token = 'stand-in-test-token'): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (s: string | string[]) => {
      scopes.push(...[s].flat());
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

export interface ArmClients {
  subscriptions: SubscriptionClient;
  ml: AzureMachineLearningWorkspaces;
  aks: ContainerServiceClient;
  arc: ConnectedKubernetesClient;
  extensions: SourceControlConfigurationClient;
  /** Every response body the clients received (text), in order. */
  bodies: string[];
}

export function armClients(
  standIn: Pick<ArmStandIn, 'url' | 'caPem'>,
  subscriptionId: string,
  { credential = staticCredential(), maxRetries }: { credential?: TokenCredential; maxRetries?: number } = {},
): ArmClients {
  const bodies: string[] = [];
  const capture: PipelinePolicy = {
    name: 'standInCaptureBodies',
    sendRequest: async (req, next) => {
      const res = await next(req);
      bodies.push(res.bodyAsText ?? '');
      return res;
    },
  };
  const common = {
    endpoint: standIn.url,
    tlsOptions: { ca: standIn.caPem },
    additionalPolicies: [{ policy: capture, position: 'perRetry' as const }],
    ...(maxRetries === undefined ? {} : { retryOptions: { maxRetries } }),
  };
  return {
    subscriptions: new SubscriptionClient(credential, common),
    ml: new AzureMachineLearningWorkspaces(credential, subscriptionId, { ...common, credentialScopes: [ARM_SCOPE] }),
    aks: new ContainerServiceClient(credential, subscriptionId, common),
    arc: new ConnectedKubernetesClient(credential, subscriptionId, { ...common, credentialScopes: [ARM_SCOPE] }),
    extensions: new SourceControlConfigurationClient(credential, subscriptionId, { ...common, credentialScopes: [ARM_SCOPE] }),
    bodies,
  };
}

/** A plain HTTPS request to the stand-in (admin routes, raw ARM calls) → status, headers and parsed JSON body. */
export function standInRequest(
  standIn: Pick<ArmStandIn, 'url' | 'caPem'>,
  method: string,
  pathAndQuery: string,
  { body, token = 'stand-in-test-token' }: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      `${standIn.url}${pathAndQuery}`,
      {
        method,
        ca: standIn.caPem,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The k8s test group shares one cluster: namespaces the stand-in made for extensions it "installed" (label
 * app.kubernetes.io/managed-by=arm-stand-in, e.g. `azureml`) are deleted, and waited for until gone — not just
 * terminating — so that the next file (the ML extension's own test installs into `azureml`) finds the cluster clean.
 * Every test file that installs an extension through the stand-in calls this in its afterAll.
 */
export async function removeStandInNamespaces(core: CoreV1Api): Promise<void> {
  const list = await core.listNamespace({ labelSelector: 'app.kubernetes.io/managed-by=arm-stand-in' });
  const names = list.items.map((n) => n.metadata!.name!);
  await Promise.all(names.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
  const deadline = Date.now() + 90_000;
  for (const name of names) {
    for (;;) {
      const gone = await core.readNamespace({ name }).then(() => false, () => true);
      if (gone) break;
      if (Date.now() > deadline) throw new Error(`namespace ${name} made by the ARM stand-in is still there after 90 s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

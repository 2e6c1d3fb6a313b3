import 'server-only';
import type { TokenCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { connectionCa, type AzureConnectionRow } from './connections';

// The one place the Azure SDK clients are built for a connection (reference/azure.md §0–§3): `endpoint` is the
// connection's ARM endpoint (the stand-in in tests), the token audience stays ARM's own (the endpoint's when it is a
// Microsoft cloud, else https://management.azure.com), the connection's private CA is trusted, and retries honour
// Retry-After (core-rest-pipeline's throttling strategy for 429/503, exponential back-off for other 5xx and
// connection errors).

const MICROSOFT_ARM = /^https:\/\/management\.(azure\.com|usgovcloudapi\.net|chinacloudapi\.cn)$/i;

/** The token audience for an ARM endpoint. */
export function armAudience(armEndpoint: string): string {
  const origin = new URL(armEndpoint).origin;
  return MICROSOFT_ARM.test(origin) ? origin : 'https://management.azure.com';
}

export interface ArmRetryOptions {
  maxRetries: number;
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

const g = globalThis as unknown as { __hmArmRetry?: ArmRetryOptions };
const DEFAULT_RETRY: ArmRetryOptions = { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 30_000 };

/** Tests: shorter back-off for 5xx and outages (Retry-After is still honoured). Returns the previous setting. */
export function configureArmRetries(o: Partial<ArmRetryOptions> | null): ArmRetryOptions {
  const prev = g.__hmArmRetry ?? DEFAULT_RETRY;
  g.__hmArmRetry = o ? { ...DEFAULT_RETRY, ...o } : undefined;
  return prev;
}

/** The retry options of every Azure call (the SDK clients and the credentials' identity-provider requests). */
export const armRetryOptions = (): ArmRetryOptions => ({ ...(g.__hmArmRetry ?? DEFAULT_RETRY) });

export interface ArmClients {
  subscriptions(): SubscriptionClient;
  ml(subscriptionId: string): AzureMachineLearningWorkspaces;
  aks(subscriptionId: string): ContainerServiceClient;
  arc(subscriptionId: string): ConnectedKubernetesClient;
  extensions(subscriptionId: string): SourceControlConfigurationClient;
}

/** The SDK clients for a connection and a credential (clients are cheap; build them per use). */
export function armClients(connection: Pick<AzureConnectionRow, 'armEndpoint' | 'caPem'>, credential: TokenCredential): ArmClients {
  const scope = `${armAudience(connection.armEndpoint)}/.default`;
  const ca = connectionCa(connection);
  const common = {
    endpoint: connection.armEndpoint,
    retryOptions: armRetryOptions(),
    userAgentOptions: { userAgentPrefix: 'harbormaster' },
    ...(ca ? { tlsOptions: { ca } } : {}),
  };
  // Autorest clients take credentialScopes; the modular ones (containerservice 25.x, subscriptions 3.x) credentials.scopes.
  const autorest = { ...common, credentialScopes: [scope] };
  const modular = { ...common, credentials: { scopes: [scope] } };
  return {
    subscriptions: () => new SubscriptionClient(credential, modular),
    ml: (sub) => new AzureMachineLearningWorkspaces(credential, sub, autorest),
    aks: (sub) => new ContainerServiceClient(credential, sub, modular),
    arc: (sub) => new ConnectedKubernetesClient(credential, sub, autorest),
    extensions: (sub) => new SourceControlConfigurationClient(credential, sub, autorest),
  };
}

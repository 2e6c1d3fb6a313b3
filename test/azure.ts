// Shared set-up of the Azure integration tests (server/azure/*.test.ts): every log line the console writes (to prove
// no secret or token reaches one), and a client-secret Azure connection through the local issuer and the ARM stand-in.
import { vi } from 'vitest';
import { logger } from '@/server/logger';
import { runAction } from '@/server/actions/run';
import type { CoreV1Api } from '@kubernetes/client-node';
import { configureArmRetries } from '@/server/azure/clients';
import { stopLoop } from '@/server/runtime/intents';
import { dropAllClusterCaches } from '@/server/kube/cache';
import { removeStandInNamespaces } from '@/testbed/arm/test-clients';
import type { Cast } from './fixtures';

/** Records every log line (JSON of the logger call's arguments) into `lines` while still logging; undone by vi.restoreAllMocks(). */
export function captureLogLines(lines: string[]) {
  for (const level of ['info', 'warn', 'error', 'debug'] as const) {
    const orig = logger[level].bind(logger);
    vi.spyOn(logger, level).mockImplementation(((...args: unknown[]) => {
      lines.push(JSON.stringify(args));
      return (orig as (...a: unknown[]) => void)(...args);
    }) as never);
  }
}

/** Creates Azure connection `name` (client secret) for service principal `sp` at the issuer, calling the stand-in. */
export async function createSecretConnection(
  cast: Cast,
  name: string,
  sp: { clientId: string; clientSecret: string },
  at: { issuer: { url: string; caPem: string }; arm: { url: string; caPem: string } },
) {
  await runAction(
    'azureConnections.create',
    { name, kind: 'client_secret', tenantId: '72f988bf-0000-4000-8000-00000000c0de', clientId: sp.clientId, clientSecret: sp.clientSecret, authorityHost: at.issuer.url, armEndpoint: at.arm.url, caPem: `${at.arm.caPem}\n${at.issuer.caPem}` },
    cast.caller('admin'),
  );
}

/** beforeAll of the k8s tests through the stand-in: log lines captured, quick ARM retries, connection `sp`. */
export async function armK8sSetup(cast: Cast, logLines: string[], sp: { clientId: string; clientSecret: string }, at: Parameters<typeof createSecretConnection>[3]) {
  captureLogLines(logLines);
  configureArmRetries({ retryDelayInMs: 20, maxRetryDelayInMs: 100 });
  await createSecretConnection(cast, 'sp', sp, at);
}

/** afterAll of the same: namespaces the stand-in made removed (when the cluster runs), loops, retries, mocks and caches reset. */
export async function armK8sTeardown(core: CoreV1Api | undefined) {
  if (core) await removeStandInNamespaces(core);
  stopLoop();
  configureArmRetries(null);
  vi.restoreAllMocks();
  dropAllClusterCaches();
}

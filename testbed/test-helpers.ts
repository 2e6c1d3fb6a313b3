// Helpers for integration tests against the local cluster (vitest project `k8s`, files *.k8s.test.ts).
//
//   import { describe } from 'vitest';
//   import { k8sSkipReason, kubeConfig, testNamespace, waitFor } from '@/testbed/test-helpers';
//   describe.skipIf(k8sSkipReason)('my feature', () => {
//     const ns = testNamespace('my-feature');          // created before the tests, deleted after
//     it('…', async () => { const core = kubeConfig().makeApiClient(CoreV1Api); … ns.name … });
//   });
//
// The cluster is started once per run by testbed/vitest-global-setup.ts (profile `test`, testbed/profiles/test.yaml).
import { afterAll, beforeAll, inject } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import crypto from 'node:crypto';

/** Why the cluster is unavailable, or '' — pass to `describe.skipIf(k8sSkipReason)`. */
export const k8sSkipReason: string = inject('hmK8sSkipReason') ?? 'testbed global setup did not run (use --project k8s)';

/** Absolute path of the test cluster's admin kubeconfig. */
export function kubeconfigPath(): string {
  const p = inject('hmTestKubeconfig');
  if (!p) throw new Error(k8sSkipReason || 'no test cluster');
  return p;
}

/** A KubeConfig for the test cluster (admin, client certificate). */
export function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath());
  return kc;
}

/** Lower-case DNS label: `<prefix>-<random>`, at most 63 characters. */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'test';
  return `${clean}-${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * A namespace of its own for a test file: created (and its `default` ServiceAccount awaited, which the
 * ServiceAccount admission plugin needs before pods can be created) in beforeAll, deleted in afterAll.
 */
export function testNamespace(prefix: string): { readonly name: string } {
  const ns = { name: uniqueName(prefix) };
  beforeAll(async () => {
    if (k8sSkipReason) return;
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns.name, labels: { 'harbormaster.io/test': 'true' } } } });
    await waitFor(
      async () => {
        const sas = await core.listNamespacedServiceAccount({ namespace: ns.name });
        return sas.items.some((sa) => sa.metadata?.name === 'default');
      },
      { what: `ServiceAccount default in ${ns.name}`, timeoutMs: 30_000 },
    );
  });
  afterAll(async () => {
    if (k8sSkipReason) return;
    const core = kubeConfig().makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: ns.name, propagationPolicy: 'Background' }).catch((err: { code?: number }) => {
      if (err?.code !== 404) throw err;
    });
  });
  return ns;
}

/**
 * Polls `fn` until it returns a truthy value and returns that value; fails after `timeoutMs` with `what` and
 * the last value or error seen (so a failing test says what it was waiting for).
 */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { what = 'condition', timeoutMs = 60_000, intervalMs = 200 }: { what?: string; timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

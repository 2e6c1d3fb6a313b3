// Global setup of the vitest project `k8s` (vitest.config.ts): one local cluster (profile `test`) for the run.
//
// Tests get the kubeconfig path through vitest's provide/inject: `inject('hmTestKubeconfig')` — use
// `kubeConfig()` from testbed/test-helpers.ts. If the cluster could not be started (no Go toolchain to build
// the binaries, …), `inject('hmK8sSkipReason')` holds why and the suites skip; with CI=true the run fails instead.
//
// HM_TEST_KUBECONFIG=/path/to/kubeconfig reuses a running cluster (e.g. `npm run cluster:up -- --profile test`)
// instead of starting one; HM_TEST_KEEP_STATE=1 keeps the temporary state dir (logs) after the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { down, up } from './cluster.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the admin kubeconfig of the test cluster ('' when unavailable). */
    hmTestKubeconfig: string;
    /** Why the cluster is unavailable ('' when it is running). */
    hmK8sSkipReason: string;
    /** State dir of the cluster started for this run ('' when reused from HM_TEST_KUBECONFIG). */
    hmTestStateDir: string;
  }
}

export default async function setup(project: TestProject) {
  const given = process.env.HM_TEST_KUBECONFIG;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`HM_TEST_KUBECONFIG=${given} does not exist`);
    project.provide('hmTestKubeconfig', path.resolve(given));
    project.provide('hmK8sSkipReason', '');
    project.provide('hmTestStateDir', '');
    return;
  }

  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-k8s-test-'));
  try {
    const info = await up({ profile: 'test', stateDir });
    process.env.HM_TEST_KUBECONFIG = info.kubeconfigPath;
    project.provide('hmTestKubeconfig', info.kubeconfigPath);
    project.provide('hmK8sSkipReason', '');
    project.provide('hmTestStateDir', stateDir);
  } catch (err) {
    const reason = `local Kubernetes testbed unavailable: ${(err as Error).message}`;
    await down({ stateDir, quiet: true }).catch(() => {});
    if (!process.env.HM_TEST_KEEP_STATE) fs.rmSync(stateDir, { recursive: true, force: true });
    if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${reason} (CI=true: failing instead of skipping)`);
    process.stderr.write(`\n[k8s tests] SKIPPING: ${reason}\n\n`);
    project.provide('hmTestKubeconfig', '');
    project.provide('hmK8sSkipReason', reason);
    project.provide('hmTestStateDir', '');
    return;
  }

  return async () => {
    await down({ stateDir });
    if (process.env.HM_TEST_KEEP_STATE) process.stderr.write(`[k8s tests] cluster state kept in ${stateDir}\n`);
    else fs.rmSync(stateDir, { recursive: true, force: true });
  };
}

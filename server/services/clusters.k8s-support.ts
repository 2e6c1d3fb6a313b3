// Helpers shared by the clusters/extension/health integration tests (*.k8s.test.ts). Not application code.
import fs from 'node:fs';
import YAML from 'yaml';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubeConfig, kubeconfigPath, waitFor } from '@/testbed/test-helpers';
import { createCast, type Cast } from '@/test/fixtures';
import { resetEnvCache } from '../env';
import { runAction } from '../actions/run';
import { extensionRow, getClusterRow, type ExtensionRow } from './clusters';
import { extensionWorkers, type PreparedInstall } from './extension';
import { installerDefaults } from './extension-installer';

process.env.HARBORMASTER_SECRET_KEY ??= Buffer.alloc(32, 11).toString('base64');
// KWOK makes pods Ready in a second; a stuck rollout should fail the install quickly in tests.
installerDefaults.rolloutTimeoutMs = 20_000;
installerDefaults.pollMs = 250;

type Doc = { clusters: Array<{ cluster: Record<string, unknown> }>; users: Array<{ user: Record<string, unknown> }> };

/** The test cluster's admin kubeconfig, optionally altered (wrong CA, other user, other server). */
export function testKubeconfig(alter?: (doc: Doc) => void): string {
  const doc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8')) as Doc;
  alter?.(doc);
  return YAML.stringify(doc);
}

export function apiServerUrl(): string {
  const doc = YAML.parse(fs.readFileSync(kubeconfigPath(), 'utf8')) as Doc;
  return String(doc.clusters[0].cluster.server);
}

/**
 * The usual start of a jobs suite: a data directory and public URL for the console's code links, the test
 * cast, and the test cluster registered under `cluster`.
 */
export async function castWithCluster(cluster: string, dataDir: string): Promise<Cast> {
  process.env.HARBORMASTER_DATA_DIR = dataDir;
  process.env.HARBORMASTER_PUBLIC_URL = 'https://harbormaster.example.com';
  resetEnvCache();
  const cast = await createCast();
  await registerTestCluster(cast, cluster);
  return cast;
}

export async function registerTestCluster(cast: Cast, name: string, opts: { kubeconfig?: string; allowUnreachable?: boolean } = {}) {
  return runAction<{ cluster: { name: string }; checks: Record<string, unknown> }>(
    'clusters.register',
    { name, kind: 'aks', location: 'cloud', region: 'westeurope', connection: { mode: 'kubeconfig', kubeconfig: opts.kubeconfig ?? testKubeconfig() }, ...(opts.allowUnreachable ? { allowUnreachable: true } : {}) },
    cast.caller('admin'),
  );
}

/** Runs the install action and waits for the installer; returns the action's answer and the final row. */
export async function installAndWait(cast: Cast, name: string, input: Record<string, unknown>): Promise<{ result: Omit<PreparedInstall, 'audit' | 'operationId'>; ext: ExtensionRow }> {
  const result = await runAction<Omit<PreparedInstall, 'audit' | 'operationId'>>('clusters.extension.install', { name, ...input }, cast.caller('admin'));
  const row = await getClusterRow(cast.db.db, name);
  await extensionWorkers.get(row.id);
  return { result, ext: (await extensionRow(cast.db.db, row.id))! };
}

/** Uninstall with purge and wait until namespace azureml is gone, so the next suite starts clean. */
export async function purgeAndWait(cast: Cast, name: string) {
  await uninstall(cast, name, true).catch(() => undefined);
  const core = kubeConfig().makeApiClient(CoreV1Api);
  await waitFor(() => core.readNamespace({ name: 'azureml' }).then(() => false, (e: { code?: number }) => e.code === 404), { what: 'namespace azureml gone', timeoutMs: 90_000 });
}

export function uninstall(cast: Cast, name: string, purge: boolean) {
  return runAction<{ deleted: string[]; kept: Array<{ object: string; reason: string }>; message: string }>('clusters.extension.uninstall', { name, purge }, cast.caller('admin'));
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; fieldErrors?: Array<{ path: string; message: string }>; reason?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

import 'server-only';
import type { Db } from '../db';
import type { InstanceTypeSpec } from '@/lib/domain';
import { INSTANCE_TYPE_API_VERSION, INSTANCE_TYPE_KIND, INSTANCE_TYPE_LIST_KIND, toCustomResource } from '@/lib/instance-types/schema';
import { runAction, systemCaller, type Caller } from '../actions/run';
import { getObject } from '../kube/apply';
import { logger } from '../logger';
import { findClusterRow, liveCache } from './clusters';
import { findComputeTargetCaseInsensitive } from './compute-targets';

// `npm run demo` (DESIGN §9): instance types cpu-small, cpu-large, gpu-1, gpu-4 on both demo clusters, and
// compute targets with quotas for vision and forecasting, so a data scientist sees real choices at once.
// Runs after the clusters' seeding (server/demo/seed.ts), through the actions as the system account.
// Idempotent: existing instance types (maybe edited since) and targets are left as they are.

type Sizes = Record<'cpu-small' | 'cpu-large' | 'gpu-1' | 'gpu-4', InstanceTypeSpec>;

function sizes(cpuPool: Record<string, string>, gpuPool: Record<string, string>): Sizes {
  return {
    'cpu-small': { name: 'cpu-small', nodeSelector: cpuPool, resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } } },
    'cpu-large': { name: 'cpu-large', nodeSelector: cpuPool, resources: { requests: { cpu: '8', memory: '32Gi' }, limits: { cpu: '8', memory: '32Gi' } } },
    'gpu-1': { name: 'gpu-1', nodeSelector: gpuPool, resources: { requests: { cpu: '4', memory: '32Gi' }, limits: { cpu: '6', memory: '48Gi', 'nvidia.com/gpu': 1 } } },
    'gpu-4': { name: 'gpu-4', nodeSelector: gpuPool, resources: { requests: { cpu: '16', memory: '128Gi' }, limits: { cpu: '20', memory: '180Gi', 'nvidia.com/gpu': 4 } } },
  };
}

export const DEMO_INSTANCE_TYPES: Record<string, Sizes> = {
  // AKS pools, selected the way AKS labels them.
  'aks-westeurope': sizes({ 'kubernetes.azure.com/agentpool': 'cpupool' }, { 'kubernetes.azure.com/agentpool': 'gpupool' }),
  // The factory's GPU server has 2 GPUs: gpu-4 shows what "exceeds the node size" looks like before anyone submits.
  'onprem-factory': sizes({ 'harbormaster.io/pool': 'cpu' }, { 'harbormaster.io/pool': 'gpu' }),
};

export const DEMO_COMPUTE_TARGETS = [
  { workspace: 'vision', name: 'aks-gpu', cluster: 'aks-westeurope', defaultInstanceType: 'gpu-1', quota: { cpu: '80', memory: '512Gi', gpu: '12', pods: '50' }, description: 'A100 pool in West Europe for training and serving' },
  { workspace: 'vision', name: 'factory', cluster: 'onprem-factory', defaultInstanceType: 'cpu-small', quota: { cpu: '32', memory: '128Gi', gpu: '2', pods: '40' }, description: 'On-premises cluster next to the cameras' },
  { workspace: 'forecasting', name: 'aks-cpu', cluster: 'aks-westeurope', defaultInstanceType: 'cpu-small', allowedInstanceTypes: ['cpu-small', 'cpu-large', 'gpu-1'], quota: { cpu: '32', memory: '128Gi', gpu: '1', pods: '40' }, description: 'CPU pool for batch forecasts (one GPU for experiments)' },
  { workspace: 'forecasting', name: 'factory-cpu', cluster: 'onprem-factory', defaultInstanceType: 'cpu-small', allowedInstanceTypes: ['cpu-small', 'cpu-large'], quota: { cpu: '16', memory: '64Gi', pods: '20' }, description: 'Factory CPU pool, close to the sensor data' },
];

async function seedInstanceTypes(db: Db, caller: Caller, cluster: string) {
  const row = await findClusterRow(db, cluster);
  const wanted = DEMO_INSTANCE_TYPES[cluster];
  if (!row || !wanted) return;
  const client = liveCache(row).client;
  const missing: InstanceTypeSpec[] = [];
  for (const it of Object.values(wanted)) {
    if (!(await getObject(client, { apiVersion: INSTANCE_TYPE_API_VERSION, kind: INSTANCE_TYPE_KIND, name: it.name }, 8000))) missing.push(it);
  }
  if (!missing.length) return;
  const document = { apiVersion: INSTANCE_TYPE_API_VERSION, kind: INSTANCE_TYPE_LIST_KIND, items: missing.map((m) => toCustomResource(m)) };
  await runAction('instancetypes.apply', { cluster, document }, caller);
}

async function seedTarget(db: Db, caller: Caller, t: (typeof DEMO_COMPUTE_TARGETS)[number]) {
  if (!(await findClusterRow(db, t.cluster))) return;
  if (await findComputeTargetCaseInsensitive(db, t.workspace, t.name)) return;
  await runAction('compute.attach', t, caller);
}

export async function seedDemoCompute(db: Db, caller?: Caller) {
  const as = caller ?? (await systemCaller(db, 'demo-seed'));
  for (const cluster of Object.keys(DEMO_INSTANCE_TYPES)) {
    try {
      await seedInstanceTypes(db, as, cluster);
    } catch (e) {
      logger.error({ err: e, cluster }, 'demo instance types could not be created');
      console.error(`Demo instance types on ${cluster}: ${(e as Error).message}`);
    }
  }
  for (const t of DEMO_COMPUTE_TARGETS) {
    try {
      await seedTarget(db, as, t);
    } catch (e) {
      logger.error({ err: e, target: `${t.workspace}/${t.name}` }, 'demo compute target could not be attached');
      console.error(`Demo compute target ${t.workspace}/${t.name}: ${(e as Error).message}`);
    }
  }
}

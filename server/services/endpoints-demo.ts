import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db';
import { models, modelVersions, onlineEndpoints, workspaces } from '../db/schema';
import { runAction } from '../actions/run';
import { logger } from '../logger';
import { callerFor } from './jobs-demo';
import { findComputeTargetCaseInsensitive } from './compute-targets';

// `npm run demo` (issue 14): in `vision`, the online endpoint `vision-classifier` on the factory's cluster with
// a blue/green rollout in progress — `blue` serves resnet-vision version 1 and takes 90 % of the traffic,
// `green` serves version 2 (the one resnet50-baseline trained) and takes 10 %, autoscaling from 1 to 3 replicas.
// Both are TorchServe custom containers (scoring route port 8080 /predictions/resnet). Created by dana through
// the same actions as anyone's; seeded once.

export const DEMO_ENDPOINT = 'vision-classifier';
const AS = 'dana@harbormaster.local';
/** How long seeding waits for resnet-vision version 2 (registered when its training job completes). */
const WAIT_FOR_V2_MS = 20_000;

const endpointYaml = `$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json
name: ${DEMO_ENDPOINT}
compute: azureml:factory
auth_mode: key
description: Classifies camera frames from the factory line (defects vs. good parts)
tags: {team: vision, line: factory-1}
`;

const deploymentYaml = (name: string, version: string, scale: string) => `$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json
name: ${name}
endpoint_name: ${DEMO_ENDPOINT}
model: azureml:resnet-vision:${version}
model_mount_path: /home/model-server/model-store
environment:
  image: docker.io/pytorch/torchserve:0.12.0-cpu
  inference_config:
    liveness_route: {port: 8080, path: /ping}
    readiness_route: {port: 8080, path: /ping}
    scoring_route: {port: 8080, path: /predictions/resnet}
instance_type: cpu-small
${scale}
resources:
  requests: {cpu: "1", memory: 2Gi}
  limits: {cpu: "2", memory: 4Gi}
request_settings: {request_timeout_ms: 3000, max_concurrent_requests_per_instance: 4}
tags: {model-version: "${version}"}
`;

async function modelVersionExists(db: Db, workspaceId: string, version: string): Promise<boolean> {
  const [r] = await db
    .select({ id: modelVersions.id })
    .from(modelVersions)
    .innerJoin(models, eq(models.id, modelVersions.modelId))
    .where(and(eq(models.workspaceId, workspaceId), eq(models.name, 'resnet-vision'), eq(modelVersions.version, version)))
    .limit(1);
  return !!r;
}

export async function seedDemoEndpoints(db: Db): Promise<void> {
  const [ws] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.name, 'vision'));
  if (!ws) return;
  const [done] = await db.select({ id: onlineEndpoints.id }).from(onlineEndpoints).where(eq(onlineEndpoints.workspaceId, ws.id)).limit(1);
  if (done) return;
  const caller = await callerFor(db, AS);
  if (!caller || !(await findComputeTargetCaseInsensitive(db, 'vision', 'factory')) || !(await modelVersionExists(db, ws.id, '1'))) return;
  try {
    await runAction('endpoints.create', { workspace: 'vision', yaml: endpointYaml }, caller);
    await runAction('deployments.create', { workspace: 'vision', endpoint: DEMO_ENDPOINT, yaml: deploymentYaml('blue', '1', 'instance_count: 1\nscale_settings: {type: default}') }, caller);
    await runAction('endpoints.update', { workspace: 'vision', name: DEMO_ENDPOINT, traffic: { blue: 100 } }, caller);
    const until = Date.now() + WAIT_FOR_V2_MS;
    while (!(await modelVersionExists(db, ws.id, '2')) && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
    const green = (await modelVersionExists(db, ws.id, '2')) ? '2' : '1';
    if (green === '1') logger.warn('demo: resnet-vision version 2 was not registered in time; green serves version 1');
    await runAction('deployments.create', { workspace: 'vision', endpoint: DEMO_ENDPOINT, yaml: deploymentYaml('green', green, 'scale_settings: {type: target_utilization, min_instances: 1, max_instances: 3, target_utilization_percentage: 70}') }, caller);
    await runAction('endpoints.update', { workspace: 'vision', name: DEMO_ENDPOINT, traffic: { blue: 90, green: 10 } }, caller);
  } catch (e) {
    logger.warn({ err: { message: (e as Error).message } }, 'demo endpoint not created');
  }
}

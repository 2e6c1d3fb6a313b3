// Online endpoints for the e2e specs (ds-endpoints, auditor-endpoints): on the vision compute target of the
// local test cluster, whose extension serves inference (ensureInference); TorchServe-like custom containers on
// cpu-small, so the simulated pods fit the cpu pool.
import { expect, type APIRequestContext } from '@playwright/test';
import { VISION_TARGET } from './compute-fixture';

export const endpointYaml = (name: string) => `$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineEndpoint.schema.json
name: ${name}
compute: azureml:${VISION_TARGET}
auth_mode: key
description: e2e blue/green rollout
`;

export const deploymentYaml = (endpoint: string, name: string) => `$schema: https://azuremlschemas.azureedge.net/latest/kubernetesOnlineDeployment.schema.json
name: ${name}
endpoint_name: ${endpoint}
environment:
  image: docker.io/pytorch/torchserve:0.12.0-cpu
  inference_config:
    liveness_route: {port: 8080, path: /ping}
    readiness_route: {port: 8080, path: /ping}
    scoring_route: {port: 8080, path: /predictions/model}
instance_type: cpu-small
instance_count: 1
tags: {color: ${name}}
`;

/** An endpoint with the given deployments (in order), all traffic on the first. */
export async function createEndpoint(api: APIRequestContext, name: string, deployments: string[]) {
  const yaml = { 'content-type': 'application/yaml' };
  const ep = await api.post('/api/v1/workspaces/vision/online-endpoints', { headers: yaml, data: endpointYaml(name) });
  expect(ep.status(), await ep.text()).toBe(201);
  for (const d of deployments) {
    const r = await api.post(`/api/v1/workspaces/vision/online-endpoints/${name}/deployments`, { headers: yaml, data: deploymentYaml(name, d) });
    expect(r.status(), await r.text()).toBe(201);
  }
  const t = await api.patch(`/api/v1/workspaces/vision/online-endpoints/${name}`, { data: { traffic: { [deployments[0]]: 100 } } });
  expect(t.status(), await t.text()).toBe(200);
}

export async function trafficOf(api: APIRequestContext, name: string): Promise<Record<string, number>> {
  const r = await api.get(`/api/v1/workspaces/vision/online-endpoints/${name}`);
  expect(r.status(), await r.text()).toBe(200);
  return (await r.json()).traffic;
}

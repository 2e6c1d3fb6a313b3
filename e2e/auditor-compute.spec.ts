import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';
import { E2E_CLUSTER, ensureComputeScenario, FORECASTING_TARGET, noCluster, VISION_TARGET } from './compute-fixture';

// The auditor sees both workspaces' compute, read-only.
test.skip(!!noCluster, noCluster);
test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureComputeScenario();
});

test('sees every workspace’s compute targets and the instance types, without controls', async ({ page }) => {
  for (const [ws, target] of [['vision', VISION_TARGET], ['forecasting', FORECASTING_TARGET]]) {
    await page.goto(`/ops/workspaces/${ws}`);
    await expect(page.getByRole('heading', { name: 'Compute targets' })).toBeVisible();
    await expect(page.getByRole('region', { name: `Compute target ${ws}/${target}` })).toContainText(`namespace ${ws}-${target}`);
    await expect(page.getByRole('button', { name: /Attach compute|Actions for/ })).toHaveCount(0);
  }
  await page.goto(`/ops/clusters/${E2E_CLUSTER}/computes`);
  await expect(page.getByRole('region', { name: `Compute target vision/${VISION_TARGET}` })).toContainText('Workspace vision');
  await expect(page.getByRole('region', { name: `Compute target forecasting/${FORECASTING_TARGET}` })).toContainText('Workspace forecasting');
  await expectAccessible(page, 'cluster compute (auditor)');
  await page.goto('/ops/instance-types');
  await expect(page.getByRole('row', { name: /gpu-1/ }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /New instance type|Actions for/ })).toHaveCount(0);
  await page.goto('/w/forecasting/compute');
  await expect(page.getByRole('row', { name: /cpu-small/ })).toContainText(/can start \d+ now/);
});

test('every compute write is refused to the auditor', async ({ page }) => {
  await page.goto('/audit');
  expect((await page.request.post('/api/v1/workspaces/vision/computes', { data: { name: 'audit', cluster: E2E_CLUSTER } })).status()).toBe(403);
  expect((await page.request.delete(`/api/v1/workspaces/vision/computes/${VISION_TARGET}`)).status()).toBe(403);
  expect((await page.request.post(`/api/v1/clusters/${E2E_CLUSTER}/instance-types`, { data: { name: 'x', cpuRequest: '1', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' } })).status()).toBe(403);
});

import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { ensureComputeScenario, FORECASTING_TARGET, noCluster, VISION_TARGET } from './compute-fixture';

// A data scientist of vision sees vision's compute, its sizes and how many can start now — and nothing of forecasting.
test.skip(!!noCluster, noCluster);
test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureComputeScenario();
});

test("sees the workspace's compute targets with sizes and availability", async ({ page }) => {
  await page.goto('/w/vision');
  await page.getByRole('navigation').getByRole('link', { name: 'Compute' }).first().click();
  await expect(page).toHaveURL(/\/w\/vision\/compute$/);
  await expect(page.getByRole('heading', { name: 'Compute', level: 1 })).toBeVisible();
  const card = page.getByRole('region', { name: `Compute target ${VISION_TARGET}` });
  await expect(card.getByRole('heading', { name: new RegExp(VISION_TARGET) })).toBeVisible();
  await expect(card).toContainText('Cloud · westeurope');
  await expect(card).toContainText('compute: azureml:e2e-gpu');
  const gpu = card.getByRole('row', { name: /gpu-1/ });
  await expect(gpu).toContainText('default');
  await expect(gpu).toContainText('1 GPU');
  // 8 GPUs free on the nodes, the quota allows 2.
  await expect(gpu).toContainText('can start 2 now');
  await expect(gpu).toContainText('limited by the quota');
  await expect(card.getByRole('row', { name: /cpu-small/ })).toContainText(/can start \d+ now/);
  await expect(card.getByRole('meter', { name: 'GPUs quota' })).toBeVisible();
  await expect(page.getByText(FORECASTING_TARGET)).toHaveCount(0);
  await expect(page.getByText('forecasting')).toHaveCount(0);
  await expectAccessible(page, 'workspace compute');
  await snap(page, 'ds-compute');
});

test("another team's compute is not found, in the console and the API", async ({ page }) => {
  expect((await page.goto('/w/forecasting/compute'))?.status()).toBe(404);
  expect((await page.request.get('/api/v1/workspaces/forecasting/computes')).status()).toBe(404);
  expect((await page.request.get(`/api/v1/workspaces/forecasting/computes/${FORECASTING_TARGET}/instance-types`)).status()).toBe(404);
  const mine = await page.request.get('/api/v1/workspaces/vision/computes');
  expect((await mine.json()).items.map((t: { name: string }) => t.name)).toEqual([VISION_TARGET]);
  const types = await (await page.request.get(`/api/v1/workspaces/vision/computes/${VISION_TARGET}/instance-types`)).json();
  expect(types.items.find((i: { name: string }) => i.name === 'gpu-1')).toMatchObject({ canStartNow: 2, quotaAllows: 2 });
  expect((await page.request.post('/api/v1/workspaces/vision/computes', { data: { name: 'mine', cluster: 'e2e-k8s' } })).status()).toBe(403);
});

import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, ensureComputeScenario, ensureInference, noCluster } from './compute-fixture';
import { createEndpoint } from './endpoints-fixture';

// The auditor reads online endpoints and their deployments — the list, the traffic split, a deployment's
// replicas — but sees no keys, no Test, no way to change traffic or delete; the API refuses the keys (403).
test.skip(!!noCluster, noCluster);

const EP = `e2e-audited-ep-${Date.now().toString(36)}`;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await ensureComputeScenario();
  const admin = await adminApi();
  try {
    await ensureInference(admin);
    await createEndpoint(admin, EP, ['blue']);
  } finally {
    await admin.dispose();
  }
});

test('reads endpoints and deployments without keys, Test, traffic changes or deletes; the API refuses the keys', async ({ page }) => {
  await page.goto('/w/vision/endpoints');
  await expect(page.getByRole('link', { name: 'Create endpoint' })).toHaveCount(0);
  await page.getByRole('link', { name: EP, exact: true }).click();
  await expect(page.getByRole('heading', { name: EP, level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Deployments' }).getByRole('row').filter({ hasText: 'blue' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Keys' })).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Test' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Delete/ })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /Add deployment/ })).toHaveCount(0);
  await expectAccessible(page, 'endpoint (auditor)');

  await page.getByRole('tab', { name: 'Traffic' }).click();
  await expect(page.getByText(/You may read the split/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save traffic' })).toHaveCount(0);
  await snap(page, 'auditor-endpoint-traffic');

  // Keys by URL: the tab is not there; by API: refused.
  await page.goto(`/w/vision/endpoints/${EP}?tab=keys`);
  await expect(page.getByRole('button', { name: /Show keys/ })).toHaveCount(0);
  const keys = await page.request.post(`/api/v1/workspaces/vision/online-endpoints/${EP}/list-keys`);
  expect(keys.status()).toBe(403);
  expect(await keys.text()).not.toMatch(/primaryKey|secondaryKey/);
  const list = await page.request.get('/api/v1/workspaces/vision/online-endpoints');
  expect(list.status()).toBe(200);
  expect(await list.text()).not.toMatch(/primaryKey|secondaryKey/);

  await page.goto(`/w/vision/endpoints/${EP}/deployments/blue`);
  await expect(page.getByRole('heading', { name: /blue/, level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: /Edit/ })).toHaveCount(0);
  await expectAccessible(page, 'deployment (auditor)');
});

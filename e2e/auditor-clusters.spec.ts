import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, E2E_CLUSTER, ensureCluster, kubeconfigPath, noCluster } from './compute-fixture';

// The auditor sees every cluster page (list, detail, extension, health) and no control that changes anything.
test.skip(!!noCluster, noCluster);
test.beforeAll(async () => {
  test.setTimeout(180_000);
  const api = await adminApi();
  try {
    await ensureCluster(api);
  } finally {
    await api.dispose();
  }
});

const MUTATE = /Register cluster|Run checks|More actions|Install extension|Apply settings|Upgrade|Uninstall|Remove|Rotate|Edit credentials|Rename/;

test('opens the cluster list, detail, extension and health pages without mutate controls', async ({ page }) => {
  await page.goto('/ops');
  await page.getByRole('navigation').getByRole('link', { name: 'Clusters' }).first().click();
  await expect(page).toHaveURL(/\/ops\/clusters$/);
  await expect(page.getByRole('row', { name: new RegExp(E2E_CLUSTER) })).toContainText('Installed');
  await expect(page.getByRole('button', { name: MUTATE })).toHaveCount(0);
  await expectAccessible(page, 'cluster list (auditor)');

  await page.getByRole('row', { name: new RegExp(E2E_CLUSTER) }).getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/ops/clusters/${E2E_CLUSTER}$`));
  await expect(page.getByText(/Kubernetes v?1\.\d+\.\d+/).first()).toBeVisible();
  await expect(page.getByText('gpupool').first()).toBeVisible();
  await expect(page.getByRole('button', { name: MUTATE })).toHaveCount(0);
  await expectAccessible(page, 'cluster detail (auditor)');

  await page.getByRole('link', { name: 'Extension & settings' }).click();
  await expect(page.getByText('Installed').first()).toBeVisible();
  await expect(page.getByText('enableTraining').first()).toBeVisible();
  await expect(page.getByRole('button', { name: MUTATE })).toHaveCount(0);
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
  await expectAccessible(page, 'cluster extension (auditor)');
  await snap(page, 'auditor-cluster-extension');

  await page.getByRole('link', { name: /Health checks/ }).click();
  await expect(page.getByRole('list', { name: 'Health checks' }).locator('[data-check="component_not_ready"]')).toBeVisible();
  await expect(page.getByRole('button', { name: MUTATE })).toHaveCount(0);
  await expectAccessible(page, 'cluster health (auditor)');

  await page.goto(`/ops/clusters/${E2E_CLUSTER}/network`);
  await expect(page.getByRole('button', { name: MUTATE })).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
});

test('every cluster write is refused to the auditor', async ({ page }) => {
  await page.goto('/audit');
  const kubeconfig = fs.readFileSync(kubeconfigPath, 'utf8');
  expect((await page.request.post('/api/v1/clusters', { data: { name: 'audit-sneaky', kind: 'kubernetes', location: 'cloud', connection: { mode: 'kubeconfig', kubeconfig } } })).status()).toBe(403);
  expect((await page.request.put(`/api/v1/clusters/${E2E_CLUSTER}/extension`, { data: { settings: { enableTraining: true } } })).status()).toBe(403);
  expect((await page.request.delete(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).status()).toBe(403);
  expect((await page.request.delete(`/api/v1/clusters/${E2E_CLUSTER}`)).status()).toBe(403);
  expect((await page.request.post(`/api/v1/clusters/${E2E_CLUSTER}/check`)).status()).toBe(403);
  // Reading is allowed, and no credential comes back.
  const got = await page.request.get(`/api/v1/clusters/${E2E_CLUSTER}`);
  expect(got.status()).toBe(200);
  expect(await got.text()).not.toMatch(/"(kubeconfig|token|clientKey|client-key-data|password)"\s*:|BEGIN/);
});

import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { E2E_CLUSTER, kubeconfigPath } from './compute-fixture';

// A data scientist can neither see nor change clusters and their ML extension: the server refuses, not just the nav.
test('the clusters pages answer 403 and the nav has no Clusters link', async ({ page }) => {
  await page.goto('/w/vision');
  await expect(page.getByRole('heading', { name: 'Vision', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Clusters' })).toHaveCount(0);
  for (const path of ['/ops/clusters', `/ops/clusters/${E2E_CLUSTER}`, `/ops/clusters/${E2E_CLUSTER}/extension`, `/ops/clusters/${E2E_CLUSTER}/health`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: /do not have access/ })).toBeVisible();
    await expect(page.getByRole('button', { name: /Register cluster|Install extension|Uninstall/ })).toHaveCount(0);
  }
});

test('registering a cluster or installing the extension through the API is refused', async ({ page }) => {
  await page.goto('/w/vision');
  const kubeconfig = kubeconfigPath ? fs.readFileSync(kubeconfigPath, 'utf8') : 'apiVersion: v1\nkind: Config\n';
  const reg = await page.request.post('/api/v1/clusters', { data: { name: 'ds-sneaky', kind: 'kubernetes', location: 'cloud', connection: { mode: 'kubeconfig', kubeconfig } } });
  expect(reg.status()).toBe(403);
  expect(reg.headers()['content-type']).toContain('application/problem+json');
  const install = await page.request.put(`/api/v1/clusters/${E2E_CLUSTER}/extension`, { data: { settings: { enableTraining: true } } });
  expect(install.status()).toBe(403);
  expect((await page.request.delete(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).status()).toBe(403);
  expect((await page.request.delete(`/api/v1/clusters/${E2E_CLUSTER}`)).status()).toBe(403);
  expect((await page.request.get('/api/v1/clusters')).status()).toBe(403);
});

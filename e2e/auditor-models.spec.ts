import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi } from './compute-fixture';

// The auditor reads the model registry — the list, a model's versions, a version with its lineage — but gets no
// Register, Archive or Restore, and the API refuses them too. The model is registered by the ops admin (a URL
// path: no cluster needed).
const MODEL = `e2e-audited-model-${Date.now().toString(36)}`;

test.beforeAll(async () => {
  const admin = await adminApi();
  try {
    const r = await admin.post('/api/v1/workspaces/vision/models', { data: { name: MODEL, type: 'custom_model', path: 'https://example.com/models/audited.onnx', description: 'Registered for the auditor', tags: { team: 'vision' } } });
    expect(r.status(), await r.text()).toBe(201);
  } finally {
    await admin.dispose();
  }
});

test('reads models, versions and lineage without Register, Archive or Restore; the API answers 403', async ({ page }) => {
  await page.goto('/w/vision/models');
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Register model' })).toHaveCount(0);
  const row = page.getByRole('row').filter({ hasText: MODEL });
  await expect(row).toContainText('Registered for the auditor');
  await expectAccessible(page, 'models list (auditor)');

  await row.getByRole('link', { name: MODEL }).click();
  await expect(page.getByRole('heading', { name: MODEL, level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New version' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Archive|Restore/ })).toHaveCount(0);

  await page.goto(`/w/vision/models/${MODEL}/versions/1`);
  await expect(page.getByRole('heading', { name: `${MODEL}:1`, level: 1 })).toBeVisible();
  await expect(page.getByTestId('model-location')).toContainText('Files at example.com');
  await expect(page.getByTestId('lineage-graph').locator('[data-lineage-node="model"]')).toContainText(`${MODEL}:1`);
  await expect(page.getByTestId('not-deployed')).toBeVisible();
  await expect(page.getByRole('button', { name: /Archive|Restore/ })).toHaveCount(0);
  await expectAccessible(page, 'model version (auditor)');
  await snap(page, 'auditor-model-version');

  // The register page is not theirs, and the API refuses every change.
  const form = await page.goto('/w/vision/models/new');
  expect(form?.status()).toBe(403);
  const post = await page.request.post('/api/v1/workspaces/vision/models', { data: { name: MODEL, path: 'https://example.com/other.onnx' } });
  expect(post.status()).toBe(403);
  for (const action of ['archive', 'restore']) {
    const r = await page.request.post(`/api/v1/workspaces/vision/models/${MODEL}/versions/1/${action}`);
    expect(r.status(), action).toBe(403);
  }
  const still = await page.request.get(`/api/v1/workspaces/vision/models/${MODEL}/versions/1`);
  expect((await still.json()).archived).toBe(false);
});

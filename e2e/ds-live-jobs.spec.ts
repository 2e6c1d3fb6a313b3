import { expect, request, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';

// A data scientist keeps the jobs page open while a job is submitted through the API (a personal token, as
// automation would): the job appears and reaches Completed on the open page, with no reload — the jobs
// stream (?watch=true) feeds react-query. Needs the status reconciler to publish job changes.
test.skip(!!noCluster, noCluster);
test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureComputeScenario();
});

test('a job submitted through the API appears on the open jobs page and reaches Completed without a reload', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto('/w/vision/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^live$/ })).toBeVisible();
  await expect(page.getByText('Live updates paused')).toHaveCount(0);
  await page.evaluate(() => Object.assign(window, { __hmSamePage: true }));

  const created = await page.request.post('/api/v1/tokens', { data: { name: `e2e-live-jobs-${Date.now()}`, expiresIn: '1d' } });
  expect(created.status(), await created.text()).toBe(201);
  const { token, id: tokenId } = await created.json();
  const api = await request.newContext({ baseURL: process.env.HM_E2E_BASE_URL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  try {
    const yaml = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
display_name: live-watch-e2e
experiment_name: live-pages
command: echo hello from the live jobs page
environment:
  image: busybox:1.36
compute: azureml:${VISION_TARGET}
`;
    const r = await api.post('/api/v1/workspaces/vision/jobs', { headers: { 'content-type': 'application/yaml' }, data: yaml });
    expect(r.status(), await r.text()).toBe(201);
    const { name } = await r.json();
    expect(name).toBeTruthy();

    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row).toContainText('live-watch-e2e');
    await expect(row.locator('[data-job-status]')).toHaveAttribute('data-job-status', 'Completed', { timeout: 120_000 });
    await expect(row).toContainText('Completed');
    expect(await page.evaluate(() => (window as unknown as { __hmSamePage?: boolean }).__hmSamePage)).toBe(true);
    await expectAccessible(page, 'jobs page (live)');
    await snap(page, 'ds-jobs-live');
  } finally {
    await api.dispose();
    await page.request.delete(`/api/v1/tokens/${tokenId}`);
  }
});

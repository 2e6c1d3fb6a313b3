import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';
import { cancelJobs, jobStatus, submitJob } from './jobs-fixture';

// The auditor reads a running job — status, timeline, logs, events, what was applied — but gets no Cancel,
// Re-run or Clone, and the API refuses them too. The job is submitted (and canceled afterwards) by the ops admin.
test.skip(!!noCluster, noCluster);
test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureComputeScenario();
});

test('sees a running job and its logs, without Cancel, Re-run or Clone', async ({ page }) => {
  test.setTimeout(120_000);
  const admin = await adminApi();
  let name: string | undefined;
  try {
    name = await submitJob(admin, { displayName: 'e2e-audited', compute: VISION_TARGET, duration: '5m' });
    await expect.poll(() => jobStatus(admin, name!), { timeout: 60_000 }).toBe('Running');

    await page.goto('/w/vision/jobs');
    await expect(page.getByRole('link', { name: 'New job' })).toHaveCount(0);
    await page.getByRole('row').filter({ hasText: name }).getByRole('link').first().click();
    await expect(page).toHaveURL(new RegExp(`/w/vision/jobs/${name}$`));
    await expect(page.getByRole('heading', { name: 'e2e-audited', level: 1 })).toBeVisible();
    await expect(page.locator('h1 ~ [data-status]')).toHaveAttribute('data-status', 'Running');
    await expect(page.getByRole('list', { name: 'Status timeline' })).toContainText('Running');
    await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Re-run' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Clone' })).toHaveCount(0);

    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect(page.getByRole('log', { name: 'Log of rank 0' })).toContainText('Training finished', { timeout: 20_000 });
    await page.getByRole('tab', { name: 'YAML' }).click();
    await expect(page.getByRole('region', { name: 'Kubernetes objects Harbormaster applied' })).toContainText('kind: Job');
    await expectAccessible(page, 'job page (auditor)');
    await snap(page, 'auditor-job');

    for (const action of ['cancel', 'rerun']) {
      const r = await page.request.post(`/api/v1/workspaces/vision/jobs/${name}/${action}`);
      expect(r.status(), action).toBe(403);
    }
    expect(await jobStatus(admin, name)).toBe('Running');
  } finally {
    await cancelJobs(admin, [name]);
    await admin.dispose();
  }
});

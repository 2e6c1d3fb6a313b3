import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';

// The auditor may read job specifications but never submit or validate: no controls, and the API refuses.
test('opens the New job page read-only, without Validate or Submit', async ({ page }) => {
  const res = await page.goto('/w/vision/jobs/new');
  expect(res?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'New job', level: 1 })).toBeVisible();
  await expect(page.getByText(/Read-only: you can look at job specifications here/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Validate' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Submit' })).toHaveCount(0);
  await expectAccessible(page, 'new job (auditor)');
  await snap(page, 'auditor-new-job');
  await page.goto('/w/vision/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New job' })).toHaveCount(0);
});

test('a direct POST is refused, dry run or not', async ({ page }) => {
  await page.goto('/w/vision/jobs');
  const yaml = 'command: echo hi\nenvironment: {image: busybox:1.36}\n';
  for (const q of ['?dryRun=true', '']) {
    const r = await page.request.post(`/api/v1/workspaces/vision/jobs${q}`, { headers: { 'content-type': 'application/yaml' }, data: yaml });
    expect(r.status()).toBe(403);
    expect(r.headers()['content-type']).toContain('application/problem+json');
  }
  expect((await page.request.post('/api/v1/workspaces/vision/environments', { data: { name: 'x', version: '1', image: 'python:3.11' } })).status()).toBe(403);
  expect((await page.request.get('/api/v1/workspaces/vision/jobs')).status()).toBe(200);
});

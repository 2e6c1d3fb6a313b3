import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';

test('a data scientist lands in their workspace and sees no Ops or Audit areas', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/w\/vision$/);
  await expect(page.getByRole('heading', { name: 'Vision', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users & tokens' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  await expectAccessible(page, 'workspace home');
  await snap(page, 'ds-workspace-home');
});

test('ops pages answer 403 and another team’s workspace 404, from the server', async ({ page }) => {
  for (const path of ['/ops', '/ops/users', '/ops/workspaces', '/audit']) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: /do not have access/ })).toBeVisible();
  }
  const res = await page.goto('/w/forecasting');
  expect(res?.status()).toBe(404);
});

test('a direct POST with the session cookie is refused by the server', async ({ page }) => {
  await page.goto('/w/vision');
  const r = await page.request.post('/api/v1/workspaces', { data: { name: 'sneaky' } });
  expect(r.status()).toBe(403);
  expect(r.headers()['content-type']).toContain('application/problem+json');
  const u = await page.request.post('/api/v1/users', { data: { email: 'evil@example.com', globalRole: 'ops_admin' } });
  expect(u.status()).toBe(403);
});

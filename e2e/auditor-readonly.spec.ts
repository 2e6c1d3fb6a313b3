import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';

test('the auditor reads everything and sees no controls that change anything', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/audit$/);
  await expectAccessible(page, 'audit log');
  for (const path of ['/ops/users', '/ops/workspaces', '/ops/workspaces/vision']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('button', { name: /New user|New workspace|Archive|Add as data scientist|Save/ })).toHaveCount(0);
  }
  await page.goto('/audit/access');
  await expect(page.getByRole('cell', { name: 'users.manage' })).toBeVisible();
});

test('a direct POST by the auditor is refused and audited as denied', async ({ page }) => {
  await page.goto('/audit');
  const r = await page.request.post('/api/v1/workspaces', { data: { name: 'auditor-was-here' } });
  expect(r.status()).toBe(403);
  await page.goto('/audit?outcome=denied');
  await expect(page.getByRole('cell', { name: 'workspaces.create' }).first()).toBeVisible();
  const exp = await page.request.get('/api/v1/audit/export?format=csv&outcome=denied');
  expect(exp.status()).toBe(200);
  expect(await exp.text()).toMatch(/^id,at,actor/);
});

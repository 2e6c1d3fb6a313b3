import { expect, test } from '@playwright/test';
import { E2E_USERS } from './users';
import { expectAccessible, snap } from './helpers';

test('the ops admin sees the Ops and Audit areas', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/ops$/);
  const nav = page.getByRole('navigation', { name: /main|primary|sidebar/i }).first();
  await expect(nav.getByRole('link', { name: 'Users & tokens' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit log' })).toBeVisible();
});

test('every ops page is accessible', async ({ page }) => {
  for (const [path, heading] of [
    ['/ops', 'Overview'],
    ['/ops/users', 'Users'],
    ['/ops/workspaces', 'Workspaces'],
    ['/ops/workspaces/vision', 'Vision'],
    ['/audit', 'Audit log'],
    ['/audit/access', 'Access'],
    ['/settings', 'Tokens & security'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    await expectAccessible(page, path);
    await snap(page, `ops${path.replace(/\//g, '-')}`);
  }
});

test('creates a workspace, a user in it, and sees both audited', async ({ page }) => {
  await page.goto('/ops/workspaces');
  await page.getByRole('button', { name: 'New workspace' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: /^Name/ }).fill('Bad Name');
  await dialog.getByLabel('Display name').click();
  await expect(dialog.getByText(/DNS-1123 label/)).toBeVisible();
  await dialog.getByRole('textbox', { name: /^Name/ }).fill('speech');
  await dialog.getByLabel('Display name').fill('Speech team');
  await dialog.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByRole('link', { name: /Speech team/ })).toBeVisible();

  await page.goto('/ops/users');
  await page.getByRole('button', { name: 'New user' }).click();
  const d2 = page.getByRole('dialog');
  await d2.getByLabel('Email').fill('sam@example.com');
  await d2.getByLabel('speech').check();
  await d2.getByRole('button', { name: 'Create user' }).click();
  await expect(d2.getByText(/you will not see it again/i)).toBeVisible();
  await d2.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: /sam@example.com/ })).toContainText('speech');

  await page.goto('/audit?q=speech');
  await expect(page.getByRole('cell', { name: 'workspaces.create' }).first()).toBeVisible();
  await expect(page.getByText(/chain verified/)).toBeVisible();
});

test('an API token is shown once and works', async ({ page, request }) => {
  await page.goto('/settings');
  // Tokens expire after 90 days unless asked otherwise.
  await expect(page.getByLabel('Expires in')).toHaveValue('90d');
  await page.getByLabel('Token name').fill('e2e-token');
  await page.getByRole('button', { name: 'Create token' }).click();
  const code = page.locator('code').filter({ hasText: /^hm_/ });
  await expect(code).toBeVisible();
  const token = (await code.textContent())!.trim();
  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe(E2E_USERS.admin.email);
  await page.reload();
  await expect(page.locator('code').filter({ hasText: /^hm_/ })).toHaveCount(0);
  const row = page.getByRole('list', { name: 'Your API tokens' }).getByRole('listitem').filter({ hasText: 'e2e-token' });
  await expect(row).toContainText(/expires in \d+ mo/);
  await expect(row).not.toContainText('never expires');
  // A token about to stop is flagged before it does.
  expect((await page.request.post('/api/v1/tokens', { data: { name: 'e2e-soon', expiresIn: '3d' } })).status()).toBe(201);
  await page.reload();
  const warning = page.getByRole('status').filter({ hasText: /expires? within 7 days/ });
  await expect(warning).toContainText('e2e-soon');
  await expect(page.getByRole('listitem').filter({ hasText: 'e2e-soon' })).toContainText('Expires soon');
});

test('a password reset says it ends the sessions and revokes the API tokens, and does', async ({ page, browser, request }) => {
  const email = `reset-${Date.now()}@example.com`;
  const created = await page.request.post('/api/v1/users', { data: { email, password: 'first-password-of-them' } });
  expect(created.status()).toBe(201);
  // The user signs in elsewhere and makes a token.
  const theirs = await browser.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies: [], origins: [] } });
  try {
    expect((await theirs.request.post('/api/auth/login', { data: { email, password: 'first-password-of-them' } })).status()).toBe(200);
    const token = (await (await theirs.request.post('/api/v1/tokens', { data: { name: 'their-script' } })).json()).token as string;
    expect((await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);

    await page.goto('/ops/users');
    await page.getByRole('button', { name: `Actions for ${email}` }).click();
    await page.getByRole('menuitem', { name: 'Reset password…' }).click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm).toContainText('All their sessions end and all their API tokens are revoked');
    await confirm.getByRole('button', { name: 'Reset password' }).click();
    const done = page.getByRole('dialog', { name: 'Password reset' });
    await expect(done).toContainText('1 session ended and 1 API token revoked');
    await done.getByRole('button', { name: 'Done' }).click();

    expect((await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
    expect((await theirs.request.get('/api/v1/me')).status()).toBe(401);
  } finally {
    await theirs.close();
  }
});

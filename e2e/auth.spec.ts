import { expect, test } from '@playwright/test';
import { E2E_USERS } from './users';
import { expectAccessible } from './helpers';

test('an anonymous visitor is sent to sign-in, and the sign-in page is accessible', async ({ page }) => {
  await page.goto('/ops/users');
  await expect(page).toHaveURL(/\/login\?next=%2Fops%2Fusers/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'sign-in page');
});

test('a wrong password gets a clear message and no session', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(E2E_USERS.admin.email);
  await page.getByLabel('Password').fill('not-the-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // the message is announced (role=alert) next to the form
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email or password' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'hm_session')).toBeUndefined();
});

test('sign in lands on the role’s home, sign out ends the session', async ({ page }) => {
  await page.goto('/login?next=%2Fops%2Fworkspaces');
  await page.getByLabel('Email').fill(E2E_USERS.admin.email);
  await page.getByLabel('Password').fill(E2E_USERS.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/ops\/workspaces$/);
  await expect(page.getByRole('heading', { name: 'Workspaces', level: 1 })).toBeVisible();
  const cookie = (await page.context().cookies()).find((c) => c.name === 'hm_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/ops');
  await expect(page).toHaveURL(/\/login/);
});

test('a next= that points off the console is ignored, before and after signing in (issue 18: open redirect)', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  // `/%5Cevil.example` arrives as `/\evil.example`, which browsers read as `//evil.example`.
  await page.goto('/login?next=/%5Cevil.example');
  await page.getByLabel('Email').fill(E2E_USERS.admin.email);
  await page.getByLabel('Password').fill(E2E_USERS.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  expect(new URL(page.url()).origin).toBe(origin);
  // Signed in, the sign-in page redirects at once (server side): to the console's home, never elsewhere.
  // (As written in the query string: the page sees them decoded once.)
  for (const next of ['/%5Cevil.example', '%2F%2Fevil.example', '/%09/evil.example', 'https%3A%2F%2Fevil.example', '/.//evil.example', '/%255Cevil.example']) {
    await page.goto(`/login?next=${next}`);
    await expect(page).not.toHaveURL(/\/login/);
    expect(new URL(page.url()).origin, next).toBe(origin);
  }
  // A path on the console is still followed.
  await page.goto('/login?next=%2Fops%2Fworkspaces%3Fx%3D1');
  await expect(page).toHaveURL(/\/ops\/workspaces\?x=1$/);
});

test('served over https behind a proxy, pages carry HSTS; over plain http they do not (issue 18: headers)', async ({ request }) => {
  const tls = await request.get('/login', { headers: { 'x-forwarded-proto': 'https' } });
  expect(tls.headers()['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(tls.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  const plain = await request.get('/login');
  expect(plain.headers()['strict-transport-security']).toBeUndefined();
});

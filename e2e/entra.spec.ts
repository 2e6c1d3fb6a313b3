// "Sign in with Microsoft" in Chromium, through the real login and consent pages of the local OpenID Connect
// issuer that stands in for Entra ID (testbed/oidc, started by scripts/e2e.mjs): on the shared console (local
// accounts on) and on a console of its own with HARBORMASTER_LOCAL_ACCOUNTS=false, where the first ops admin comes
// from the Entra app role. The issuer's HTTPS certificate is from a local CA Chromium does not know: its pages are
// opened with ignoreHTTPSErrors (the console itself trusts the CA through HARBORMASTER_ENTRA_CA_FILE).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './helpers';
import { Cleanup, seedDatabase, startExtraConsole } from './process-fixture';

test.use({ ignoreHTTPSErrors: true });

const entraEnv: Record<string, string> = JSON.parse(process.env.HM_E2E_ENTRA_ENV ?? '{}');
const PASSWORD = 'harbormaster'; // the local issuer's test users (testbed/oidc/issuer.mjs)

async function signInWithMicrosoft(page: Page, origin: string, login: string) {
  await page.getByRole('link', { name: 'Sign in with Microsoft' }).click();
  // The identity provider's own pages.
  await expect(page).toHaveURL(new RegExp(`^${entraEnv.HARBORMASTER_ENTRA_AUTHORITY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/interaction/`));
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email or user name').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Permissions requested' })).toBeVisible();
  await expect(page.getByText('https://management.azure.com/.default')).toBeVisible();
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL((u) => u.origin === origin);
}

test.beforeEach(() => {
  test.skip(!entraEnv.HARBORMASTER_ENTRA_AUTHORITY, 'scripts/e2e.mjs starts the local OpenID Connect issuer');
});

test('Sign in with Microsoft → the issuer’s pages → the console as a data scientist in the mapped workspace; sign out offers the issuer’s sign-out', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await page.goto('/login?next=%2Fw%2Fvision');
  await expect(page.getByRole('link', { name: 'Sign in with Microsoft' })).toBeVisible();
  await expect(page.getByLabel('Email')).toBeVisible(); // local accounts stay available
  await expectAccessible(page, 'sign-in page with Microsoft');
  await signInWithMicrosoft(page, origin, 'dana@contoso.test');
  // Group grp-vision → member of vision: the next= path is kept through the round trip.
  await expect(page).toHaveURL(`${origin}/w/vision`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const cookie = (await page.context().cookies(origin)).find((c) => c.name === 'hm_session');
  expect(cookie?.httpOnly).toBe(true);
  // Only vision: forecasting is not theirs.
  const other = await page.goto('/w/forecasting');
  expect(other?.status()).toBe(404);

  await page.goto('/w/vision');
  await page.getByRole('button', { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/login\?signedOut=1&provider=entra/);
  await expect(page.getByText('You are signed out.')).toBeVisible();
  const endSession = page.getByRole('link', { name: 'Also sign out of Microsoft' });
  await expect(endSession).toBeVisible();
  await endSession.click();
  // The issuer asks to confirm its sign-out, then sends the browser back to the console's sign-in page.
  await expect(page).toHaveURL(new RegExp(`^${entraEnv.HARBORMASTER_ENTRA_AUTHORITY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/session/end`));
  await page.getByRole('button', { name: /yes|sign.?out|logout/i }).first().click();
  await page.waitForURL((u) => u.origin === origin && u.pathname === '/login');
  await page.goto('/w/vision');
  await expect(page).toHaveURL(/\/login/);
});

test('a user without a mapped app role is refused with a clear message and gets no session', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  await page.goto('/login');
  await signInWithMicrosoft(page, origin, 'nobody@contoso.test');
  await expect(page).toHaveURL(/\/login\?error=unmapped/);
  await expect(page.getByRole('alert').filter({ hasText: 'Your Microsoft account has no Harbormaster role' })).toBeVisible();
  expect((await page.context().cookies(origin)).find((c) => c.name === 'hm_session')).toBeUndefined();
});

test.describe('local accounts switched off', () => {
  const cleanup = new Cleanup();
  test.afterEach(async () => cleanup.run());

  test('no password form; the first ops admin comes from the Entra role; a data scientist lands in the mapped workspace', async ({ page }) => {
    test.setTimeout(120_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-entra-only-'));
    cleanup.defer('remove the data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }));
    seedDatabase({ dataDir }); // workspaces vision and forecasting (and local accounts, which cannot sign in here)
    const c = await startExtraConsole('entra-only', { ...entraEnv, HARBORMASTER_DATA_DIR: dataDir, HARBORMASTER_LOCAL_ACCOUNTS: 'false' }, cleanup);

    // The password sign-in is refused by the server, not only hidden.
    const refused = await page.request.post(`${c.url}/api/auth/login`, { data: { email: 'e2e-admin@example.com', password: 'e2e-admin-password-1' } });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).detail).toMatch(/Local accounts are switched off/);

    await page.goto(`${c.url}/login`);
    await expect(page.getByText('Use your Microsoft account.')).toBeVisible();
    await expect(page.getByLabel('Email')).toHaveCount(0);
    await expectAccessible(page, 'sign-in page, Microsoft only');
    await signInWithMicrosoft(page, c.url, 'olivia@contoso.test');
    await page.goto(`${c.url}/ops/users`);
    await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
    const olivia = page.getByRole('row').filter({ hasText: 'olivia@contoso.test' });
    await expect(olivia).toContainText('from Entra app role OpsAdmin');
    await expect(olivia).toContainText('Microsoft');
    // No "Create user" when local accounts are off.
    await expect(page.getByRole('button', { name: /create user/i })).toHaveCount(0);
    await page.getByRole('button', { name: /sign out/i }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1/);

    // Another person at this browser: the issuer's session (olivia's) must not carry over.
    await page.context().clearCookies();
    await signInWithMicrosoft(page, c.url, 'fred@contoso.test');
    await page.goto(`${c.url}/w/forecasting`);
    await expect(page).toHaveURL(`${c.url}/w/forecasting`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const ops = await page.goto(`${c.url}/ops/users`);
    expect(ops?.status()).toBe(403);
  });
});

import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, ensureComputeScenario, ensureInference, noCluster } from './compute-fixture';
import { tokenApi } from './jobs-fixture';
import { createEndpoint, trafficOf } from './endpoints-fixture';

// A data scientist's blue/green rollout on the local test cluster: an endpoint serves blue (all traffic) and has
// green at 0 %; both become Healthy live; the traffic slider moves 10 % to green (saved: the API and the bar
// agree), then green is promoted to 100 %, and blue — no longer taking traffic — is deleted after typing its name.
// The keys are shown masked and revealed on request; the Test panel says plainly that a simulated cluster has
// no model server to answer.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

const EP = `e2e-ep-${Date.now().toString(36)}`;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await ensureComputeScenario();
  const admin = await adminApi();
  try {
    await ensureInference(admin);
  } finally {
    await admin.dispose();
  }
});

test('a blue/green rollout with the traffic slider, then promote and remove the old deployment', async ({ page }) => {
  test.setTimeout(180_000);
  const api = await tokenApi(page, 'endpoints');
  try {
    await createEndpoint(api, EP, ['blue', 'green']);

    await page.goto('/w/vision/endpoints');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Endpoints' }).first()).toHaveAttribute('href', '/w/vision/endpoints');
    await page.getByRole('link', { name: EP, exact: true }).click();
    await expect(page.getByRole('heading', { name: EP, level: 1 })).toBeVisible();
    // Both deployments become Healthy on the page, without a reload (the simulated pods turn Ready).
    const table = page.getByRole('table', { name: 'Deployments' });
    for (const d of ['blue', 'green']) await expect(table.getByRole('row').filter({ hasText: d })).toContainText('Healthy', { timeout: 90_000 });
    await expectAccessible(page, 'endpoint page');

    // Move 10 % to green with the slider: Page Down moves it by 10.
    await page.getByRole('tab', { name: 'Traffic' }).click();
    const slider = page.getByRole('slider', { name: /Split between blue and green/ });
    await expect(slider).toHaveValue('100');
    await slider.focus();
    await page.keyboard.press('PageDown');
    await expect(slider).toHaveValue('90');
    await expect(slider).toHaveAttribute('aria-valuetext', 'blue 90 %, green 10 %');
    await snap(page, 'ds-endpoint-traffic');
    await page.getByRole('button', { name: 'Save traffic' }).click();
    await expect(page.getByText(/Not saved yet/)).toHaveCount(0);
    await expect.poll(() => trafficOf(api, EP)).toEqual({ blue: 90, green: 10 });
    await page.mouse.move(0, 0);
    await expectAccessible(page, 'traffic tab');

    // Promote green: all traffic to it.
    await page.getByRole('button', { name: /Promote green/ }).click();
    await expect(slider).toHaveValue('0');
    await page.getByRole('button', { name: 'Save traffic' }).click();
    await expect.poll(() => trafficOf(api, EP)).toEqual({ blue: 0, green: 100 });
    await page.reload();
    await expect(page.getByRole('slider', { name: /Split between blue and green/ })).toHaveValue('0');

    // Remove blue (no traffic left), after typing its name.
    await page.goto(`/w/vision/endpoints/${EP}/deployments/blue`);
    await expect(page.getByRole('heading', { name: /blue/, level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitem', { name: /Delete deployment/ }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete deployment blue?' });
    await dialog.getByRole('textbox', { name: /Type blue to confirm/ }).fill('blue');
    await dialog.getByRole('button', { name: 'Delete deployment' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/vision/endpoints/${EP}(\\?.*)?$`));
    await expect(page.getByRole('table', { name: 'Deployments' }).getByRole('row').filter({ hasText: 'blue' })).toHaveCount(0);
    const left = await (await api.get(`/api/v1/workspaces/vision/online-endpoints/${EP}/deployments`)).json();
    expect(left.items.map((d: { name: string }) => d.name)).toEqual(['green']);
  } finally {
    await api.revoke();
  }
});

test('shows the keys only on request, and the Test panel explains the simulated cluster', async ({ page }) => {
  await page.goto(`/w/vision/endpoints/${EP}?tab=keys`);
  await expect(page.getByRole('heading', { name: EP, level: 1 })).toBeVisible();
  await page.getByRole('button', { name: /Show keys/ }).click();
  const primary = page.getByLabel('Primary key (hidden)');
  await expect(primary).toBeVisible();
  await page.getByRole('button', { name: 'Reveal the primary key' }).click();
  await expect(page.getByLabel('Primary key', { exact: true })).toHaveText(/^[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page, 'keys tab');

  await page.getByRole('tab', { name: 'Test' }).click();
  await page.getByRole('button', { name: /Send/ }).click();
  await expect(page.getByText(/is simulated \(KWOK\)/)).toBeVisible({ timeout: 20_000 });
  // The pointer still rests on Send; its hover shade is the Button component's, not this page's.
  await page.mouse.move(0, 0);
  await expectAccessible(page, 'test tab');
  await snap(page, 'ds-endpoint-test');
});

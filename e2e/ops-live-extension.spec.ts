import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, E2E_CLUSTER, ensureCluster, kubeconfigPath, noCluster } from './compute-fixture';

// An ops admin keeps a cluster's extension page open while an install is started elsewhere (the API): the
// steps arrive on the open page one after the other and end installed — no reload, no polling, only the
// extension's stream (?watch=true). The cluster is the test API server registered once more as e2e-live,
// installed with the settings e2e-k8s already has there, so nothing on the cluster changes for the others.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

const NAME = 'e2e-live';
let settings: Record<string, unknown> = { enableTraining: true };

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const api = await adminApi();
  try {
    await ensureCluster(api);
    const shared = await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json();
    if (shared.settings) settings = shared.settings;
    if ((await api.get(`/api/v1/clusters/${NAME}`)).status() !== 404) await api.delete(`/api/v1/clusters/${NAME}`);
    const r = await api.post('/api/v1/clusters', {
      data: { name: NAME, displayName: 'E2E live cluster', kind: 'kubernetes', location: 'on-prem', region: 'lab-2', connection: { mode: 'kubeconfig', kubeconfig: fs.readFileSync(kubeconfigPath, 'utf8') } },
    });
    expect(r.status(), await r.text()).toBe(201);
  } finally {
    await api.dispose();
  }
});

test.afterAll(async () => {
  // Removing the registration leaves the extension on the cluster (e2e-k8s still uses it).
  const api = await adminApi();
  try {
    await api.delete(`/api/v1/clusters/${NAME}`);
  } finally {
    await api.dispose();
  }
});

test('install steps started elsewhere arrive live on the open extension page', async ({ page }) => {
  test.setTimeout(180_000);
  const polls: string[] = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.pathname === `/api/v1/clusters/${NAME}/extension` && req.method() === 'GET' && u.searchParams.get('watch') !== 'true') polls.push(req.url());
  });
  const stream = page.waitForRequest((req) => req.url().includes(`/api/v1/clusters/${NAME}/extension?watch=true`));
  await page.goto(`/ops/clusters/${NAME}/extension`);
  await stream;
  await expect(page.getByRole('status').filter({ hasText: /^live$/ })).toBeVisible();
  // Record every progress line the page shows from now on.
  await page.evaluate(() => {
    const w = window as unknown as { __hmProgress: string[]; __hmSamePage: boolean };
    w.__hmProgress = [];
    w.__hmSamePage = true;
    const record = () => {
      const p = document.querySelector('ol[aria-label="Install steps"]')?.previousElementSibling?.textContent ?? '';
      if (p && w.__hmProgress[w.__hmProgress.length - 1] !== p) w.__hmProgress.push(p);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });

  const api = await adminApi();
  try {
    const r = await api.put(`/api/v1/clusters/${NAME}/extension`, { data: { settings } });
    expect(r.status(), await r.text()).toBe(202);
  } finally {
    await api.dispose();
  }

  const steps = page.getByRole('list', { name: 'Install steps' });
  await expect(steps).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/(\d+) of \1 steps done/)).toBeVisible({ timeout: 150_000 });
  await expect(steps.locator('[data-status="failed"]')).toHaveCount(0);
  await expect(page.getByText(`Extension installed on ${NAME}`)).toBeVisible();
  await expect(page.getByText('Installed').first()).toBeVisible();

  const progress = await page.evaluate(() => (window as unknown as { __hmProgress: string[] }).__hmProgress);
  const counts = progress.map((p) => Number(/^(\d+) of/.exec(p)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
  // The steps came one after the other (several distinct counts, never going back), not all at once.
  expect(new Set(counts).size, `progress seen: ${JSON.stringify(progress)}`).toBeGreaterThan(1);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(await page.evaluate(() => (window as unknown as { __hmSamePage?: boolean }).__hmSamePage)).toBe(true);
  expect(polls, 'the page does not poll the extension').toEqual([]);
  await expect(page.getByText('Live updates paused')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await expectAccessible(page, 'extension page (live install)');
  await snap(page, 'ops-extension-live');
});

test('the clusters list is live too, and shows the new registration', async ({ page }) => {
  await page.goto('/ops/clusters');
  await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^live$/ })).toBeVisible();
  const row = page.getByRole('row', { name: /E2E live cluster/ });
  await expect(row).toBeVisible();
  await expect(row).not.toContainText('Unreachable');
});

import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, E2E_CLUSTER, ensureComputeScenario, FORECASTING_TARGET, noCluster, VISION_TARGET } from './compute-fixture';
import { E2E_USERS } from './users';

// The auditor reads the sharing map (issue 15): flags, the location filter, the matrix and the graph, the CSV and
// JSON exports; and who can do what on a cluster and on a workspace (/audit/access), with its CSV.
test.skip(!!noCluster, noCluster);

// A real state behind two more flags: a second target, without a quota, on vision's namespace (detached after).
const SHARED_TARGET = 'e2e-shared';
let insecure = false;
test.beforeAll(async () => {
  test.setTimeout(240_000);
  await ensureComputeScenario();
  const api = await adminApi();
  try {
    // The e2e cluster's extension allows plain-HTTP scoring (E2E_EXTENSION_SETTINGS) unless another spec changed it.
    const ext = await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json();
    insecure = !!(ext.settings?.enableInference && ext.settings?.allowInsecureConnections);
    const list = await (await api.get('/api/v1/workspaces/forecasting/computes')).json();
    if (!(list.items ?? []).some((t: { name: string }) => t.name === SHARED_TARGET)) {
      const r = await api.post('/api/v1/workspaces/forecasting/computes', { data: { cluster: E2E_CLUSTER, name: SHARED_TARGET, namespace: `vision-${VISION_TARGET}`, confirmSharedNamespace: true } });
      expect(r.status(), await r.text()).toBe(201);
    }
  } finally {
    await api.dispose();
  }
});
test.afterAll(async () => {
  const api = await adminApi();
  try {
    const r = await api.delete(`/api/v1/workspaces/forecasting/computes/${SHARED_TARGET}`);
    expect([200, 202, 204, 404], await r.text()).toContain(r.status());
  } finally {
    await api.dispose();
  }
});

const matrixCell = (page: Page, workspace: string) => page.getByTestId('sharing-matrix').getByRole('cell', { name: `${E2E_CLUSTER} × ${workspace}` });

test('the sharing map: flags, location filter, matrix and graph, CSV and JSON export', async ({ page }) => {
  await page.goto('/audit');
  await page.getByRole('navigation').getByRole('link', { name: 'Sharing' }).click();
  await expect(page).toHaveURL(/\/audit\/sharing$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sharing map' })).toBeVisible();

  // Flags: the e2e cluster's router allows plain HTTP; each flag says where to fix it.
  const flags = page.getByTestId('sharing-flags');
  if (insecure) {
    const flag = flags.locator('[data-flag="insecure_connections"]');
    await expect(flag).toContainText(`cluster ${E2E_CLUSTER}`);
    await expect(flag).toContainText('Warning');
    await expect(flag.getByRole('link', { name: /^Fix/ })).toHaveAttribute('href', `/ops/clusters/${E2E_CLUSTER}/extension`);
  }

  // Two targets on one namespace, and one of them without a quota.
  const shared = flags.locator('[data-flag="namespace_shared"]');
  await expect(shared).toContainText(`Namespace vision-${VISION_TARGET} on cluster ${E2E_CLUSTER}`);
  await expect(shared.getByRole('link', { name: /^Fix/ })).toHaveAttribute('href', `/ops/clusters/${E2E_CLUSTER}/computes`);
  await expect(flags.locator('[data-flag="no_quota"]')).toContainText(`Compute target ${SHARED_TARGET} of workspace forecasting has no quota`);

  // The matrix: each workspace's target in its cell, with namespace, instance types and quota vs usage.
  const vision = matrixCell(page, 'vision');
  await expect(vision).toContainText(VISION_TARGET);
  await expect(vision).toContainText(`vision-${VISION_TARGET}`);
  await expect(vision.getByRole('meter', { name: 'GPUs quota' })).toBeVisible();
  await expect(vision).toContainText(/Created by e2e-admin@example\.com/);
  const forecasting = matrixCell(page, 'forecasting');
  await expect(forecasting).toContainText(FORECASTING_TARGET);
  await expect(forecasting).toContainText('cpu-small');
  await expect(forecasting.getByRole('meter', { name: 'CPU quota' })).toBeVisible();
  const sharedEntry = forecasting.locator(`[data-sharing-target="${SHARED_TARGET}"]`);
  await expect(sharedEntry).toContainText('No quota');
  await expect(sharedEntry.getByRole('list', { name: `Flags of ${SHARED_TARGET}` })).toContainText('namespace_shared');
  await expect(vision.getByRole('list', { name: `Flags of ${VISION_TARGET}` })).toContainText('namespace_shared');
  await expectAccessible(page, 'sharing map, matrix (auditor)');
  await snap(page, 'audit-sharing-matrix');

  // Filter by location: the e2e cluster is in the cloud.
  const location = page.getByLabel('Location');
  await location.selectOption('on-prem');
  await expect(page).toHaveURL(/location=on-prem/);
  await expect(page.getByTestId('sharing-matrix').getByRole('rowheader', { name: new RegExp(E2E_CLUSTER) })).toHaveCount(0);
  await snap(page, 'audit-sharing-on-prem');
  await location.selectOption('cloud');
  await expect(page).toHaveURL(/location=cloud/);
  await expect(matrixCell(page, 'vision')).toContainText(VISION_TARGET);
  await expect(location).toHaveValue('cloud');

  // The graph: cluster → target → workspace, every node a link; the view is in the URL.
  await page.getByRole('tab', { name: 'Graph' }).click();
  await expect(page).toHaveURL(/view=graph/);
  const graph = page.getByTestId('sharing-graph');
  await expect(graph.getByRole('link', { name: `Cluster ${E2E_CLUSTER}` })).toBeVisible();
  await expect(graph.getByRole('link', { name: `Compute target ${VISION_TARGET}` })).toBeVisible();
  await expect(graph.getByRole('link', { name: 'Workspace forecasting' })).toBeVisible();
  await expect(graph.getByRole('link', { name: `Compute target ${SHARED_TARGET}` })).toBeVisible();
  await expect.poll(() => graph.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(6);
  await expectAccessible(page, 'sharing map, graph (auditor)');
  await snap(page, 'audit-sharing-graph');
  // A reload keeps the filter and the view.
  await page.reload();
  await expect(page.getByTestId('sharing-graph')).toBeVisible();
  await expect(page.getByLabel('Location')).toHaveValue('cloud');

  // Export: the CSV (header row, one row per target) and the JSON of the same filter.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
  const csv = fs.readFileSync((await download.path())!, 'utf8').split(/\r?\n/);
  expect(csv[0]).toBe('cluster,location,workspace,target,namespace,instanceTypes,quota,usage,backend,createdBy,createdAt,flags');
  expect(csv.some((l) => l.startsWith(`${E2E_CLUSTER},cloud,vision,${VISION_TARGET},vision-${VISION_TARGET},`))).toBe(true);
  expect(csv.find((l) => l.startsWith(`${E2E_CLUSTER},cloud,forecasting,${SHARED_TARGET},`))).toMatch(/namespace_shared no_quota|no_quota namespace_shared/);
  const jsonHref = await page.getByRole('link', { name: 'JSON' }).getAttribute('href');
  expect(jsonHref).toBe('/api/v1/audit/sharing?location=cloud');
  const map = await (await page.request.get(jsonHref!)).json();
  expect(map.cells.some((c: { cluster: string; workspace: string }) => c.cluster === E2E_CLUSTER && c.workspace === 'forecasting')).toBe(true);

  // Narrow screens: the matrix scrolls sideways inside its frame.
  if (process.env.HM_E2E_SCREENSHOTS) {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.getByRole('tab', { name: 'Matrix' }).click();
    await page.screenshot({ path: 'test-results/screens/audit-sharing-matrix-1024.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/screens/audit-sharing-matrix-1024-dark.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }
});

test('who can do what on a cluster and on a workspace, with its CSV', async ({ page }) => {
  await page.goto('/audit/access');
  await expect(page.getByRole('heading', { name: 'Who can do what' })).toBeVisible();
  // What was there stays.
  await expect(page.getByRole('heading', { name: 'People' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Permissions by role' })).toBeVisible();

  const picker = page.getByLabel('Workspace or cluster');
  await picker.selectOption(`cluster:${E2E_CLUSTER}`);
  await expect(page).toHaveURL(new RegExp(`\\?cluster=${E2E_CLUSTER}$`));
  const onCluster = page.getByRole('table', { name: `Who can do what on cluster ${E2E_CLUSTER}` });
  await expect(onCluster.getByRole('row', { name: new RegExp(E2E_USERS.admin.email) }).first()).toContainText('global role ops_admin');
  await expect(onCluster.getByRole('row', { name: new RegExp(E2E_USERS.auditor.email) }).first()).toContainText('Auditor');
  // Members of the workspaces that have compute on the cluster.
  await expect(onCluster.getByRole('row', { name: new RegExp(E2E_USERS.dataScientist.email) }).first()).toContainText('member of vision');
  await expect(onCluster.getByRole('row', { name: new RegExp(E2E_USERS.otherScientist.email) }).first()).toContainText('member of forecasting');
  await expectAccessible(page, 'who can do what on a cluster (auditor)');
  await snap(page, 'audit-access-cluster');

  await picker.selectOption('workspace:vision');
  await expect(page).toHaveURL(/\?workspace=vision$/);
  const onVision = page.getByRole('table', { name: 'Who can do what on workspace vision' });
  const dana = onVision.getByRole('row', { name: new RegExp(E2E_USERS.dataScientist.email) }).first();
  await expect(dana).toContainText('member of vision');
  await expect(dana).toContainText('Data scientist');
  await expect(dana).toContainText('jobs');
  await expect(onVision.getByRole('row', { name: new RegExp(E2E_USERS.otherScientist.email) })).toHaveCount(0);
  await expectAccessible(page, 'who can do what on a workspace (auditor)');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
  const csv = fs.readFileSync((await download.path())!, 'utf8').split(/\r?\n/);
  expect(csv[0]).toBe('principalKind,principal,email,role,source,permissions');
  expect(csv.some((l) => l.includes(E2E_USERS.dataScientist.email) && l.includes('member of vision'))).toBe(true);

  // A name that does not exist is an error in the panel, not a broken page.
  await page.goto('/audit/access?cluster=no-such-cluster');
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot list access' })).toContainText('no-such-cluster');
  await expect(page.getByRole('heading', { name: 'People' })).toBeVisible();
});

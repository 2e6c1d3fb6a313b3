import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, E2E_CLUSTER, ensureCluster, namespaceFree, FORECASTING_TARGET, GPU1_YAML, noCluster, VISION_TARGET } from './compute-fixture';

// An ops admin defines gpu-1 (YAML) and cpu-small (form) on a cluster, then attaches the cluster to the
// workspaces vision and forecasting, each in its own namespace with a quota.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const api = await adminApi();
  try {
    await ensureCluster(api);
    // Start from a clean slate when the scenario already exists (the specs of the other roles may have built it).
    for (const [ws, name] of [['vision', VISION_TARGET], ['forecasting', FORECASTING_TARGET]]) {
      await api.delete(`/api/v1/workspaces/${ws}/computes/${name}?force=true`);
      await namespaceFree(api, ws, name);
    }
  } finally {
    await api.dispose();
  }
});

test('defines cpu-small with the form and gpu-1 as YAML, with live fit', async ({ page }) => {
  await page.goto(`/ops/clusters/${E2E_CLUSTER}/instance-types`);
  await expect(page.getByRole('link', { name: 'Instance types', exact: true }).first()).toBeVisible();
  await expect(page.getByRole('row', { name: /defaultinstancetype/ })).toContainText('implicit default');

  await page.getByRole('button', { name: 'New instance type' }).click();
  const d = page.getByRole('dialog');
  await d.getByRole('textbox', { name: 'Name', exact: true }).fill('cpu-small');
  await d.getByLabel('CPU request').fill('2 cores');
  await d.getByLabel('CPU limit').click();
  await expect(d.getByText(/not a Kubernetes quantity/)).toBeVisible();
  await d.getByLabel('CPU request').fill('500m');
  await d.getByLabel('CPU limit').fill('1');
  await d.getByLabel('Memory request').fill('1Gi');
  await d.getByLabel('Memory limit').fill('2Gi');
  await d.getByLabel('Label key 1').fill('kubernetes.azure.com/agentpool');
  await d.getByLabel('Value 1').fill('cpupool');
  await d.getByRole('button', { name: 'Check fit' }).click();
  await expect(d.getByText(/no warnings/)).toBeVisible();
  await d.getByRole('button', { name: 'Create' }).click();
  await expect(d).toBeHidden();
  // 2 CPU nodes × 8 cores / 0.5 = 32 replicas on an empty cluster.
  await expect(page.getByRole('row', { name: /cpu-small/ })).toContainText('of 32 when empty');

  await page.getByRole('button', { name: 'New instance type' }).click();
  await d.getByRole('tab', { name: 'YAML' }).click();
  await d.getByLabel(/InstanceType or InstanceTypeList YAML/).fill(GPU1_YAML.replace('nvidia.com/gpu: 1', 'nvidia.com/gpu: 0.5'));
  await expect(d.getByText(/must be a whole number of GPUs/)).toBeVisible();
  await d.getByLabel(/InstanceType or InstanceTypeList YAML/).fill(GPU1_YAML);
  await d.getByRole('button', { name: 'Create' }).click();
  await expect(d).toBeHidden();
  // Two GPU nodes with 4 GPUs each: 8 one-GPU replicas; the pool's sku=gpu taint is tolerated because gpu-1 selects that pool.
  await expect(page.getByRole('row', { name: /gpu-1/ })).toContainText('8 now');
  await expectAccessible(page, 'cluster instance types');
  await snap(page, 'ops-cluster-instance-types');

  await page.goto('/ops/instance-types');
  await expect(page.getByRole('heading', { name: 'Instance types', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /gpu-1.*e2e-k8s|e2e-k8s.*gpu-1/ })).toBeVisible();
  await expectAccessible(page, 'all instance types');
});

test('attaches the cluster to vision (from the workspace) and forecasting (from the cluster), with quotas', async ({ page }) => {
  await page.goto('/ops/workspaces/vision');
  await page.getByRole('button', { name: 'Attach compute' }).first().click();
  const d = page.getByRole('dialog');
  await d.getByRole('textbox', { name: 'Compute name' }).fill(VISION_TARGET);
  await d.getByRole('combobox', { name: 'Default instance type' }).selectOption('gpu-1');
  await d.getByLabel('CPU (cores)').fill('16');
  await d.getByRole('textbox', { name: 'Memory', exact: true }).fill('64Gi');
  await d.getByRole('textbox', { name: 'GPUs', exact: true }).fill('2');
  await d.getByRole('textbox', { name: 'Pods', exact: true }).fill('20');
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d).toBeHidden();
  const card = page.getByRole('region', { name: `Compute target vision/${VISION_TARGET}` });
  await expect(card).toContainText('namespace vision-e2e-gpu');
  await expect(card.getByRole('meter', { name: 'GPUs quota' })).toBeVisible();
  await expectAccessible(page, 'workspace detail with compute');

  await page.goto(`/ops/clusters/${E2E_CLUSTER}/computes`);
  await page.getByRole('button', { name: 'Attach compute' }).first().click();
  await d.getByRole('combobox', { name: 'Workspace', exact: true }).selectOption('forecasting');
  await d.getByRole('textbox', { name: 'Compute name' }).fill(FORECASTING_TARGET);
  await d.getByLabel(/All of the cluster/).uncheck();
  await d.getByRole('checkbox', { name: 'cpu-small', exact: true }).check();
  await d.getByRole('combobox', { name: 'Default instance type' }).selectOption('cpu-small');
  await d.getByLabel('CPU (cores)').fill('8');
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d).toBeHidden();
  await expect(page.getByRole('region', { name: `Compute target forecasting/${FORECASTING_TARGET}` })).toContainText('Workspace forecasting');
  await expect(page.getByRole('region', { name: `Compute target vision/${VISION_TARGET}` })).toBeVisible();
  await expectAccessible(page, 'cluster compute targets');
  await snap(page, 'ops-cluster-computes');

  // The same namespace again needs an explicit confirmation.
  await page.getByRole('button', { name: 'Attach compute' }).first().click();
  await d.getByRole('combobox', { name: 'Workspace', exact: true }).selectOption('vision');
  await d.getByRole('textbox', { name: 'Compute name' }).fill('e2e-shared');
  await d.getByRole('textbox', { name: 'Namespace', exact: true }).fill('forecasting-e2e-cpu');
  await d.getByRole('button', { name: 'Attach' }).click();
  await expect(d.getByText(/already used by compute target forecasting\/e2e-cpu/).first()).toBeVisible();
  await d.getByRole('button', { name: 'Close' }).click();
});

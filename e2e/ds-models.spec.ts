import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';
import { jobStatus, tokenApi } from './jobs-fixture';

// A data scientist's model registry, on the local test cluster: a job that declares its output as a custom
// model completes and the server registers the output as a version (lineage: the job); the data scientist finds
// it in the live models list, opens the version and its lineage graph (job → version → "not deployed yet"),
// follows the job node to the job, whose page names the version; registers version 2 with the form (a URL path,
// after the form and the server pointed at a wrong path); archives it and restores it.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await ensureComputeScenario();
});

const MODEL = `e2e-model-${Date.now().toString(36)}`;
let job: string | undefined;

const modelJob = (model: string) => `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
display_name: e2e-model-maker
experiment_name: e2e-models
command: echo done
environment:
  image: busybox:1.36
compute: azureml:${VISION_TARGET}
outputs:
  model:
    type: custom_model
    name: ${model}
tags:
  harbormaster.io/sim-duration: 2s
`;

const versionRow = (page: Page, version: string) => page.getByRole('table', { name: 'Versions' }).getByRole('row').filter({ has: page.getByRole('cell', { name: version, exact: true }) });

test('a completed job’s model output is registered, listed live, and its version shows the job in its lineage', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/w/vision/models');
  await expect(page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Models' }).first()).toHaveAttribute('href', '/w/vision/models');
  await expect(page.getByRole('link', { name: 'Register model' }).first()).toBeVisible();
  // The list waits for the model on its open page (live), searched by name.
  await page.getByRole('searchbox', { name: 'Filter models' }).fill(MODEL);
  await expect(page).toHaveURL(new RegExp(`\\?q=${MODEL}$`));
  await expect(page.getByText(`No models match “${MODEL}”`)).toBeVisible();

  const api = await tokenApi(page, 'models');
  try {
    const r = await api.post('/api/v1/workspaces/vision/jobs', { headers: { 'content-type': 'application/yaml' }, data: modelJob(MODEL) });
    expect(r.status(), await r.text()).toBe(201);
    job = (await r.json()).name as string;
    await expect.poll(() => jobStatus(api, job!), { timeout: 90_000, message: 'the job completes' }).toBe('Completed');
  } finally {
    await api.revoke();
  }

  const row = page.getByRole('row').filter({ hasText: MODEL });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText('custom_model');
  await expect(row).toContainText(`Output model of job ${job}`);
  await expectAccessible(page, 'models list');
  await snap(page, 'ds-models-list');

  await row.getByRole('link', { name: MODEL }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/models/${MODEL}$`));
  await expect(page.getByRole('heading', { name: MODEL, level: 1 })).toBeVisible();
  await expect(versionRow(page, '1')).toContainText(job!);
  await versionRow(page, '1').getByRole('link', { name: '1', exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`/w/vision/models/${MODEL}/versions/1$`));
  await expect(page.getByRole('heading', { name: `${MODEL}:1`, level: 1 })).toBeVisible();
  await expect(page.getByTestId('model-location')).toContainText(`of job ${job}`);
  const graph = page.getByTestId('lineage-graph');
  await expect(graph.locator('[data-lineage-node="job"]')).toContainText(job!);
  await expect(graph.locator('[data-lineage-node="job"] [data-status]')).toHaveAttribute('data-status', 'Completed');
  await expect(graph.locator('[data-lineage-node="model"]')).toContainText(`${MODEL}:1`);
  await expect(graph.locator('[data-lineage-node="no-deployments"]')).toContainText('Not deployed yet');
  await expect(page.getByTestId('not-deployed')).toBeVisible();
  const facts = page.getByRole('region', { name: /Made by job/ });
  await expect(facts).toContainText(VISION_TARGET);
  await expect(facts).toContainText('busybox:1.36');
  await expectAccessible(page, 'model version page');
  await snap(page, 'ds-model-version');

  // The job node leads to the job, whose page names the version it produced.
  await graph.getByRole('link', { name: `Job ${job}` }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/jobs/${job}$`));
  const line = page.getByTestId('job-models');
  await expect(line.getByRole('link', { name: `${MODEL}:1` })).toHaveAttribute('href', `/w/vision/models/${MODEL}/versions/1`);
});

test('registers version 2 with the form: field errors first, then a URL path; archives and restores it', async ({ page }) => {
  test.skip(!job, 'needs the model of the previous test');
  test.setTimeout(120_000);
  await page.goto(`/w/vision/models/${MODEL}`);
  await page.getByRole('link', { name: 'New version' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/models/new\\?name=${MODEL}$`));
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(MODEL);

  // Nothing in Path: the browser says so on the field, without asking the server.
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText(/^is required: where the model.s files are/)).toBeVisible();
  await expect(page.getByLabel('Path')).toHaveAttribute('aria-invalid', 'true');

  // A job that does not exist: the server's dry run puts its answer on the Path field.
  await page.getByLabel('Path').fill('azureml://jobs/e2e-no-such-job/outputs/model');
  await expect(page.getByText('Output model of job e2e-no-such-job: the version links to that job')).toBeVisible();
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByText('no job e2e-no-such-job in workspace vision').first()).toBeVisible();
  await expect(page.getByLabel('Path')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'register model form with an error');
  await snap(page, 'ds-model-register-error');

  await page.getByLabel('Path').fill('https://example.com/models/e2e.onnx');
  await page.getByLabel('Description').fill('Exported to ONNX by hand');
  await page.getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tags 1 name').fill('format');
  await page.getByLabel('Tags 1 value').fill('onnx');
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`Valid — would register ${MODEL} version 2`) })).toBeVisible();
  // YAML is the same document.
  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(page.getByRole('textbox', { name: /^Model YAML/ })).toHaveValue(/path: https:\/\/example.com\/models\/e2e.onnx/);
  await page.getByRole('tab', { name: 'Form' }).click();
  await expect(page.getByLabel('Path')).toHaveValue('https://example.com/models/e2e.onnx');
  await page.getByRole('button', { name: 'Register' }).click();

  await expect(page).toHaveURL(new RegExp(`/w/vision/models/${MODEL}/versions/2$`), { timeout: 20_000 });
  await expect(page.getByRole('heading', { name: `${MODEL}:2`, level: 1 })).toBeVisible();
  await expect(page.getByTestId('model-location')).toContainText('Files at example.com');
  await expect(page.getByTestId('lineage-graph').locator('[data-lineage-node="source"]')).toContainText('Web address');
  await expect(page.getByRole('region', { name: 'Tags' })).toContainText('onnx');

  // Archive (asks first), then restore, from the model's page.
  await page.getByRole('link', { name: MODEL, exact: true }).first().click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/models/${MODEL}$`));
  await expect(versionRow(page, '2')).toContainText('Active');
  await versionRow(page, '2').getByRole('button', { name: `Archive ${MODEL}:2` }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(`Archive version ${MODEL}:2?`);
  await expect(dialog).toContainText(`azureml:${MODEL}@latest skips it`);
  await dialog.getByRole('button', { name: 'Archive' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(versionRow(page, '2')).toContainText('Archived');
  await expect(page.getByText(`latest 1, referred to as azureml:${MODEL}@latest`)).toBeVisible();
  await snap(page, 'ds-model-versions');
  await versionRow(page, '2').getByRole('button', { name: `Restore ${MODEL}:2` }).click();
  await expect(versionRow(page, '2')).toContainText('Active');
  await expect(page.getByText(`latest 2, referred to as azureml:${MODEL}@latest`)).toBeVisible();
  await expectAccessible(page, 'model page');
});

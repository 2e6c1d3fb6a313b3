import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';
import { conformanceDir } from '../test/conformance';

// A data scientist of vision brings an Azure ML job file: pastes it, validates it (normalized spec, the
// Kubernetes objects, a warning that its local code folder must come with the job), uploads the folder,
// validates again without that warning, and submits.
const CONFORMANCE = conformanceDir();
const JOB_FILE = 'cli__jobs__single-step__pytorch__iris__job.yml';

test.skip(!!noCluster, noCluster);
test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureComputeScenario();
});

test('pastes a conformance job, sees spec, objects and the code warning, uploads the folder and gets a valid dry run', async ({ page }) => {
  test.setTimeout(120_000);
  const yamlText = fs.readFileSync(path.join(CONFORMANCE, JOB_FILE), 'utf8').replace(/^compute:.*$/m, `compute: azureml:${VISION_TARGET}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-code-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'main.py'), 'print("iris")\n');
  fs.writeFileSync(path.join(dir, 'src', 'requirements.txt'), 'torch\n');

  await page.goto('/w/vision/jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'New job' }).first().click();
  await expect(page).toHaveURL(/\/w\/vision\/jobs\/new$/);
  await expect(page.getByRole('heading', { name: 'New job', level: 1 })).toBeVisible();

  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByLabel(/^Job YAML/).fill(yamlText);
  await page.getByRole('button', { name: 'Validate' }).click();

  const result = page.getByRole('region', { name: /Valid/ });
  await expect(result).toBeVisible({ timeout: 30_000 });
  await expect(result.getByRole('tab', { name: /Warnings \([1-9]/ })).toBeVisible();
  await expect(result.getByRole('list', { name: 'Warnings' })).toContainText(/code.*"src" is a local folder: its files must come with the real submission/);
  await result.getByRole('tab', { name: 'Normalized spec' }).click();
  await expect(result.getByRole('region', { name: 'Normalized spec' })).toContainText('mcr.microsoft.com/azureml/curated/sklearn-1.5:latest');
  await expect(result.getByRole('region', { name: 'Normalized spec' })).toContainText(`compute: ${VISION_TARGET}`);
  await result.getByRole('tab', { name: /Kubernetes objects/ }).click();
  await expect(result.getByRole('region', { name: 'Kubernetes objects' })).toContainText('kind: Job');
  await expect(result.getByRole('region', { name: 'Kubernetes objects' })).toContainText('harbormaster.io/workspace: vision');
  await expectAccessible(page, 'new job (validated)');

  await page.getByTestId('code-folder-input').setInputFiles(path.join(dir, 'src'));
  await expect(page.getByRole('group', { name: 'Code upload' })).toContainText('2 files');
  await page.getByRole('button', { name: 'Validate' }).click();
  const again = page.getByRole('region', { name: /Valid/ });
  await expect(again).toBeVisible({ timeout: 30_000 });
  await again.getByRole('tab', { name: /Warnings/ }).click();
  await expect(again.getByText(/must come with the real submission/)).toHaveCount(0);
  await again.getByRole('tab', { name: /Kubernetes objects/ }).click();
  await expect(again.getByRole('region', { name: 'Kubernetes objects' })).toContainText('name: fetch-code');
  await expect(again.getByRole('region', { name: 'Kubernetes objects' })).toContainText('token: <redacted>');
  await snap(page, 'ds-new-job-validated');

  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(/\/w\/vision\/jobs\/pytorch-iris-example-[a-z0-9]+$/, { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'pytorch-iris-example', level: 1 })).toBeVisible();
  await page.getByRole('tab', { name: 'YAML' }).click();
  await expect(page.getByRole('region', { name: 'Kubernetes objects Harbormaster applied' })).toContainText('kind: Job');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a refused field lands on the form field and on the YAML line', async ({ page }) => {
  await page.goto('/w/vision/jobs/new');
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByLabel(/^Job YAML/).fill(`command: echo hi\nenvironment: {image: busybox:1.36}\ncompute: azureml:${VISION_TARGET}\ndistribution:\n  type: pytorch\n  process_count_per_instance: 0\n`);
  await page.getByRole('button', { name: 'Validate' }).click();
  const problems = page.getByRole('list', { name: 'Problems in the YAML' });
  await expect(problems).toContainText('6:3 distribution.process_count_per_instance');
  await page.getByLabel(/^Job YAML/).fill(`command: echo hi\nenvironment: {image: busybox:1.36}\ncompute: azureml:${VISION_TARGET}\ndistribution:\n  type: pytorch\n  process_count_per_instance: 1\n`);
  await page.getByRole('tab', { name: 'Form' }).click();
  await page.getByLabel('Processes per instance').fill('0');
  await page.getByRole('button', { name: 'Validate' }).click();
  await expect(page.getByLabel('Processes per instance')).toHaveAttribute('aria-invalid', 'true');
});

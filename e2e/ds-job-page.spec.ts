import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';
import { BIG_TARGET, cancelJobs, ensureBigTarget, GPU4, GPU8, jobStatus, jobYaml, removeBigTarget, submitJob, tokenApi } from './jobs-fixture';

// A data scientist's job page, on the local test cluster (GPU nodes with 4 GPUs each): a job waits for GPUs
// while another holds them, then runs and completes — watched on one open page, logs included; it is cloned
// and re-run; a job that asks for 8 GPUs explains why it is pending; a running job is canceled from the page.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await ensureComputeScenario();
  await ensureBigTarget();
});
test.afterAll(async () => {
  test.setTimeout(120_000);
  await removeBigTarget();
});

const status = (page: Page) => page.locator('h1 ~ [data-status]');
let watched: string | undefined;

test('a submitted job goes Queued → Running → Completed on its open page, and its logs are read live', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/w/vision/jobs');
  const api = await tokenApi(page, 'job-page');
  let blocker: string | undefined;
  try {
    // Two 4-GPU pods fill the GPU pool for 30 s.
    blocker = await submitJob(api, { displayName: 'e2e-gpu-blocker', compute: BIG_TARGET, instanceType: GPU4, instanceCount: 2, duration: '30s' });
    await expect.poll(() => jobStatus(api, blocker!), { timeout: 60_000, message: 'the blocker runs on both GPU nodes' }).toBe('Running');

    // Submitted from the New job page, as a data scientist would.
    await page.goto('/w/vision/jobs/new');
    await page.getByRole('tab', { name: 'YAML' }).click();
    await page.getByLabel(/^Job YAML/).fill(jobYaml({ displayName: 'e2e-watch-me', compute: BIG_TARGET, instanceType: 'gpu-1', duration: '20s' }));
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect(page).toHaveURL(/\/w\/vision\/jobs\/e2e-watch-me-[a-z0-9]+$/, { timeout: 30_000 });
    watched = decodeURIComponent(page.url().split('/').pop()!);
    await expect(page.getByRole('heading', { name: 'e2e-watch-me', level: 1 })).toBeVisible();
    await page.evaluate(() => Object.assign(window, { __hmSamePage: true }));

    // Queued, with times that fit: how long it has waited, never a start.
    await expect(status(page)).toHaveAttribute('data-status', 'Queued', { timeout: 20_000 });
    await expect(page.getByTestId('job-times')).toContainText(/^Queued for \d+s$/);
    await expect(page.getByRole('region', { name: 'Why it is pending' })).toContainText('nvidia.com/gpu');
    await expect(page.getByText('Run time')).toBeVisible();
    await expect(page.getByText('not started yet')).toBeVisible();
    await snap(page, 'ds-job-queued');

    // The blocker ends; the job runs.
    await expect(status(page)).toHaveAttribute('data-status', 'Running', { timeout: 90_000 });
    await expect(page.getByTestId('job-times')).toContainText(/Queued \d+s · running for \d+s/);
    await expect(page.getByRole('region', { name: 'Why it is pending' })).toHaveCount(0);

    // Its log, streamed.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect(page).toHaveURL(/\?tab=logs$/);
    const log = page.getByRole('log', { name: 'Log of rank 0' });
    await expect(log).toContainText('Training finished in 0:01:52', { timeout: 20_000 });
    await expect(page.getByRole('status').filter({ hasText: /Following live|End of log/ })).toBeVisible();
    await expectAccessible(page, 'job page (logs)');
    await snap(page, 'ds-job-running-logs');
    await page.getByRole('searchbox', { name: 'Search the log' }).fill('validation accuracy');
    await expect(page.getByText(/10 of \d+ lines match/)).toBeVisible();
    const download = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    const whole = await page.request.get(download!);
    expect(whole.status()).toBe(200);
    expect(whole.headers()['content-disposition']).toContain('attachment');
    expect(await whole.text()).toContain('Using device: cuda');

    await expect(status(page)).toHaveAttribute('data-status', 'Completed', { timeout: 60_000 });
    await expect(page.getByRole('status').filter({ hasText: 'End of log' })).toBeVisible({ timeout: 15_000 });
    await page.getByRole('tab', { name: 'Overview' }).click();
    await expect(page.getByTestId('job-times')).toContainText(/^Ran for \d+s \(queued \d+s\)$/);
    const timeline = page.getByRole('list', { name: 'Status timeline' });
    for (const s of ['Queued', 'Running', 'Completed']) await expect(timeline.locator(`[data-timeline-status="${s}"]`)).toHaveCount(1);
    await expect(page.getByRole('table', { name: 'Ranks' })).toContainText('Succeeded');
    await page.getByRole('tab', { name: /^Events/ }).click();
    await expect(page.getByRole('table', { name: 'Events' })).toContainText(/FailedScheduling|Scheduled/);
    expect(await page.evaluate(() => (window as unknown as { __hmSamePage?: boolean }).__hmSamePage)).toBe(true);
    await expectAccessible(page, 'job page (completed)');
  } finally {
    await cancelJobs(api, [blocker]);
    await api.revoke();
  }
});

test('clones the job into the form and re-runs it', async ({ page }) => {
  test.skip(!watched, 'needs the job of the previous test');
  await page.goto(`/w/vision/jobs/${watched}`);
  await page.getByRole('link', { name: 'Clone' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/jobs/new\\?from=${watched}$`));
  await expect(page.getByRole('heading', { name: `New job from ${watched}`, level: 1 })).toBeVisible();
  await expect(page.getByRole('note')).toContainText(`A copy of ${watched}.`);
  await expect(page.getByLabel('Display name')).toHaveValue('e2e-watch-me');
  await expect(page.getByLabel('Command')).toHaveValue('python train.py --epochs 10');
  await expect(page.getByLabel('Job name')).toHaveValue('');

  await page.goto(`/w/vision/jobs/${watched}`);
  await page.getByRole('button', { name: 'Re-run' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/jobs/${watched}-rerun-[a-z0-9]{5}$`), { timeout: 30_000 });
  const rerun = decodeURIComponent(page.url().split('/').pop()!);
  await expect(page.getByRole('heading', { name: 'e2e-watch-me', level: 1 })).toBeVisible();
  await expect(status(page)).not.toHaveAttribute('data-status', 'Failed');
  const api = await tokenApi(page, 'rerun');
  await cancelJobs(api, [rerun]);
  await api.revoke();
});

test('a job asking for more GPUs than any node has explains, in sentences, why it is pending', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/w/vision/jobs');
  const api = await tokenApi(page, 'pending');
  let name: string | undefined;
  try {
    name = await submitJob(api, { displayName: 'e2e-too-big', compute: BIG_TARGET, instanceType: GPU8, duration: '20s' });
    await page.goto(`/w/vision/jobs/${name}`);
    await expect(status(page)).toHaveAttribute('data-status', 'Queued', { timeout: 20_000 });
    const why = page.getByRole('region', { name: 'Why it is pending' });
    await expect(why).toContainText('Needs 8 nvidia.com/gpu per instance; the most free on one node of pool gpupool is 4', { timeout: 20_000 });
    await expect(why).toContainText('Would start now instead');
    await expect(why.getByRole('link', { name: /^Clone with gpu-1 on / }).first()).toBeVisible();
    // The scheduler's raw words are not what the page leads with.
    await expect(page.getByText(/^0\/\d+ nodes are available/)).toHaveCount(0);
    await expect(page.getByTestId('job-times')).toContainText(/^Queued for/);
    await expectAccessible(page, 'job page (pending)');
    await snap(page, 'ds-job-pending');

    // The jobs list, filtered in the URL, shows it with its status message.
    await page.goto('/w/vision/jobs?status=Queued');
    await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Queued');
  } finally {
    await cancelJobs(api, [name]);
    await api.revoke();
  }
});

test('cancels a running job from its page: the pods go, the record stays', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/w/vision/jobs');
  const api = await tokenApi(page, 'cancel');
  let name: string | undefined;
  try {
    name = await submitJob(api, { displayName: 'e2e-cancel-me', compute: VISION_TARGET, duration: '10m' });
    await page.goto(`/w/vision/jobs/${name}`);
    await expect(status(page)).toHaveAttribute('data-status', 'Running', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel job' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Cancel job ${name}?` });
    await expect(dialog).toContainText('deletes its Kubernetes Job and pods');
    await expect(dialog).toContainText('The record stays');
    await dialog.getByRole('button', { name: 'Cancel job' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(status(page)).toHaveAttribute('data-status', 'Canceled', { timeout: 15_000 });
    await expect(page.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);
    await expect(page.getByTestId('job-times')).toContainText(/^Canceled after running for/);
    await expect(page.getByRole('list', { name: 'Status timeline' }).locator('[data-timeline-status="Canceled"]')).toContainText('canceled by a user');
    // The pods are deleted; the record (spec, what was applied) is still there.
    await expect(page.getByRole('table', { name: 'Ranks' })).toContainText('Its pods are gone', { timeout: 30_000 });
    await page.getByRole('tab', { name: 'YAML' }).click();
    await expect(page.getByRole('region', { name: 'Kubernetes objects Harbormaster applied' })).toContainText('kind: Job');
    expect(await jobStatus(api, name)).toBe('Canceled');
  } finally {
    await cancelJobs(api, [name]);
    await api.revoke();
  }
});

test('the jobs list filters and sorts on the server, in the URL', async ({ page }) => {
  test.skip(!watched, 'needs the job of the first test');
  await page.goto('/w/vision/jobs');
  await expect(page.getByRole('status').filter({ hasText: /^live$/ })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByText(watched!, { exact: true }) });
  await page.getByRole('searchbox', { name: 'Search jobs by name' }).fill('e2e-watch');
  await expect(page).toHaveURL(/\?q=e2e-watch$/);
  await expect(row).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'e2e-cancel-me' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Status any' }).click();
  await page.getByRole('menuitemcheckbox', { name: 'Completed' }).click();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(/status=Completed/);
  await expect(row).toContainText('Completed');
  await expect(page.getByRole('row').filter({ hasText: `${watched}-rerun-` })).toHaveCount(0);

  await page.getByRole('button', { name: 'Job', exact: true }).click();
  await expect(page).toHaveURL(/orderBy=name%3Aasc/);
  await expect(page.getByRole('columnheader', { name: 'Job' })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect(page).toHaveURL(/\/w\/vision\/jobs\?orderBy=name%3Aasc$/);
  await expectAccessible(page, 'jobs list (filters)');
  await snap(page, 'ds-jobs-list');
});

import fs from 'node:fs';
import { expect, request, test, type Page } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { ensureComputeScenario, noCluster, VISION_TARGET } from './compute-fixture';
import { cancelJobs } from './jobs-fixture';

// A data scientist's sweep, on the local test cluster: the project's own grid sweep with a bandit policy
// (test/fixtures/sweeps/sweep-bandit.yml — 6 trials over depth × width, 2 at a time, each printing val_loss per
// epoch) is submitted from the New job page and watched on its open page: trials arrive two at a time, trial 5
// (depth 4, width 9) is stopped by the bandit policy with its reason and numbers, trial 0 ends best (val_loss
// 0.21); the best trial's own page names its sweep, offers no Re-run or Clone, and charts its metric.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await ensureComputeScenario();
});

const FIXTURE = fs.readFileSync(new URL('../test/fixtures/sweeps/sweep-bandit.yml', import.meta.url), 'utf8');
/** The fixture as it is, with the compute target the e2e cluster has (the fixture names none). */
const SWEEP_YAML = FIXTURE.replace(/^type: sweep$/m, `type: sweep\ncompute: azureml:${VISION_TARGET}`);

const status = (page: Page) => page.locator('h1 ~ [data-status]');
const trialRows = (page: Page) => page.getByRole('table', { name: 'Trials' }).locator('tbody tr').filter({ has: page.locator('[data-status]') });
const ACTIVE = ['NotStarted', 'Queued', 'Preparing', 'Running', 'Finalizing'];

let sweep: string | undefined;

/** Besides snap()'s 1440 px: the page at 1024×768 too (UI.md "Looking at it"), light. */
async function snapNarrow(page: Page, name: string) {
  if (!process.env.HM_E2E_SCREENSHOTS) return;
  const size = page.viewportSize();
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.waitForTimeout(300); // charts follow their container's width
  await page.screenshot({ path: `test-results/screens/${name}-1024.png`, fullPage: true });
  if (size) await page.setViewportSize(size);
}

test('a submitted sweep runs its trials two at a time on its open page; the bandit stops one, the best is marked', async ({ page }) => {
  test.setTimeout(240_000);
  expect(SWEEP_YAML).toContain(`compute: azureml:${VISION_TARGET}`);
  await page.goto('/w/vision/jobs/new');
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByLabel(/^Job YAML/).fill(SWEEP_YAML);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(/\/w\/vision\/jobs\/depth-width-grid-[a-z0-9]+$/, { timeout: 30_000 });
  sweep = decodeURIComponent(page.url().split('/').pop()!);
  await expect(page.getByRole('heading', { name: 'depth-width-grid', level: 1 })).toBeVisible();
  await page.evaluate(() => Object.assign(window, { __hmSamePage: true }));

  // Leads with what it optimizes and how far it got.
  await expect(page.getByTestId('sweep-objective')).toHaveText('minimize val_loss');
  await expect(page.getByTestId('sweep-progress')).toContainText(/\d of 6 trials started/);

  await page.getByRole('tab', { name: /^Trials/ }).click();
  await expect(page).toHaveURL(/\?tab=trials$/);

  // Trials arrive as the sweep runs, never more than two active at once, until all six have ended.
  const seenCounts = new Set<number>();
  let maxActive = 0;
  let snapped = false;
  await expect
    .poll(
      async () => {
        const statuses = await trialRows(page).locator('[data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
        seenCounts.add(statuses.length);
        const active = statuses.filter((s) => ACTIVE.includes(s)).length;
        maxActive = Math.max(maxActive, active);
        if (!snapped && statuses.length >= 3 && active > 0) {
          snapped = true;
          await snap(page, 'ds-sweep-trials-running');
        }
        return statuses.length === 6 && statuses.every((s) => !ACTIVE.includes(s));
      },
      { timeout: 150_000, intervals: [400], message: 'all six trials ran and ended' },
    )
    .toBe(true);
  expect(maxActive, 'at most max_concurrent_trials (2) active at once').toBeLessThanOrEqual(2);
  expect([...seenCounts].some((n) => n > 0 && n < 6), `the table grew while the sweep ran (row counts seen: ${[...seenCounts].join(', ')})`).toBe(true);

  // Trial 5 (depth 4, width 9) was stopped by the bandit policy, with the sentence and, on hover, the numbers.
  const five = trialRows(page).filter({ has: page.getByRole('link', { name: new RegExp(`${sweep}_5`) }) });
  await expect(five.locator('[data-status]')).toHaveAttribute('data-status', 'Canceled');
  await expect(five).toContainText('depth');
  await expect(five.locator('td').nth(1)).toHaveText('4');
  await expect(five.locator('td').nth(2)).toHaveText('9');
  const reason = five.getByTestId('termination-reason');
  await expect(reason).toContainText(/bandit policy at interval \d+: .*val_loss.*0\.49.*cutoff 0\.462/);
  await reason.hover();
  await expect(page.getByRole('tooltip')).toContainText(/cutoff\s*0\.462/);
  await page.mouse.move(0, 0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('tooltip')).toHaveCount(0);

  // The sweep completes; trial 0 is the best, marked in the table and summarized above.
  await expect(status(page)).toHaveAttribute('data-status', 'Completed', { timeout: 60_000 });
  const zero = trialRows(page).filter({ has: page.getByRole('link', { name: new RegExp(`${sweep}_0`) }) });
  await expect(zero).toContainText('best');
  await expect(zero).toContainText('0.21');
  await expect(page.getByRole('table', { name: 'Trials' }).getByText('best', { exact: true })).toHaveCount(1);
  const best = page.getByTestId('best-trial');
  await expect(best).toContainText(`${sweep}_0`);
  await expect(page.getByTestId('best-metric')).toHaveText('0.21');
  await expect(best.getByRole('list', { name: 'Parameters of the best trial' })).toContainText(/depth\s*2/);
  await expect(page.getByTestId('sweep-progress')).toHaveText('6 of 6 trials started · 5 completed · 1 canceled (1 stopped early)');

  // The charts have their data: a point per trial and a line per trial; parallel coordinates with a line each.
  await expect(page.getByRole('img', { name: /^Parallel coordinates: depth, width and val_loss of 6 trials/ })).toBeVisible();
  await expect(page.locator('[data-trial]')).toHaveCount(6);
  await expect(page.locator('[data-trial][data-best]')).toHaveAttribute('data-trial', `${sweep}_0`);
  await expect(page.locator('.recharts-wrapper')).toHaveCount(2, { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { __hmSamePage?: boolean }).__hmSamePage)).toBe(true);
  await expectAccessible(page, 'sweep page (trials)');
  await snap(page, 'ds-sweep-trials');
  await snapNarrow(page, 'ds-sweep-trials');
});

test('the best trial’s page names its sweep and charts its metric; the stopped trial says why; no Re-run or Clone', async ({ page }) => {
  test.skip(!sweep, 'needs the sweep of the previous test');
  await page.goto(`/w/vision/jobs/${sweep}?tab=trials`);
  await page.getByRole('link', { name: 'Open best trial' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/jobs/${sweep}_0$`));
  await expect(page.getByTestId('trial-of')).toContainText(`Trial 0 of sweep ${sweep}`);
  await expect(page.getByTestId('trial-metric')).toHaveText('0.21');
  await expect(page.getByText('Primary metric (val_loss)')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: sweep })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Re-run' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Clone' })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Metrics' }).click();
  const metrics = page.getByRole('list', { name: 'Metrics' });
  await expect(metrics.getByRole('heading', { name: 'val_loss' })).toBeVisible();
  await expect(metrics).toContainText(/latest\s*0\.21\s*·\s*3 points/);
  await expect(metrics.locator('.recharts-wrapper')).toHaveCount(1, { timeout: 15_000 });
  await expectAccessible(page, 'trial page (metrics)');
  await snap(page, 'ds-sweep-best-trial');

  await page.goto(`/w/vision/jobs/${sweep}_5`);
  const why = page.getByRole('note', { name: 'Why it was stopped' });
  await expect(why).toContainText(/Stopped early: bandit policy at interval \d+/);
  await expect(why).toContainText(/cutoff\s*0\.462/);
  await expect(page.getByTestId('trial-metric')).toHaveText('0.49');
  await snap(page, 'ds-sweep-stopped-trial');
  await snapNarrow(page, 'ds-sweep-stopped-trial');

  // Back to the sweep by its link.
  await page.getByTestId('trial-of').getByRole('link', { name: sweep }).click();
  await expect(page).toHaveURL(new RegExp(`/w/vision/jobs/${sweep}$`));
  await expect(page.getByTestId('best-trial')).toContainText(`${sweep}_0`);
});

// A sweep still running (a failed test) is canceled with its trials.
test.afterAll(async () => {
  if (!sweep) return;
  const api = await request.newContext({ baseURL: process.env.HM_E2E_BASE_URL, storageState: 'e2e/.auth/dataScientist.json' });
  try {
    await cancelJobs(api, [sweep]);
  } finally {
    await api.dispose();
  }
});

import https from 'node:https';
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectAccessible, snap } from './helpers';

// The workspace's "Use from Python" page (issue 19): a data scientist finds it in the nav, creates a fresh personal
// token with one button, gets it once inside the MLClient snippet (workspace, the console's HTTPS /arm/ address,
// the private CA for REQUESTS_CA_BUNDLE), copies the snippet, and the address and token in it answer over HTTPS
// with that CA — the console's second listener (server.mjs), which scripts/e2e.mjs turns on. An auditor sees the
// same page and is told the SDK can only read for them.
const HTTPS_URL = process.env.HM_E2E_HTTPS_URL ?? '';
const CA_FILE = process.env.HM_E2E_TLS_CA_FILE ?? '';
const PLACEHOLDER = '<your Harbormaster API token>';

/** GET over HTTPS trusting only the console's CA, as Python's requests does with REQUESTS_CA_BUNDLE. */
function httpsGet(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: fs.readFileSync(CA_FILE), headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

test.describe('a data scientist', () => {
  test.use({ storageState: 'e2e/.auth/dataScientist.json', permissions: ['clipboard-read', 'clipboard-write'] });

  test('creates a token on Use from Python, copies the snippet, and its address and token answer over HTTPS', async ({ page }) => {
    test.skip(!HTTPS_URL || !CA_FILE, 'run through scripts/e2e.mjs, which serves HTTPS');
    await page.goto('/w/vision');
    await page.getByRole('navigation').getByRole('link', { name: 'Use from Python' }).click();
    await expect(page).toHaveURL(/\/w\/vision\/python$/);
    await expect(page.getByRole('heading', { name: 'Use from Python', level: 1 })).toBeVisible();

    const snippet = page.getByRole('region', { name: 'Python snippet' });
    await expect(snippet).toContainText('workspace_name="vision"');
    await expect(snippet).toContainText(`arm = "${HTTPS_URL}/arm/"`);
    await expect(snippet).toContainText(`os.environ["REQUESTS_CA_BUNDLE"] = "${CA_FILE}"`);
    await expect(snippet).toContainText(`HarbormasterToken("${PLACEHOLDER}")`);
    await expect(page.getByRole('list', { name: 'Supported', exact: true })).toContainText('Compute targets');
    await expect(page.getByRole('list', { name: 'Not supported' })).toContainText('Local code folders');
    await expectAccessible(page, 'Use from Python');

    await page.getByRole('button', { name: 'Create token' }).click();
    const date = new Date().toISOString().slice(0, 10);
    await expect(page.getByRole('status').filter({ hasText: 'you will not see it again' })).toContainText(`python-vision-${date}`);
    await expect(page.getByRole('button', { name: 'Create token' })).toHaveCount(0);
    const text = await snippet.textContent();
    const token = /HarbormasterToken\("([^"]+)"\)/.exec(text ?? '')?.[1];
    expect(token, text ?? '').toMatch(/^hm_/);
    expect(text).toContain(`# API token "python-vision-${date}", expires `);

    // The snippet's Copy button (the other copy buttons are icons named for what they copy).
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(page.getByRole('button', { name: /^Copied/ })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    await expectAccessible(page, 'Use from Python with the new token');
    await snap(page, 'workspace-python');

    // What the snippet would do first: the workspace and its computes, at its address, with its token and CA.
    const ws = `${HTTPS_URL}/arm/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/harbormaster/providers/Microsoft.MachineLearningServices/workspaces/vision`;
    const got = await httpsGet(`${ws}?api-version=2024-10-01-preview`, token!);
    expect(got.status, got.body).toBe(200);
    expect(JSON.parse(got.body)).toMatchObject({ name: 'vision', location: 'local' });
    const computes = await httpsGet(`${ws}/computes?api-version=2023-08-01-preview`, token!);
    expect(computes.status, computes.body).toBe(200);
    expect(JSON.parse(computes.body)).toHaveProperty('value');

    // Shown once: the page opened again has the placeholder; the token is one of theirs under Tokens & security.
    await page.reload();
    await expect(snippet).toContainText(`HarbormasterToken("${PLACEHOLDER}")`);
    await page.goto('/settings');
    await expect(page.getByRole('list', { name: 'Your API tokens' })).toContainText(`python-vision-${date}`);
  });
});

test.describe('an auditor', () => {
  test.use({ storageState: 'e2e/.auth/auditor.json' });

  test('sees the page for any workspace and is told the SDK can only read', async ({ page }) => {
    await page.goto('/w/vision/python');
    await expect(page.getByRole('heading', { name: 'Use from Python', level: 1 })).toBeVisible();
    await expect(page.getByText('can read this workspace but not change it')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Python snippet' })).toContainText('workspace_name="vision"');
    await expectAccessible(page, 'Use from Python (auditor)');
  });
});

import { expect, test } from '@playwright/test';
import { causeViolation, expectPagePolicy, watchCsp } from './csp';

// Content-Security-Policy (issue 18) on the signed-in console: every page load has its own nonce, client
// components (menus, client-side navigation, the theme switch) work, and nothing is blocked.

test('console pages load and work under the CSP with no violation', async ({ page }) => {
  const violations = await watchCsp(page);
  const nonces = new Set<string>();
  for (const [path, heading] of [
    ['/ops', 'Overview'],
    ['/ops/users', 'Users'],
    ['/ops/workspaces', 'Workspaces'],
    ['/audit', 'Audit log'],
    ['/settings', 'Tokens & security'],
  ] as const) {
    const res = await page.goto(path);
    nonces.add(expectPagePolicy(res?.headers()['content-security-policy'], path));
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
  }
  expect(nonces.size, 'one nonce per page load').toBe(5);

  // A Radix dropdown (client component): the theme menu opens and switches the theme.
  await page.getByRole('button', { name: 'Colour theme' }).click();
  await page.getByRole('menuitemradio', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await page.getByRole('button', { name: 'Colour theme' }).click();
  await page.getByRole('menuitemradio', { name: 'System' }).click();

  // Client-side navigation (RSC payload, scripts loaded by Next's own): no full page load.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await page.getByRole('navigation').first().getByRole('link', { name: 'Users & tokens' }).click();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await page.waitForLoadState('networkidle');
  expect(violations).toEqual([]);

  await causeViolation(page);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});

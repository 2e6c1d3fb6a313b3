import { expect, test } from '@playwright/test';
import { causeViolation, expectPagePolicy, expectScriptsCarryNonce, watchCsp } from './csp';

// Content-Security-Policy (issue 18): pages carry a script nonce fresh for every response (proxy.ts), Next's
// scripts and the theme script carry it, nothing is blocked; JSON keeps `frame-ancestors 'none'` only.

test('pages get a fresh script nonce per response and every script carries it; the API keeps frame-ancestors', async ({ request }) => {
  const nonces = new Set<string>();
  for (const path of ['/login', '/login', '/setup', '/no-such-page']) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect([200, 307, 404], path).toContain(res.status());
    if (res.status() === 307) {
      expectPagePolicy(res.headers()['content-security-policy'], path);
      continue;
    }
    nonces.add(await expectScriptsCarryNonce(res, path));
  }
  expect(nonces.size, 'a nonce is never reused').toBeGreaterThanOrEqual(3);
  // A client-sent policy is replaced, not trusted.
  const spoofed = await request.get('/login', { headers: { 'Content-Security-Policy': "script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAAAA'" } });
  expect(await expectScriptsCarryNonce(spoofed, 'spoofed request')).not.toBe('AAAAAAAAAAAAAAAAAAAAAAAA');

  const api = await request.get('/api/health/ready');
  expect(api.headers()['content-type']).toMatch(/application\/json/);
  expect(api.headers()['content-security-policy']).toBe("frame-ancestors 'none'");
  expect(api.headers()['x-frame-options']).toBe('DENY');
});

test('the sign-in and not-found pages load and work with no CSP violation', async ({ page }) => {
  const violations = await watchCsp(page);
  const res = await page.goto('/login');
  expectPagePolicy(res?.headers()['content-security-policy'], '/login');
  // The theme script (inline, with the nonce) ran: it set the theme class before React.
  await expect(page.locator('html')).toHaveClass(/\b(light|dark)\b/);
  // The form is a client component: a wrong sign-in is answered in place (fetch, then React state).
  await page.getByLabel('Email').fill('nobody-csp@example.com');
  await page.getByLabel('Password').fill('not-the-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /wrong email or password|too many/i })).toBeVisible();
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { name: /not found|sign in/i }).first()).toBeVisible();
  await page.goto('/setup');
  await page.waitForLoadState('networkidle');
  expect(violations).toEqual([]);

  // The watcher does see a violation when there is one.
  await causeViolation(page);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});

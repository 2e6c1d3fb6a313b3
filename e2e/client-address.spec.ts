import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { Cleanup, removeDir, startExtraConsole, suffix, tempDir, type ConsoleProcess } from './process-fixture';

// Who the client is, over real HTTP against server.mjs (the console's production server): the socket peer,
// never an X-Forwarded-For or x-harbormaster-client-ip the client wrote — unless the peer is a trusted proxy
// (HARBORMASTER_TRUSTED_PROXIES), whose X-Forwarded-For is read from the right. Sign-in throttling shows it: from
// one client, the 31st failure within 15 minutes answers 429 with Retry-After. Each console here has its own
// empty database, so the shared e2e console's sign-ins are never held back.

const cleanup = new Cleanup();
test.afterEach(() => cleanup.run());

async function signIn(c: ConsoleProcess, email: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${c.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password: 'not-the-password-123' }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json().catch(() => ({}))) as { detail?: string } };
}

test('without trusted proxies, clients cannot choose their address: 30 failures with 30 forged addresses are one client, the 31st is refused', async () => {
  test.setTimeout(120_000);
  const dir = tempDir('hm-e2e-ip-direct-');
  cleanup.defer('remove the data directory', () => removeDir(dir));
  const c = await startExtraConsole(`ip-direct-${suffix()}`, { HARBORMASTER_DATA_DIR: dir }, cleanup);
  expect(c.hasLog(/no trusted proxies/)).toBe(true);
  for (let i = 1; i <= 30; i++) {
    const r = await signIn(c, `spray-${i}@example.com`, { 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}`, 'x-harbormaster-client-ip': `192.0.2.${i}` });
    expect(r.status, `attempt ${i}`).toBe(401);
  }
  const refused = await signIn(c, 'spray-31@example.com', { 'x-forwarded-for': '198.51.100.99', 'x-harbormaster-client-ip': '192.0.2.99' });
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThan(800);
  expect(Number(refused.retryAfter)).toBeLessThanOrEqual(900);
  expect(refused.body.detail).toMatch(/Too many failed sign-in attempts from your address/);
  // SIGTERM: the console stops its runtime and exits cleanly.
  await c.stop();
  expect(await c.exited).toEqual({ code: 0, signal: null });
});

test('behind a trusted proxy, the right-most untrusted X-Forwarded-For address is the client', async () => {
  test.setTimeout(120_000);
  const dir = tempDir('hm-e2e-ip-proxy-');
  cleanup.defer('remove the data directory', () => removeDir(dir));
  const c = await startExtraConsole(`ip-proxy-${suffix()}`, { HARBORMASTER_DATA_DIR: dir, HARBORMASTER_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' }, cleanup);
  expect(c.hasLog(/trusting X-Forwarded-For from 127\.0\.0\.1, 10\.0\.0\.0\/8/)).toBe(true);
  // The client wrote a left part of its own; the proxies (10.1.2.3, then us at 127.0.0.1) appended the rest.
  for (let i = 1; i <= 30; i++) {
    const r = await signIn(c, `spray-${i}@example.com`, { 'x-forwarded-for': `192.0.2.${i}, 203.0.113.10, 10.1.2.3` });
    expect(r.status, `attempt ${i}`).toBe(401);
  }
  const refused = await signIn(c, 'spray-31@example.com', { 'x-forwarded-for': '203.0.113.10' });
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThan(800);
  // Forging a left part does not move the client out of its bucket…
  expect((await signIn(c, 'spray-32@example.com', { 'x-forwarded-for': '203.0.113.11, 203.0.113.10' })).status).toBe(429);
  // …another client behind the proxy has its own, and so has the proxy host itself.
  expect((await signIn(c, 'spray-1@example.com', { 'x-forwarded-for': '203.0.113.11' })).status).toBe(401);
  expect((await signIn(c, 'spray-1@example.com')).status).toBe(401);
});

test('a bad HARBORMASTER_TRUSTED_PROXIES stops the start with a clear message', async () => {
  const dir = tempDir('hm-e2e-ip-bad-');
  cleanup.defer('remove the data directory', () => removeDir(dir));
  const name = `ip-bad-${suffix()}`;
  const err = await startExtraConsole(name, { HARBORMASTER_DATA_DIR: dir, HARBORMASTER_TRUSTED_PROXIES: '10.0.0.0/33' }, cleanup, 20_000).then(
    () => null,
    (e: Error) => e,
  );
  expect(err?.message).toMatch(/exited \(1\) before it was ready/);
  const logFile = /see (\S+)$/.exec(err!.message)![1];
  await expect.poll(() => fs.readFileSync(logFile, 'utf8'), { timeout: 5_000 }).toMatch(/Harbormaster cannot start: Invalid configuration:\s+HARBORMASTER_TRUSTED_PROXIES: "10\.0\.0\.0\/33": the prefix length/);
});

import { expect, type APIResponse, type Page } from '@playwright/test';

// Content-Security-Policy checks shared by e2e/csp.spec.ts (anonymous) and e2e/ops-csp.spec.ts (signed in).

/** The directives of a CSP header value, by name. */
export function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name.toLowerCase(), values]),
  );
}

/** The page policy of proxy.ts on a response: a nonce in script-src, no 'unsafe-inline' there; returns the nonce. */
export function expectPagePolicy(csp: string | undefined | null, what: string): string {
  expect(csp, `${what}: Content-Security-Policy`).toBeTruthy();
  const d = directives(csp!);
  const script = d.get('script-src') ?? [];
  const nonce = script.map((s) => /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(s)?.[1]).find(Boolean);
  expect(nonce, `${what}: a nonce in script-src (${csp})`).toBeTruthy();
  expect(script, `${what}: script-src`).toContain("'strict-dynamic'");
  expect(script, `${what}: script-src without 'unsafe-inline'`).not.toContain("'unsafe-inline'");
  expect(script, `${what}: script-src without 'unsafe-eval'`).not.toContain("'unsafe-eval'");
  expect(d.get('default-src'), what).toEqual(["'self'"]);
  expect(d.get('object-src'), what).toEqual(["'none'"]);
  expect(d.get('base-uri'), what).toEqual(["'self'"]);
  expect(d.get('form-action'), what).toEqual(["'self'"]);
  expect(d.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(d.get('connect-src'), what).toEqual(["'self'"]);
  return nonce!;
}

/** Every <script> of a page's HTML carries the response's nonce. */
export async function expectScriptsCarryNonce(res: APIResponse, what: string): Promise<string> {
  const nonce = expectPagePolicy(res.headers()['content-security-policy'], what);
  const html = await res.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length, `${what}: scripts in the page`).toBeGreaterThan(0);
  expect(scripts.filter((s) => !s.includes(`nonce="${nonce}"`)), `${what}: scripts without the nonce`).toEqual([]);
  return nonce;
}

/**
 * Collects CSP violations of a page from here on: the browser's console reports ("Refused to … because it violates
 * the following Content Security Policy directive") and `securitypolicyviolation` events (logged to the console by
 * an init script, which runs in every document before the page's own scripts).
 */
export async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation event: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return violations;
}

/** A deliberate violation (an image from another origin): proves the watcher sees one. */
export async function causeViolation(page: Page): Promise<void> {
  await page.evaluate(() => {
    const img = new Image();
    img.src = 'https://csp-check.invalid/pixel.png';
    document.body.append(img);
  });
}

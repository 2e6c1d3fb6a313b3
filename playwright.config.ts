import { defineConfig } from '@playwright/test';

// E2E against a production build (`next build` + server.mjs, the console's production server), started by
// scripts/e2e.mjs on a free port with a throw-away data directory; it passes the URL in HM_E2E_BASE_URL. One project per role, each with
// the sign-in state saved by e2e/auth.setup.ts. Spec files pick their role by name prefix.
const baseURL = process.env.HM_E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.HM_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  },
  viewport: { width: 1440, height: 900 },
};

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: { baseURL, trace: 'retain-on-failure', screenshot: 'only-on-failure', ...chromium },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'anonymous', testMatch: /(^|\/)(?!(?:ops|ds|auditor)-)[\w-]+\.spec\.ts$/, dependencies: ['setup'] },
    { name: 'ops-admin', testMatch: /\bops-[\w-]+\.spec\.ts$/, use: { storageState: 'e2e/.auth/admin.json' }, dependencies: ['setup'] },
    { name: 'data-scientist', testMatch: /\bds-[\w-]+\.spec\.ts$/, use: { storageState: 'e2e/.auth/dataScientist.json' }, dependencies: ['setup'] },
    { name: 'auditor', testMatch: /\bauditor-[\w-]+\.spec\.ts$/, use: { storageState: 'e2e/.auth/auditor.json' }, dependencies: ['setup'] },
  ],
});

import { expect, test as setup } from '@playwright/test';
import { E2E_USERS, type E2ERole } from './users';

// Signs each role in through the real form once and stores the session cookie for its project.
for (const role of ['admin', 'dataScientist', 'auditor'] as E2ERole[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const u = E2E_USERS[role];
    await page.goto('/login');
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('navigation').first()).toBeVisible();
    await page.context().storageState({ path: `e2e/.auth/${role}.json` });
  });
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';

// The auditor verifies the audit trail (issue 15): runs the chain verification on the audit page and sees it ok
// with the count, sees the signing key's fingerprint and public key, then checks an export offline with
// scripts/verify-audit.mjs against the public key and a head recorded from GET /api/v1/audit/head.
test('runs the chain verification, sees the public key, and verifies an export offline', async ({ page }) => {
  await page.goto('/audit');
  const card = page.getByRole('region', { name: 'Chain verification' });
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: 'Verify the chain' }).click();
  await expect(card.getByRole('status')).toContainText(/Verified: \d+ events, [1-9]\d* signed checkpoints/);
  const fingerprint = card.getByText(/^sha256:[0-9a-f]{64}$/);
  await expect(fingerprint).toBeVisible();
  await expect(card.getByRole('button', { name: 'Copy the public key (PEM)' })).toBeVisible();
  await card.getByText('Public key (PEM)', { exact: true }).click();
  await expect(card.getByLabel('Public key (PEM)', { exact: true })).toContainText('-----BEGIN PUBLIC KEY-----');
  await expectAccessible(page, 'audit log with chain verification (auditor)');

  const head = await (await page.request.get('/api/v1/audit/head')).json();
  expect(head).toMatchObject({ id: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), signature: expect.any(String), publicKey: expect.any(String) });
  expect(head.fingerprint).toBe(await fingerprint.textContent());
  const v = await (await page.request.get('/api/v1/audit/verify')).json();
  expect(v).toMatchObject({ ok: true, checked: expect.any(Number) });
  expect(v).not.toHaveProperty('firstBroken');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-audit-'));
  try {
    fs.writeFileSync(path.join(dir, 'head.json'), JSON.stringify(head));
    fs.writeFileSync(path.join(dir, 'key.pem'), (await card.getByLabel('Public key (PEM)', { exact: true }).textContent()) ?? '');
    for (const format of ['csv', 'jsonl']) {
      const exp = await page.request.get(`/api/v1/audit/export?format=${format}`);
      expect(exp.status()).toBe(200);
      fs.writeFileSync(path.join(dir, `audit.${format}`), await exp.body());
      const r = spawnSync(process.execPath, ['scripts/verify-audit.mjs', path.join(dir, `audit.${format}`), '--public-key', path.join(dir, 'key.pem'), '--head', path.join(dir, 'head.json')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toMatch(new RegExp(`ok: \\d+ events verified, \\d+ signed checkpoints?, head ${head.id} intact`));
      expect(r.status).toBe(0);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

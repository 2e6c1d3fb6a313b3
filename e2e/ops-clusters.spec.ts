import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import YAML from 'yaml';
import { expectAccessible, snap } from './helpers';
import { adminApi, E2E_CLUSTER, kubeconfigPath, noCluster } from './compute-fixture';

// An ops admin registers the local test cluster through the UI (pasted kubeconfig, chosen context), installs
// the ML extension with an uploaded TLS certificate, watches the steps finish, sees it healthy, then
// uninstalls and removes it. The cluster is registered under its own name (e2e-ui) beside the compute specs'
// e2e-k8s: the same API server may be registered twice, but both records manage the same azureml objects,
// so when e2e-k8s already has the extension its install is re-applied at the end.
test.describe.configure({ mode: 'serial' });
test.skip(!!noCluster, noCluster);

const NAME = 'e2e-ui';
const CNAME = 'ml.e2e.test';
const kubeconfig = kubeconfigPath ? fs.readFileSync(kubeconfigPath, 'utf8') : '';
const context = kubeconfig ? String(YAML.parse(kubeconfig)['current-context'] ?? '') : '';

/** A self-signed certificate + key for `cn` (SAN too), made with openssl. */
function selfSigned(cn: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-e2e-tls-'));
  try {
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '365', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`], { stdio: 'ignore' });
    return { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function removeUiCluster(api: APIRequestContext) {
  if ((await api.get(`/api/v1/clusters/${NAME}`)).status() === 404) return;
  const ext = await (await api.get(`/api/v1/clusters/${NAME}/extension`)).json();
  if (ext.status !== 'notInstalled') await api.delete(`/api/v1/clusters/${NAME}/extension`);
  await api.delete(`/api/v1/clusters/${NAME}`);
}

test.beforeAll(async () => {
  const api = await adminApi();
  try {
    await removeUiCluster(api);
  } finally {
    await api.dispose();
  }
});

test.afterAll(async () => {
  test.setTimeout(180_000);
  const api = await adminApi();
  try {
    await removeUiCluster(api);
    // e2e-k8s shares the API server: put back what the uninstall above took away from it.
    const got = await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`);
    if (got.ok()) {
      const ext = await got.json();
      if (ext.status === 'installed' && ext.settings) {
        const r = await api.put(`/api/v1/clusters/${E2E_CLUSTER}/extension`, { data: { settings: ext.settings } });
        expect(r.status(), await r.text()).toBe(202);
        await expect.poll(async () => (await (await api.get(`/api/v1/clusters/${E2E_CLUSTER}/extension`)).json()).status, { timeout: 120_000 }).toBe('installed');
      }
    }
  } finally {
    await api.dispose();
  }
});

test('registers the test cluster with a pasted kubeconfig and its context, and shows what the check found', async ({ page }) => {
  await page.goto('/ops');
  await page.getByRole('navigation').getByRole('link', { name: 'Clusters' }).first().click();
  await expect(page).toHaveURL(/\/ops\/clusters$/);
  await expect(page.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
  await expectAccessible(page, 'cluster list');

  await page.getByRole('button', { name: 'Register cluster' }).first().click();
  const d = page.getByRole('dialog', { name: 'Register a cluster' });
  await d.getByRole('textbox', { name: 'Name', exact: true }).fill(NAME);
  await d.getByRole('textbox', { name: 'Display name' }).fill('E2E lab cluster');
  await d.getByRole('combobox', { name: 'Location' }).selectOption('on-prem');
  await d.getByRole('textbox', { name: 'Region' }).fill('lab-1');
  // Nothing pasted yet: the server's answer names the field.
  await d.getByRole('button', { name: 'Check and register' }).click();
  await expect(d.getByRole('textbox', { name: 'kubeconfig', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await d.getByRole('textbox', { name: 'kubeconfig', exact: true }).fill(kubeconfig);
  await expect(d.getByRole('textbox', { name: 'kubeconfig', exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  const ctx = d.getByRole('combobox', { name: 'Context' });
  await expect(ctx).toHaveValue(context);
  await ctx.selectOption(context);
  await expect(d.getByText(/client certificate|token/).first()).toBeVisible();
  await expectAccessible(page, 'register cluster dialog');
  await snap(page, 'ops-cluster-register');
  await d.getByRole('button', { name: 'Check and register' }).click();
  await expect(d).toBeHidden({ timeout: 30_000 });

  await expect(page).toHaveURL(new RegExp(`/ops/clusters/${NAME}$`));
  await expect(page.getByRole('heading', { name: 'E2E lab cluster', level: 1 })).toBeVisible();
  // The probe: version, pools with capacity, the context and the extension not yet installed.
  await expect(page.getByText(/Kubernetes v?1\.\d+\.\d+/).first()).toBeVisible();
  await expect(page.getByText(/On-premises · lab-1/).first()).toBeVisible();
  for (const pool of ['cpupool', 'gpupool']) await expect(page.getByText(pool).first()).toBeVisible();
  await expect(page.getByText(context, { exact: true })).toBeVisible();
  await expect(page.getByText('Not installed').first()).toBeVisible();
  await expectAccessible(page, 'cluster detail');
  await snap(page, 'ops-cluster-detail');

  await page.getByRole('link', { name: 'Clusters', exact: true }).first().click();
  const row = page.getByRole('row', { name: /E2E lab cluster/ });
  await expect(row).toContainText(/1\.\d+\.\d+/);
  await expect(row).toContainText('Not installed');
  await snap(page, 'ops-cluster-list');
});

test('a certificate with a key it was not issued for is refused in place and nothing is installed', async ({ page }) => {
  const a = selfSigned(CNAME);
  const b = selfSigned(CNAME);
  await page.goto(`/ops/clusters/${NAME}/extension`);
  await page.getByRole('checkbox', { name: 'enableInference' }).check();
  await page.getByRole('textbox', { name: 'sslCname' }).fill(CNAME);
  await page.getByRole('textbox', { name: 'Certificate chain (PEM)' }).fill(a.certPem);
  await page.getByRole('textbox', { name: /Private key/ }).fill(b.keyPem);
  await page.getByRole('button', { name: 'Install extension' }).click();
  // In place: under the key field (its accessible description) and in the form's error summary.
  const key = page.getByRole('textbox', { name: /Private key/ });
  await expect(key).toHaveAttribute('aria-invalid', 'true');
  await expect(key).toHaveAccessibleDescription(/private key does not match certificate #1 .*, the server certificate/);
  await expect(page.getByRole('alert').filter({ hasText: /uploaded certificate cannot be used/ })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Install steps' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByText('Not installed').first()).toBeVisible();
  expect((await (await page.request.get(`/api/v1/clusters/${NAME}/extension`)).json()).status).toBe('notInstalled');
});

test('installs the extension with an uploaded TLS certificate, step by step, and the cluster is healthy', async ({ page }) => {
  test.setTimeout(180_000);
  const tls = selfSigned(CNAME);
  await page.goto(`/ops/clusters/${NAME}`);
  await page.getByRole('link', { name: 'Extension & settings' }).click();
  await expect(page).toHaveURL(new RegExp(`/ops/clusters/${NAME}/extension$`));
  await expect(page.getByText('Not installed').first()).toBeVisible();
  await page.getByRole('checkbox', { name: 'enableInference' }).check();
  await page.getByRole('combobox', { name: 'inferenceRouterServiceType' }).selectOption('clusterIP');
  await page.getByRole('textbox', { name: 'sslCname' }).fill(CNAME);
  // The certificate as a file, the key pasted.
  await page.getByLabel('Upload certificate file').setInputFiles({ name: 'cert.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(tls.certPem) });
  await expect(page.getByRole('textbox', { name: 'Certificate chain (PEM)' })).toHaveValue(tls.certPem);
  await page.getByRole('textbox', { name: /Private key/ }).fill(tls.keyPem);
  await expectAccessible(page, 'extension install form');
  await snap(page, 'ops-cluster-extension-form');
  await page.getByRole('button', { name: 'Install extension' }).click();

  const steps = page.getByRole('list', { name: 'Install steps' });
  await expect(steps).toBeVisible();
  await expect(page.getByText(/(\d+) of \1 steps done/)).toBeVisible({ timeout: 150_000 });
  await expect(steps.locator('[data-status="failed"]')).toHaveCount(0);
  await expect(page.getByText('Installed').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Apply settings' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Keep the uploaded certificate/ })).toBeChecked();
  // The pointer still rests on the submit button; its hover shade is the Button component's, not this page's.
  await page.mouse.move(0, 0);
  await expectAccessible(page, 'extension page (installed)');
  await snap(page, 'ops-cluster-extension-installed');

  await page.getByRole('link', { name: /Health checks/ }).click();
  await expect(page).toHaveURL(new RegExp(`/ops/clusters/${NAME}/health$`));
  const checks = page.getByRole('list', { name: 'Health checks' });
  await expect(checks.locator('[data-check="component_not_ready"]')).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  for (const code of ['api_unreachable', 'auth_failed', 'crd_missing', 'tls_invalid', 'tls_expiring']) {
    await expect(checks.locator(`[data-check="${code}"]`), code).toHaveAttribute('data-status', 'ok');
  }
  await expect(checks.locator('[data-status="error"]')).toHaveCount(0);
  await expectAccessible(page, 'cluster health');
  await snap(page, 'ops-cluster-health');

  await page.getByRole('link', { name: 'Clusters', exact: true }).first().click();
  const row = page.getByRole('row', { name: /E2E lab cluster/ });
  await expect(row).toContainText('Installed');
  await expect(row).not.toContainText('Unreachable');
});

test('uninstalls the extension and removes the cluster after typing its name', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`/ops/clusters/${NAME}/extension`);
  await page.getByRole('button', { name: 'Uninstall…' }).click();
  const d = page.getByRole('alertdialog').or(page.getByRole('dialog'));
  await expect(d).toContainText('Keeps the InstanceType CRD');
  const confirm = d.getByRole('button', { name: 'Uninstall', exact: true });
  await expect(confirm).toBeDisabled();
  await d.getByRole('textbox').fill(NAME);
  await confirm.click();
  await expect(d).toBeHidden({ timeout: 60_000 });
  await expect(page.getByText('Not installed').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Install extension' })).toBeVisible();

  await page.getByRole('button', { name: `More actions for ${NAME}` }).click();
  await page.getByRole('menuitem', { name: 'Remove cluster…' }).click();
  const r = page.getByRole('alertdialog').or(page.getByRole('dialog'));
  await r.getByRole('textbox').fill(NAME);
  await r.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page).toHaveURL(/\/ops\/clusters$/);
  await expect(page.getByRole('row', { name: /E2E lab cluster/ })).toHaveCount(0);
  expect((await page.request.get(`/api/v1/clusters/${NAME}`)).status()).toBe(404);
});

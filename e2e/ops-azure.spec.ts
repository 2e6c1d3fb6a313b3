import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectAccessible, snap } from './helpers';
import { adminApi, kubeconfigPath, noCluster } from './compute-fixture';
import { Cleanup, needRealPart } from './process-fixture';
import { binaryDir } from '../testbed/cluster.mjs';

// Issue 17 end to end, through the UI only (the API is read for assertions and used for cleanup). An ops admin adds
// an Azure connection (a service principal at the local OpenID Connect issuer, ARM = the testbed's ARM stand-in,
// private CA), tests it, edits it (a field error inline first; then the tenant and the write-only secret, tested
// again), discovers the AKS cluster (the stand-in's AKS is the local test cluster) and registers it with credentials
// fetched from ARM, refreshes them from Azure on the cluster's page, installs Azure ML's extension through ARM on the
// cluster's extension page, links
// the workspace vision to the Azure ML workspace contoso-ml, and attaches the cluster to vision "Through Azure ML".
// Then a data scientist of vision submits a command job to that target from the job form, as to any other target:
// the azureml backend sends it to Azure ML (the stand-in runs it as a Kubernetes Job) and the job page shows it
// Completed. scripts/e2e.mjs starts the issuer and the stand-in and passes them in HM_E2E_ARM_* / HM_E2E_AZURE_*.
// The cluster is the one the compute specs share: everything made here is removed afterwards (compute detached,
// Azure ML's extension removed and its namespace gone, cluster, link and connection removed).
test.describe.configure({ mode: 'serial' });
// An action that waits for something that never comes fails here instead of at the test's timeout.
test.use({ actionTimeout: 20_000 });

const env = (k: string) => process.env[k] ?? '';
const ARM_URL = env('HM_E2E_ARM_URL');
const ARM_CA_FILE = env('HM_E2E_ARM_CA_FILE');
const AUTHORITY = env('HM_E2E_AZURE_AUTHORITY');
const TENANT = env('HM_E2E_AZURE_TENANT');
const CLIENT_ID = env('HM_E2E_AZURE_CLIENT_ID');
const CLIENT_SECRET = env('HM_E2E_AZURE_CLIENT_SECRET');
const SUBSCRIPTION = env('HM_E2E_AZURE_SUBSCRIPTION');
const missing =
  noCluster || (ARM_URL && ARM_CA_FILE && AUTHORITY && CLIENT_ID && CLIENT_SECRET && SUBSCRIPTION ? '' : 'no ARM stand-in (HM_E2E_ARM_URL and HM_E2E_AZURE_* are set by scripts/e2e.mjs)');

const CONNECTION = 'contoso-e2e';
const AKS = 'aks-e2e'; // the stand-in's AKS cluster, registered under the same name
const ML_WORKSPACE = 'contoso-ml';
const COMPUTE = 'aks-aml';
const WORKSPACE = 'vision';
const JOB_DISPLAY = 'e2e-azureml-hello';

function kubectl(args: string[]): string {
  return execFileSync(path.join(binaryDir(), 'kubectl'), ['--kubeconfig', kubeconfigPath, '--request-timeout=10s', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Undoes the scenario through the API, whatever part of it exists (also before the run: a reused cluster). */
async function removeScenario(api: APIRequestContext) {
  const computes = await (await api.get(`/api/v1/workspaces/${WORKSPACE}/computes`)).json();
  if ((computes.items ?? []).some((t: { name: string }) => t.name === COMPUTE)) {
    const r = await api.delete(`/api/v1/workspaces/${WORKSPACE}/computes/${COMPUTE}?force=true`);
    expect(r.ok(), `detach ${COMPUTE}: ${await r.text()}`).toBe(true);
  }
  if ((await api.get(`/api/v1/clusters/${AKS}`)).ok()) {
    const ext = async () => (await (await api.get(`/api/v1/clusters/${AKS}/azure-extension`)).json()) as { installed?: boolean; state?: string };
    // Let a running operation finish first (a second change is refused while one runs).
    await expect.poll(async () => (await ext()).state, { timeout: 60_000, message: 'no Azure ML extension operation running' }).not.toMatch(/^(pending|running)$/);
    if ((await ext()).installed) {
      const r = await api.delete(`/api/v1/clusters/${AKS}/azure-extension`);
      expect(r.status(), `remove Azure ML's extension: ${await r.text()}`).toBe(202);
      await expect.poll(async () => { const x = await ext(); return x.installed || x.state === 'pending' || x.state === 'running'; }, { timeout: 90_000, message: 'Azure ML extension removed' }).toBe(false);
    }
    const r = await api.delete(`/api/v1/clusters/${AKS}`);
    expect(r.ok(), `remove cluster ${AKS}: ${await r.text()}`).toBe(true);
  }
  // The stand-in's release namespace must be gone before the next spec installs Harbormaster's extension there.
  await expect.poll(() => kubectl(['get', 'namespace', 'azureml', '--ignore-not-found', '-o', 'name']).trim(), { timeout: 90_000, message: 'namespace azureml deleted' }).toBe('');
  // The Kubernetes Jobs Azure ML (the stand-in) ran for the compute.
  kubectl(['delete', 'jobs', '-n', 'default', '-l', `ml.azure.com/compute=${COMPUTE}`, '--ignore-not-found', '--wait=false']);
  await api.delete(`/api/v1/workspaces/${WORKSPACE}/azure`);
  await api.delete(`/api/v1/azure/connections/${CONNECTION}`);
}

/** The live flavor of the ML extension on the shared cluster (Azure ML's is never installed over Harbormaster's). */
function harbormasterExtensionOnCluster(): boolean {
  const deployments = kubectl(['get', 'deployments', '-n', 'azureml', '--ignore-not-found', '-o', 'name']).trim();
  return deployments !== '';
}

const cleanup = new Cleanup();
let jobName = '';

test.beforeAll(async () => {
  if (missing) return;
  test.setTimeout(240_000);
  const api = await adminApi();
  try {
    await removeScenario(api);
  } finally {
    await api.dispose();
  }
});

test.afterAll(async () => {
  test.setTimeout(240_000);
  await cleanup.run();
  if (missing) return;
  const api = await adminApi();
  try {
    await removeScenario(api);
  } finally {
    await api.dispose();
  }
});

async function azureComputeState(page: Page) {
  const list = await (await page.request.get(`/api/v1/workspaces/${WORKSPACE}/computes`)).json();
  return (list.items ?? []).find((t: { name: string }) => t.name === COMPUTE) as { backend?: string; azureState?: { provisioningState?: string; error?: string } } | undefined;
}

test('an ops admin connects Azure, registers the AKS cluster from ARM, installs Azure ML’s extension, links vision and attaches it through Azure ML', async ({ page }) => {
  needRealPart(missing);
  test.setTimeout(300_000);
  if (harbormasterExtensionOnCluster()) {
    // Another spec left Harbormaster's extension on the shared cluster: Azure ML's is refused over it (by design).
    needRealPart('Harbormaster’s extension is on the shared test cluster (namespace azureml has workloads): Azure ML’s extension is never installed over it; run this spec before the compute specs');
  }

  // Ops → Azure → New connection.
  await page.goto('/ops');
  await page.getByRole('navigation').getByRole('link', { name: 'Azure', exact: true }).first().click();
  await expect(page).toHaveURL(/\/ops\/azure$/);
  await expect(page.getByRole('heading', { name: 'Azure', level: 1 })).toBeVisible();
  await expectAccessible(page, 'Azure connections (empty)');
  await page.getByRole('button', { name: 'New connection' }).first().click();
  const d = page.getByRole('dialog', { name: 'New Azure connection' });
  await d.getByRole('radio', { name: /Service principal.*secret|Client secret/i }).check();
  await d.getByRole('textbox', { name: 'Name', exact: true }).fill(CONNECTION);
  await d.getByRole('textbox', { name: 'Tenant' }).fill(TENANT);
  await d.getByRole('textbox', { name: 'Application (client) id' }).fill(CLIENT_ID);
  await d.getByRole('textbox', { name: 'Client secret' }).fill(CLIENT_SECRET);
  await d.getByText('Advanced: sovereign clouds, private endpoints').click();
  await d.getByRole('textbox', { name: 'Authority host' }).fill(AUTHORITY);
  await d.getByRole('textbox', { name: 'ARM endpoint' }).fill(ARM_URL);
  await d.getByRole('textbox', { name: 'Private CA (PEM)' }).fill(fs.readFileSync(ARM_CA_FILE, 'utf8'));
  await expectAccessible(page, 'new Azure connection dialog');
  await snap(page, 'ops-azure-new-connection');
  await d.getByRole('button', { name: 'Create connection' }).click();
  await expect(d).toBeHidden({ timeout: 30_000 });
  const row = page.getByRole('row').filter({ hasText: CONNECTION });
  await expect(row).toContainText(ARM_URL);
  await expect(row).toContainText('private CA');

  // Test: a token from the issuer, then the subscriptions through ARM.
  await row.getByRole('button', { name: `Test ${CONNECTION}` }).click();
  const t = page.getByRole('dialog', { name: `Test of ${CONNECTION}` });
  await expect(t.getByText('Token for Azure Resource Manager: ok')).toBeVisible({ timeout: 30_000 });
  await expect(t.getByText('List subscriptions: ok')).toBeVisible();
  await expect(t).toContainText(SUBSCRIPTION);
  await expectAccessible(page, 'Azure connection test');
  await t.getByRole('button', { name: 'Close' }).first().click();
  await expectAccessible(page, 'Azure connections');
  await snap(page, 'ops-azure-connections');

  // The connection's page: subscription → the AKS cluster → Register.
  await row.getByText(CONNECTION, { exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/ops/azure/${CONNECTION}`));
  await expect(page.getByRole('heading', { name: CONNECTION, level: 1 })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Subscription' })).toHaveValue(SUBSCRIPTION);
  const clusters = page.getByRole('table', { name: 'AKS and Arc clusters' });
  const aksRow = clusters.getByRole('row').filter({ hasText: AKS });
  await expect(aksRow).toContainText('AKS', { timeout: 30_000 });
  await expect(aksRow).toContainText('rg-ml');
  await expect(aksRow).toContainText('Succeeded');
  // Edit the connection: the same fields, filled with what is stored; the secret write-only (empty keeps it).
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const ed = page.getByRole('dialog', { name: `Edit Azure connection ${CONNECTION}` });
  await expect(ed.getByRole('textbox', { name: 'Tenant' })).toHaveValue(TENANT);
  await expect(ed.getByRole('textbox', { name: 'Application (client) id' })).toHaveValue(CLIENT_ID);
  await expect(ed.getByLabel('New client secret')).toHaveValue('');
  await expect(ed.getByRole('radio')).toHaveCount(0); // the kind stays
  await ed.getByText('Advanced: sovereign clouds, private endpoints').click();
  await expect(ed.getByRole('textbox', { name: 'ARM endpoint' })).toHaveValue(ARM_URL);
  await expect(ed.getByRole('textbox', { name: 'Authority host' })).toHaveValue(AUTHORITY.replace(/\/+$/, ''));
  await expect(ed.getByRole('checkbox', { name: /Remove the stored private CA/ })).not.toBeChecked();
  await expectAccessible(page, 'edit Azure connection dialog');
  await snap(page, 'ops-azure-edit-connection');
  // A bad value: the field's own error, inline, and nothing sent.
  await ed.getByRole('textbox', { name: 'Tenant' }).fill('not a tenant!');
  await ed.getByRole('button', { name: 'Save changes' }).click();
  await expect(ed.getByText('must be a tenant id (GUID) or domain')).toBeVisible();
  await expect(ed.getByRole('textbox', { name: 'Tenant' })).toHaveAttribute('aria-invalid', 'true');
  // The pointer still rests on the submit button; its hover shade is the Button component's, not this dialog's.
  await page.mouse.move(0, 0);
  await expectAccessible(page, 'edit Azure connection dialog (field error)');
  await snap(page, 'ops-azure-edit-connection-error');
  // Saved: the tenant as a domain, and the same secret entered again (it replaces the stored one).
  const EDITED_TENANT = 'contoso-e2e.onmicrosoft.com';
  await ed.getByRole('textbox', { name: 'Tenant' }).fill(EDITED_TENANT);
  await ed.getByLabel('New client secret').fill(CLIENT_SECRET);
  await ed.getByRole('button', { name: 'Save changes' }).click();
  await expect(ed).toBeHidden({ timeout: 30_000 });
  await expect(page.getByRole('definition').filter({ hasText: EDITED_TENANT })).toBeVisible();
  const saved = await (await page.request.get(`/api/v1/azure/connections/${CONNECTION}`)).json();
  expect(saved).toMatchObject({ tenantId: EDITED_TENANT, clientId: CLIENT_ID, hasSecret: true, privateCa: true, armEndpoint: ARM_URL });
  expect(JSON.stringify(saved)).not.toContain(CLIENT_SECRET);
  // Still works with the replaced secret.
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const t2 = page.getByRole('dialog', { name: `Test of ${CONNECTION}` });
  await expect(t2.getByText('List subscriptions: ok')).toBeVisible({ timeout: 30_000 });
  await t2.getByRole('button', { name: 'Close' }).first().click();

  await page.getByRole('tab', { name: 'Azure ML workspaces' }).click();
  await expect(page.getByRole('table', { name: 'Azure ML workspaces' }).getByRole('row').filter({ hasText: ML_WORKSPACE })).toContainText('not linked');
  await expectAccessible(page, 'Azure connection (ML workspaces)');
  await page.getByRole('tab', { name: 'Kubernetes clusters' }).click();
  await expectAccessible(page, 'Azure connection (clusters)');
  await snap(page, 'ops-azure-connection');
  await aksRow.getByRole('button', { name: `Register ${AKS}` }).click();
  const reg = page.getByRole('dialog', { name: `Register AKS cluster ${AKS}` });
  await expect(reg.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(AKS);
  await expect(reg.getByRole('combobox', { name: 'Location' })).toHaveValue('cloud');
  await expect(reg.getByRole('textbox', { name: 'Region' })).toHaveValue('westeurope');
  await reg.getByRole('textbox', { name: 'Display name' }).fill('E2E AKS from Azure');
  await expectAccessible(page, 'register from Azure dialog');
  await reg.getByRole('button', { name: 'Check and register' }).click();
  await expect(reg).toBeHidden({ timeout: 60_000 });

  // Ops → Clusters: there, reachable, credentials from Azure.
  await page.goto('/ops/clusters');
  const clusterRow = page.getByRole('row', { name: /E2E AKS from Azure/ });
  await expect(clusterRow).toContainText(/1\.\d+\.\d+/, { timeout: 30_000 });
  await expect(clusterRow).not.toContainText('Unreachable');
  const registered = await (await page.request.get(`/api/v1/clusters/${AKS}`)).json();
  expect(registered).toMatchObject({ kind: 'aks', azureResourceId: expect.stringMatching(new RegExp(`/managedClusters/${AKS}$`, 'i')) });
  expect(registered.status).not.toBe('Unreachable');

  // The cluster's page: its credentials fetched from Azure again, through the connection, and checked.
  await page.goto(`/ops/clusters/${AKS}`);
  await page.getByRole('button', { name: 'Refresh credentials from Azure' }).click();
  const rc = page.getByRole('dialog', { name: `Credentials of ${AKS} from Azure` });
  await expect(rc.getByText('New credentials stored')).toBeVisible({ timeout: 60_000 });
  await expect(rc).toContainText(/The cluster answers \(Kubernetes v1\.\d+/);
  await expectAccessible(page, 'refresh credentials from Azure dialog');
  await snap(page, 'ops-azure-refresh-credentials');
  await rc.getByRole('button', { name: 'Close' }).first().click();
  await expect(rc).toBeHidden();
  expect((await (await page.request.get(`/api/v1/clusters/${AKS}`)).json()).status).not.toBe('Unreachable');

  // Its extension page: the explicit choice, Azure ML's extension through ARM, installed until ARM says Succeeded.
  await page.goto(`/ops/clusters/${AKS}/extension`);
  const choice = page.getByRole('group', { name: 'Which ML extension' });
  await expect(choice).toContainText('Neither is installed yet');
  await choice.getByRole('radio', { name: /Azure ML extension \(through ARM\)/ }).check();
  await expect(page.getByLabel('enableTraining')).toBeChecked();
  await expectAccessible(page, 'cluster extension page (Azure ML chosen)');
  await page.getByRole('button', { name: 'Install Azure ML’s extension' }).click();
  await expect(page.getByText('Succeeded').first()).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(/Release azureml deployed in namespace azureml/)).toBeVisible({ timeout: 30_000 });
  await expect(choice.getByRole('radio', { name: /Azure ML extension/ })).toBeChecked();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/clusters/${AKS}/azure-extension`)).json()).provisioningState, { timeout: 30_000 }).toBe('Succeeded');
  await page.reload();
  await expect(page.getByRole('group', { name: 'Which ML extension' })).toContainText('This cluster uses the Azure ML extension');
  await expectAccessible(page, 'cluster extension page (Azure ML installed)');
  await snap(page, 'ops-azure-extension');

  // Ops → Workspaces → vision: Link… to the Azure ML workspace.
  await page.goto('/ops/workspaces');
  await page.getByRole('row', { name: /Vision/ }).getByText(WORKSPACE, { exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/ops/workspaces/${WORKSPACE}$`));
  await page.getByRole('button', { name: 'Link…' }).click();
  const link = page.getByRole('dialog', { name: `Link ${WORKSPACE} to an Azure ML workspace` });
  await expect(link.getByRole('combobox', { name: 'Connection' })).toHaveValue(CONNECTION);
  await expect(link.getByRole('combobox', { name: 'Subscription' })).toHaveValue(SUBSCRIPTION, { timeout: 30_000 });
  await expect(link.getByRole('combobox', { name: 'Azure ML workspace' })).toContainText(`${ML_WORKSPACE} · rg-ml · westeurope`, { timeout: 30_000 });
  await expectAccessible(page, 'link to Azure ML dialog');
  await link.getByRole('button', { name: 'Link', exact: true }).click();
  await expect(link).toBeHidden({ timeout: 30_000 });
  await page.reload();
  // The link card: the Azure ML workspace, its resource group and the connection (a link to its page).
  await expect(page.getByRole('definition').filter({ hasText: new RegExp(`^${ML_WORKSPACE}$`) })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: /^rg-ml$/ })).toBeVisible();
  await expect(page.getByRole('link', { name: CONNECTION, exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Change link…' })).toBeVisible();
  await expectAccessible(page, 'workspace linked to Azure ML');

  // vision's compute: attach the cluster "Through Azure ML".
  await page.getByRole('button', { name: 'Attach compute' }).first().click();
  const a = page.getByRole('dialog', { name: 'Attach a cluster to a workspace' });
  const clusterSelect = a.getByRole('combobox', { name: 'Cluster' });
  // With one registered cluster the choice is made (and the select disabled).
  if (await clusterSelect.isEnabled()) await clusterSelect.selectOption(AKS);
  await expect(clusterSelect).toHaveValue(AKS);
  await a.getByRole('radio', { name: 'Through Azure ML' }).check();
  await a.getByRole('textbox', { name: 'Compute name' }).fill(COMPUTE);
  await expect(a.getByRole('combobox', { name: 'Default instance type' })).toHaveValue('defaultinstancetype');
  await expectAccessible(page, 'attach through Azure ML dialog');
  await snap(page, 'ops-azure-attach');
  await a.getByRole('button', { name: 'Attach through Azure ML' }).click();
  await expect(a).toBeHidden({ timeout: 60_000 });
  await expect(page.getByRole('region', { name: `Compute target ${COMPUTE}` }).or(page.getByRole('region', { name: `Compute target ${WORKSPACE}/${COMPUTE}` }))).toBeVisible();
  await expect.poll(async () => (await azureComputeState(page))?.azureState?.provisioningState, { timeout: 60_000, message: 'the compute attached through Azure ML' }).toBe('Succeeded');
  expect((await azureComputeState(page))?.backend).toBe('azureml');
  await expectAccessible(page, 'workspace with compute attached through Azure ML');
});

test('a data scientist of vision submits a job to the Azure-attached target from the job form; it completes through Azure ML', async ({ browser }) => {
  needRealPart(missing);
  test.setTimeout(240_000);
  // Serial: this runs only after the ops admin's test passed, so the target exists.
  const context = await browser.newContext({ storageState: 'e2e/.auth/dataScientist.json', baseURL: process.env.HM_E2E_BASE_URL, viewport: { width: 1440, height: 900 } });
  cleanup.defer('close the data scientist’s context', () => context.close());
  const page = await context.newPage();

  await page.goto(`/w/${WORKSPACE}/jobs`);
  await page.getByRole('link', { name: 'New job' }).first().click();
  await expect(page).toHaveURL(new RegExp(`/w/${WORKSPACE}/jobs/new$`));
  const compute = page.getByRole('combobox', { name: 'Compute target' });
  await expect(compute.locator('option', { hasText: COMPUTE })).toHaveCount(1);
  await compute.selectOption(COMPUTE);
  await page.getByRole('textbox', { name: 'Image' }).fill('busybox:1.36');
  await page.getByRole('textbox', { name: 'Command' }).fill('echo hello from Azure ML');
  await page.getByRole('textbox', { name: 'Display name' }).fill(JOB_DISPLAY);
  await expectAccessible(page, 'new job on the Azure ML target');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${WORKSPACE}/jobs/(?!new)[a-z0-9-]+$`), { timeout: 30_000 });
  jobName = new URL(page.url()).pathname.split('/').pop() ?? '';
  await expect(page.getByRole('heading', { name: JOB_DISPLAY, level: 1 })).toBeVisible();

  const job = async () => (await (await page.request.get(`/api/v1/workspaces/${WORKSPACE}/jobs/${jobName}`)).json()) as { status: string; backend?: string; azure?: { jobName?: string; status?: string; error?: string } };
  expect((await job()).backend).toBe('azureml');
  await expect.poll(async () => (await job()).status, { timeout: 150_000, intervals: [1000, 2000, 3000], message: 'the job Completed through Azure ML' }).toBe('Completed');
  const done = await job();
  expect(done.azure).toMatchObject({ status: 'Completed' });
  // The page shows it (its live stream, else after a reload).
  await expect(async () => {
    await expect(page.getByText('Completed').first()).toBeVisible({ timeout: 5000 });
  }).toPass({ timeout: 30_000 });
  await expectAccessible(page, 'job completed through Azure ML');
  await snap(page, 'ds-azureml-job');
});

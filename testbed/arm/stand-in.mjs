// ARM stand-in: a local HTTPS Azure Resource Manager that the REAL Azure SDK clients talk to in tests (DESIGN §6:
// the one allowed stand-in). It serves subscriptions, Azure ML workspaces / Kubernetes computes / command jobs, AKS
// managed clusters, Arc connected clusters and cluster extensions, with ARM's long-running operations, absolute
// nextLink paging, `{error:{code,message}}` errors, and fault switches. Its AKS and Arc clusters are the testbed's
// real local clusters (kubeconfigs given by the caller), and it plays the Azure ML service for jobs on an attached
// Kubernetes compute: each command job becomes a real Kubernetes Job on that cluster. See README.md beside it.
//
//   import { startArmStandIn } from './testbed/arm/stand-in.mjs';
//   const arm = await startArmStandIn({ dataDir, clusters: [{ kind: 'aks', subscriptionId, resourceGroup, name, location, kubeconfig }],
//                                       workspaces: [{ subscriptionId, resourceGroup, name, location }] });
//   new AzureMachineLearningWorkspaces(cred, sub, { endpoint: arm.url, credentialScopes: [...], tlsOptions: { ca: arm.caPem } });
//
// CLI: node testbed/arm/stand-in.mjs --port 8443 --data .testbed/arm [--config config.json]   (prints url and CA path)
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { createRemoteJWKSet, customFetch, decodeJwt, importJWK, importSPKI, jwtVerify } from 'jose';
import { BatchV1Api, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { ensureLocalTls } from '../local-tls.mjs';

/** api-versions the installed SDKs send, per resource provider (lower-case namespace). */
export const API_VERSIONS = {
  'microsoft.machinelearningservices': ['2022-10-01'], // @azure/arm-machinelearning 2.1.1
  'microsoft.kubernetesconfiguration': ['2023-05-01'], // @azure/arm-kubernetesconfiguration 6.1.0
  'microsoft.kubernetes': ['2021-10-01'], // @azure/arm-hybridkubernetes 2.1.0
  'microsoft.containerservice': ['2026-04-01'], // @azure/arm-containerservice 25.3.0
  'microsoft.resources': ['2022-12-01'], // @azure/arm-resources-subscriptions 3.0.0 (subscriptions)
};

export const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.azure.com/', 'https://management.core.windows.net/'];
const AZUREML_EXTENSION_TYPE = 'microsoft.azureml.kubernetes';
const ML = 'Microsoft.MachineLearningServices';
const TERMINAL_JOB = new Set(['Completed', 'Failed', 'Canceled']);
/** The implicit instance type of an Azure ML Kubernetes compute (aml-kubernetes.md §3). */
const DEFAULT_INSTANCE_TYPES = {
  defaultinstancetype: { nodeSelector: null, resources: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } },
};

class ArmError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const lc = (s) => String(s).toLowerCase();
const now = () => new Date().toISOString();
const uuid = () => crypto.randomUUID();

// ---------------------------------------------------------------------------------------------------------------
// Routes. Regexes are matched case-insensitively against the original path (names keep their case).
const SUB = '/subscriptions/(?<sub>[^/]+)';
const RG = `${SUB}/resourcegroups/(?<rg>[^/]+)`;
const WS = `${RG}/providers/${ML}/workspaces/(?<ws>[^/]+)`;
const CLUSTER = `${RG}/providers/(?<rp>Microsoft\\.ContainerService|Microsoft\\.Kubernetes)/(?<crn>managedClusters|connectedClusters)/(?<cluster>[^/]+)`;
const EXT = `${CLUSTER}/providers/Microsoft\\.KubernetesConfiguration/extensions`;

function routes() {
  const r = (method, pattern, ns, handler) => ({ method, re: new RegExp(`^${pattern}$`, 'i'), ns, handler });
  return [
    r('GET', '/subscriptions', 'microsoft.resources', listSubscriptions),
    r('GET', SUB, 'microsoft.resources', getSubscription),
    r('GET', `${SUB}/providers/${ML}/workspaces`, 'microsoft.machinelearningservices', listWorkspaces),
    r('GET', `${RG}/providers/${ML}/workspaces`, 'microsoft.machinelearningservices', listWorkspaces),
    r('GET', WS, 'microsoft.machinelearningservices', getWorkspace),
    r('GET', `${WS}/computes`, 'microsoft.machinelearningservices', listComputes),
    r('GET', `${WS}/computes/(?<name>[^/]+)`, 'microsoft.machinelearningservices', getCompute),
    r('PUT', `${WS}/computes/(?<name>[^/]+)`, 'microsoft.machinelearningservices', putCompute),
    r('DELETE', `${WS}/computes/(?<name>[^/]+)`, 'microsoft.machinelearningservices', deleteCompute),
    r('GET', `${WS}/jobs`, 'microsoft.machinelearningservices', listJobs),
    r('GET', `${WS}/jobs/(?<id>[^/]+)`, 'microsoft.machinelearningservices', getJob),
    r('PUT', `${WS}/jobs/(?<id>[^/]+)`, 'microsoft.machinelearningservices', putJob),
    r('POST', `${WS}/jobs/(?<id>[^/]+)/cancel`, 'microsoft.machinelearningservices', cancelJob),
    r('GET', `${SUB}/providers/Microsoft\\.ContainerService/managedClusters`, 'microsoft.containerservice', (c) => listClusters(c, 'aks')),
    r('GET', `${RG}/providers/Microsoft\\.ContainerService/managedClusters`, 'microsoft.containerservice', (c) => listClusters(c, 'aks')),
    r('GET', `${RG}/providers/Microsoft\\.ContainerService/managedClusters/(?<cluster>[^/]+)`, 'microsoft.containerservice', (c) => getCluster(c, 'aks')),
    r('POST', `${RG}/providers/Microsoft\\.ContainerService/managedClusters/(?<cluster>[^/]+)/listClusterUserCredential`, 'microsoft.containerservice', (c) => clusterCredential(c, 'aks')),
    r('GET', `${SUB}/providers/Microsoft\\.Kubernetes/connectedClusters`, 'microsoft.kubernetes', (c) => listClusters(c, 'arc')),
    r('GET', `${RG}/providers/Microsoft\\.Kubernetes/connectedClusters`, 'microsoft.kubernetes', (c) => listClusters(c, 'arc')),
    r('GET', `${RG}/providers/Microsoft\\.Kubernetes/connectedClusters/(?<cluster>[^/]+)`, 'microsoft.kubernetes', (c) => getCluster(c, 'arc')),
    r('POST', `${RG}/providers/Microsoft\\.Kubernetes/connectedClusters/(?<cluster>[^/]+)/listClusterUserCredential`, 'microsoft.kubernetes', (c) => clusterCredential(c, 'arc')),
    r('GET', EXT, 'microsoft.kubernetesconfiguration', listExtensions),
    r('GET', `${EXT}/(?<ext>[^/]+)`, 'microsoft.kubernetesconfiguration', getExtension),
    r('PUT', `${EXT}/(?<ext>[^/]+)`, 'microsoft.kubernetesconfiguration', putExtension),
    r('PATCH', `${EXT}/(?<ext>[^/]+)`, 'microsoft.kubernetesconfiguration', patchExtension),
    r('DELETE', `${EXT}/(?<ext>[^/]+)`, 'microsoft.kubernetesconfiguration', deleteExtension),
    // Operation status / result URLs handed out by this stand-in (the provider is the operation's own).
    r('GET', `${SUB}/.*/(?:operations|[a-z]*operationsstatus)/(?<op>[^/]+)`, null, operationStatus),
    r('GET', `${SUB}/.*/[a-z]*operationresults/(?<op>[^/]+)`, null, operationResult),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Kubeconfigs: reshaped like the ones ARM hands out (context = cluster name, user clusterUser_<rg>_<name>), but
// pointing at the real local cluster with its real credentials.
/**
 * What `az aks get-credentials` writes for an Entra-enabled (AAD) cluster: a kubelogin exec user asking for a token of
 * the AKS AAD server application (well-known app id) with the Azure CLI's client id, in the cluster's tenant.
 */
function kubeloginUser(tenantId) {
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'kubelogin',
      args: ['get-token', '--environment', 'AzurePublicCloud', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--client-id', '80faf920-1908-4b52-b5ef-a8e7bedfc67a', '--tenant-id', tenantId, '--login', 'devicecode'],
      env: null,
      installHint: '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://aka.ms/aks/kubelogin\n',
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false,
    },
  };
}

/** The cluster's user kubeconfig: its server and CA; the user's own credentials, or kubelogin for an AAD cluster. */
function armKubeconfig(cluster, tenantId) {
  const doc = YAML.parse(cluster.kubeconfig);
  const ctxName = doc['current-context'] ?? doc.contexts?.[0]?.name;
  const ctx = doc.contexts?.find((c) => c.name === ctxName)?.context;
  const cl = doc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.user)?.user;
  if (!ctx || !cl || !user) throw new Error(`kubeconfig of ${cluster.name} has no usable current context`);
  const userName = `clusterUser_${cluster.resourceGroup}_${cluster.name}`;
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: cl }],
    contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: userName, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) } }],
    'current-context': cluster.name,
    preferences: {},
    users: [{ name: userName, user: cluster.aad ? kubeloginUser(tenantId) : user }],
  });
}

function kubeClients(cluster) {
  if (!cluster.k8s) {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    cluster.k8s = { kc, batch: kc.makeApiClient(BatchV1Api), core: kc.makeApiClient(CoreV1Api) };
  }
  return cluster.k8s;
}

/** Live facts (version, node count) from the real cluster, best effort, cached. */
async function clusterFacts(cluster) {
  if (cluster.facts && Date.now() - cluster.facts.at < 30_000) return cluster.facts;
  const facts = { at: Date.now(), kubernetesVersion: cluster.kubernetesVersion ?? '1.37.2', nodeCount: cluster.nodeCount ?? 1 };
  try {
    const { kc, core } = kubeClients(cluster);
    const [ver, nodes] = await Promise.all([kc.makeApiClient(VersionApi).getCode(), core.listNode()]);
    facts.kubernetesVersion = String(ver.gitVersion ?? facts.kubernetesVersion).replace(/^v/, '').replace(/[-+].*$/, '');
    facts.nodeCount = nodes.items.length;
  } catch {
    /* unreachable cluster: keep the defaults */
  }
  cluster.facts = facts;
  return facts;
}

const isNotFound = (err) => err?.code === 404 || err?.statusCode === 404 || err?.response?.statusCode === 404;

// ---------------------------------------------------------------------------------------------------------------
// Resource bodies (shaped like the azure-rest-api-specs examples of each api-version).
function systemData(createdBy, createdAt, modifiedBy = createdBy, modifiedAt = createdAt) {
  return { createdBy, createdByType: 'User', createdAt, lastModifiedBy: modifiedBy, lastModifiedByType: 'User', lastModifiedAt: modifiedAt };
}

function subscriptionBody(s, tenantId) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId ?? tenantId,
    displayName: s.displayName,
    state: s.state ?? 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    tags: {},
  };
}

function workspaceBody(w, tenantId) {
  const rgId = `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}`;
  const short = w.name.replace(/[^a-z0-9]/gi, '').slice(0, 12).toLowerCase();
  return {
    id: w.id,
    name: w.name,
    type: `${ML}/workspaces`,
    location: w.location,
    tags: w.tags ?? {},
    identity: { type: 'SystemAssigned', principalId: w.principalId, tenantId },
    sku: { name: 'Basic', tier: 'Basic' },
    systemData: systemData(w.createdBy, w.createdAt),
    properties: {
      workspaceId: w.workspaceId,
      friendlyName: w.friendlyName ?? w.name,
      description: w.description ?? '',
      keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv${short}`,
      applicationInsights: `${rgId}/providers/microsoft.insights/components/ai${short}`,
      containerRegistry: `${rgId}/providers/Microsoft.ContainerRegistry/registries/cr${short}`,
      storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/st${short}`,
      discoveryUrl: `https://${lc(w.location)}.api.azureml.ms/discovery`,
      provisioningState: 'Succeeded',
      hbiWorkspace: false,
      serviceProvisionedResourceGroup: `${w.name}_${w.workspaceId.replace(/-/g, '').slice(0, 16)}`,
      privateLinkCount: 0,
      allowPublicAccessWhenBehindVnet: false,
      publicNetworkAccess: 'Enabled',
      privateEndpointConnections: [],
      sharedPrivateLinkResources: [],
      notebookInfo: null,
      storageHnsEnabled: false,
      mlFlowTrackingUri: `azureml://${lc(w.location)}.api.azureml.ms/mlflow/v1.0${w.id}`,
      v1LegacyMode: false,
    },
  };
}

async function clusterBody(c, tenantId) {
  const facts = await clusterFacts(c);
  // Tracked-resource envelope shared by both kinds.
  const head = (type) => ({ id: c.id, name: c.name, type, location: c.location, tags: c.tags ?? {}, systemData: systemData(c.createdBy, c.createdAt) });
  if (c.kind === 'aks') {
    const aad = c.aad ? { managed: true, enableAzureRBAC: false, adminGroupObjectIDs: [], tenantID: tenantId } : undefined;
    return {
      ...head('Microsoft.ContainerService/ManagedClusters'),
      sku: { name: 'Base', tier: 'Free' },
      identity: { type: 'SystemAssigned', principalId: c.principalId, tenantId },
      properties: {
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' },
        kubernetesVersion: facts.kubernetesVersion,
        currentKubernetesVersion: facts.kubernetesVersion,
        dnsPrefix: `${c.name}-dns`,
        fqdn: `${c.name}-dns-${c.suffix}.hcp.${lc(c.location)}.azmk8s.io`,
        azurePortalFQDN: `${c.name}-dns-${c.suffix}.portal.hcp.${lc(c.location)}.azmk8s.io`,
        agentPoolProfiles: [
          {
            name: 'nodepool1',
            count: facts.nodeCount,
            vmSize: 'Standard_D4s_v5',
            osDiskSizeGB: 128,
            osDiskType: 'Managed',
            maxPods: 110,
            type: 'VirtualMachineScaleSets',
            provisioningState: 'Succeeded',
            powerState: { code: 'Running' },
            orchestratorVersion: facts.kubernetesVersion,
            currentOrchestratorVersion: facts.kubernetesVersion,
            mode: 'System',
            osType: 'Linux',
            osSKU: 'Ubuntu',
          },
        ],
        nodeResourceGroup: `MC_${c.resourceGroup}_${c.name}_${lc(c.location)}`,
        enableRBAC: true,
        ...(aad ? { aadProfile: aad } : {}),
        disableLocalAccounts: Boolean(c.aad && c.disableLocalAccounts),
        networkProfile: { networkPlugin: 'azure', networkPolicy: 'none', serviceCidr: '10.0.0.0/16', dnsServiceIP: '10.0.0.10', loadBalancerSku: 'standard', outboundType: 'loadBalancer' },
        supportPlan: 'KubernetesOfficial',
      },
    };
  }
  return {
    ...head('Microsoft.Kubernetes/connectedClusters'),
    identity: { principalId: c.principalId, tenantId, type: 'SystemAssigned' },
    properties: {
      agentPublicKeyCertificate: c.agentPublicKeyCertificate,
      kubernetesVersion: facts.kubernetesVersion,
      totalNodeCount: facts.nodeCount,
      totalCoreCount: null,
      agentVersion: '1.21.10',
      provisioningState: 'Succeeded',
      distribution: c.distribution ?? 'generic',
      infrastructure: c.infrastructure ?? 'generic',
      offering: null,
      managedIdentityCertificateExpirationTime: new Date(Date.now() + 90 * 86400_000).toISOString(),
      lastConnectivityTime: now(),
      connectivityStatus: 'Connected',
    },
  };
}

/** ARM never returns protected settings: `configurationProtectedSettings` is `{}` in every response. */
function extensionBody(e) {
  return {
    id: e.id,
    name: e.name,
    type: 'Microsoft.KubernetesConfiguration/extensions',
    systemData: systemData(e.createdBy, e.createdAt, e.modifiedBy, e.modifiedAt),
    identity: { type: 'SystemAssigned', principalId: e.principalId, tenantId: e.tenantId },
    properties: {
      extensionType: e.extensionType,
      autoUpgradeMinorVersion: e.autoUpgradeMinorVersion,
      releaseTrain: e.releaseTrain,
      version: e.version,
      scope: e.scope,
      configurationSettings: { ...e.configurationSettings },
      configurationProtectedSettings: {},
      provisioningState: e.provisioningState,
      currentVersion: e.currentVersion,
      statuses: e.statuses,
      errorInfo: e.errorInfo ?? null,
      customLocationSettings: null,
      packageUri: null,
      aksAssignedIdentity: null,
      isSystemExtension: false,
    },
  };
}

function computeBody(c) {
  return {
    id: c.id,
    name: c.name,
    type: `${ML}/workspaces/computes`,
    location: c.location,
    tags: c.tags ?? {},
    ...(c.identity ? { identity: c.identity } : {}),
    systemData: systemData(c.createdBy, c.createdAt, c.modifiedBy, c.modifiedOn),
    properties: {
      computeType: 'Kubernetes',
      computeLocation: c.computeLocation ?? c.location,
      description: c.description ?? null,
      resourceId: c.resourceId,
      provisioningState: c.provisioningState,
      createdOn: c.createdAt,
      modifiedOn: c.modifiedOn,
      provisioningErrors: c.provisioningErrors ?? null,
      isAttachedCompute: true,
      disableLocalAuth: Boolean(c.disableLocalAuth),
      properties: {
        relayConnectionString: null,
        serviceBusConnectionString: null,
        extensionPrincipalId: null,
        extensionInstanceReleaseTrain: c.extensionInstanceReleaseTrain ?? 'stable',
        vcName: null,
        namespace: c.namespace,
        defaultInstanceType: c.defaultInstanceType,
        instanceTypes: c.instanceTypes,
      },
    },
  };
}

function jobBody(j) {
  return {
    id: j.id,
    name: j.name,
    type: `${ML}/workspaces/jobs`,
    systemData: systemData(j.createdBy, j.createdAt, j.modifiedBy, j.modifiedAt),
    properties: { ...j.spec, status: j.status },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers. `c` = request context: { s (stand-in), method, path, query, groups, body, auth, apiVersion, ns }.
function paged(c, items) {
  const size = c.s.options.pageSize;
  const skip = Math.max(0, parseInt(c.query.get('$skipToken') ?? '0', 10) || 0);
  const value = items.slice(skip, skip + size);
  let nextLink = null;
  if (skip + size < items.length) {
    const q = new URLSearchParams(c.query);
    q.set('$skipToken', String(skip + size));
    nextLink = `${c.s.url}${c.path}?${q.toString()}`;
  }
  return { status: 200, body: nextLink ? { value, nextLink } : { value } };
}

function listSubscriptions(c) {
  return paged(c, [...c.s.state.subscriptions.values()].map((s) => subscriptionBody(s, c.s.options.tenantId)));
}
function getSubscription(c) {
  const s = c.s.state.subscriptions.get(lc(c.groups.sub));
  if (!s) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${c.groups.sub}' could not be found.`);
  return { status: 200, body: subscriptionBody(s, c.s.options.tenantId) };
}

function requireSubscription(c) {
  if (!c.s.state.subscriptions.has(lc(c.groups.sub))) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${c.groups.sub}' could not be found.`);
}

function listWorkspaces(c) {
  requireSubscription(c);
  const items = [...c.s.state.workspaces.values()].filter(
    (w) => lc(w.subscriptionId) === lc(c.groups.sub) && (!c.groups.rg || lc(w.resourceGroup) === lc(c.groups.rg)),
  );
  return paged(c, items.map((w) => workspaceBody(w, c.s.options.tenantId)));
}

function workspaceOf(c) {
  requireSubscription(c);
  const id = `/subscriptions/${c.groups.sub}/resourceGroups/${c.groups.rg}/providers/${ML}/workspaces/${c.groups.ws}`;
  const w = c.s.state.workspaces.get(lc(id));
  if (!w) {
    throw new ArmError(404, 'ResourceNotFound', `The Resource '${ML}/workspaces/${c.groups.ws}' under resource group '${c.groups.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return w;
}
function getWorkspace(c) {
  return { status: 200, body: workspaceBody(workspaceOf(c), c.s.options.tenantId) };
}

// --- computes ---
function computeOf(c, { required = true } = {}) {
  const w = workspaceOf(c);
  const cmp = c.s.state.computes.get(lc(`${w.id}/computes/${c.groups.name}`));
  if (!cmp && required) throw new ArmError(404, 'ResourceNotFound', `Compute '${c.groups.name}' was not found in workspace '${w.name}'.`);
  return { w, cmp };
}
function listComputes(c) {
  const w = workspaceOf(c);
  const items = [...c.s.state.computes.values()].filter((x) => lc(x.workspaceId) === lc(w.id));
  return paged(c, items.map(computeBody));
}
function getCompute(c) {
  return { status: 200, body: computeBody(computeOf(c).cmp) };
}

function putCompute(c) {
  const { w, cmp: existing } = computeOf(c, { required: false });
  const name = c.groups.name;
  const body = c.body ?? {};
  const p = body.properties ?? {};
  if (!/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/i.test(name)) {
    throw new ArmError(400, 'ValidationError', `Compute name '${name}' is invalid: it must be 2 to 16 characters of letters, digits and dashes, start with a letter and end with a letter or digit.`);
  }
  if (p.computeType !== 'Kubernetes') {
    throw new ArmError(400, 'BadRequest', `The stand-in supports only computeType 'Kubernetes' (got '${p.computeType ?? ''}').`);
  }
  if (!p.resourceId) throw new ArmError(400, 'BadRequest', 'properties.resourceId is required for a Kubernetes compute.');
  const cluster = c.s.state.clusters.get(lc(p.resourceId));
  if (!cluster) {
    throw new ArmError(400, 'BadRequest', `The Kubernetes cluster '${p.resourceId}' was not found or is not an AKS or Arc-enabled Kubernetes cluster.`);
  }
  // Refusing a cluster without the Azure ML extension: the real service's error code and text for this case are
  // unknown (public sources only say users see "extension not installed"-like errors); this wording is ours.
  const ext = [...c.s.state.extensions.values()].find(
    (e) => e.clusterKey === lc(cluster.id) && lc(e.extensionType) === AZUREML_EXTENSION_TYPE && e.provisioningState === 'Succeeded',
  );
  if (!ext) {
    throw new ArmError(400, 'BadRequest', `Cannot attach Kubernetes cluster '${cluster.id}': the Microsoft.AzureML.Kubernetes extension is not installed on it (or not in state Succeeded). Install the extension, then attach the cluster.`);
  }
  if (existing && existing.provisioningState !== 'Succeeded' && existing.provisioningState !== 'Failed') {
    throw new ArmError(409, 'Conflict', `Compute '${name}' has an operation in progress (${existing.provisioningState}).`);
  }
  const kp = p.properties ?? {};
  const instanceTypes = kp.instanceTypes && Object.keys(kp.instanceTypes).length ? kp.instanceTypes : DEFAULT_INSTANCE_TYPES;
  const t = now();
  const cmp = {
    id: `${w.id}/computes/${name}`,
    name,
    workspaceId: w.id,
    location: body.location ?? w.location,
    tags: body.tags,
    identity: body.identity,
    computeLocation: p.computeLocation,
    description: p.description,
    disableLocalAuth: p.disableLocalAuth,
    resourceId: cluster.id,
    clusterKey: lc(cluster.id),
    namespace: kp.namespace || 'default',
    defaultInstanceType: kp.defaultInstanceType || Object.keys(instanceTypes)[0],
    instanceTypes,
    extensionInstanceReleaseTrain: ext.releaseTrain ?? 'stable',
    provisioningState: 'Creating',
    provisioningErrors: null,
    createdAt: existing?.createdAt ?? t,
    createdBy: existing?.createdBy ?? c.who,
    modifiedOn: t,
    modifiedBy: c.who,
  };
  if (existing) cmp.provisioningState = 'Updating';
  c.s.state.computes.set(lc(cmp.id), cmp);
  const op = startLro(c, {
    location: w.location,
    statusKind: 'computeOperationsStatus',
    resultKind: 'computeOperationResults',
    onSuccess: () => {
      cmp.provisioningState = 'Succeeded';
      cmp.modifiedOn = now();
    },
    onFailure: (error) => {
      cmp.provisioningState = 'Failed';
      cmp.provisioningErrors = [{ error }];
    },
  });
  return { status: existing ? 200 : 201, body: computeBody(cmp), headers: lroHeaders(op, { location: false }) };
}

function deleteCompute(c) {
  const { cmp } = computeOf(c);
  const action = c.query.get('underlyingResourceAction');
  if (!action || !['delete', 'detach'].includes(lc(action))) {
    throw new ArmError(400, 'BadRequest', "The query parameter 'underlyingResourceAction' is required and must be 'Delete' or 'Detach'.");
  }
  const previous = cmp.provisioningState;
  cmp.provisioningState = 'Deleting';
  const op = startLro(c, {
    location: cmp.location,
    statusKind: 'computeOperationsStatus',
    resultKind: 'computeOperationResults',
    kind: 'delete',
    onSuccess: () => {
      c.s.state.computes.delete(lc(cmp.id));
    },
    onFailure: () => {
      cmp.provisioningState = previous;
    },
  });
  return { status: 202, headers: lroHeaders(op, { location: true }) };
}

// --- jobs (the stand-in plays the Azure ML service: a real Kubernetes Job per command job) ---
function jobOf(c, { required = true } = {}) {
  const w = workspaceOf(c);
  const job = c.s.state.jobs.get(lc(`${w.id}/jobs/${c.groups.id}`));
  if (!job && required) throw new ArmError(404, 'UserError', `Job '${c.groups.id}' was not found in workspace '${w.name}'.`);
  return { w, job };
}

async function listJobs(c) {
  const w = workspaceOf(c);
  const jobType = c.query.get('jobType');
  const items = [...c.s.state.jobs.values()].filter((j) => lc(j.workspaceId) === lc(w.id) && (!jobType || lc(j.spec.jobType) === lc(jobType)));
  await Promise.all(items.map((j) => refreshJob(c.s, j)));
  return paged(c, items.map(jobBody));
}

async function getJob(c) {
  const { job } = jobOf(c);
  await refreshJob(c.s, job);
  return { status: 200, body: jobBody(job) };
}

function putJob(c) {
  const { w, job: existing } = jobOf(c, { required: false });
  const p = c.body?.properties;
  if (!p || typeof p !== 'object') throw new ArmError(400, 'UserError', 'The request body must have properties.');
  if (existing) {
    // Azure ML lets only description, tags and display name change on an existing job.
    for (const k of ['description', 'tags', 'displayName']) if (k in p) existing.spec[k] = p[k];
    existing.modifiedAt = now();
    existing.modifiedBy = c.who;
    return { status: 200, body: jobBody(existing) };
  }
  if (p.jobType !== 'Command') throw new ArmError(400, 'UserError', `The stand-in runs only jobType 'Command' (got '${p.jobType ?? ''}').`);
  if (!p.command) throw new ArmError(400, 'UserError', 'properties.command is required for a command job.');
  if (!p.environmentId) throw new ArmError(400, 'UserError', 'properties.environmentId is required for a command job.');
  if (!p.computeId) throw new ArmError(400, 'UserError', 'The stand-in needs properties.computeId (a Kubernetes compute of this workspace).');
  const cmp = c.s.state.computes.get(lc(p.computeId)) ?? c.s.state.computes.get(lc(`${w.id}/computes/${String(p.computeId).split('/').pop()}`));
  if (!cmp || lc(cmp.workspaceId) !== lc(w.id)) throw new ArmError(400, 'UserError', `Compute '${p.computeId}' was not found in workspace '${w.name}'.`);
  if (cmp.provisioningState !== 'Succeeded') throw new ArmError(400, 'UserError', `Compute '${cmp.name}' is not ready (provisioningState ${cmp.provisioningState}).`);
  const instanceType = p.resources?.instanceType || cmp.defaultInstanceType;
  if (!cmp.instanceTypes[instanceType]) {
    // Real text: "AML Kubernetes Compute job failed. 9: Invalid instance type." (aml-kubernetes.md §3), reported at run time.
    throw new ArmError(400, 'UserError', `AML Kubernetes Compute job failed. 9: Invalid instance type. Instance type '${instanceType}' is not defined on compute '${cmp.name}'.`);
  }
  const id = c.groups.id;
  const t = now();
  const spec = {
    description: p.description ?? null,
    tags: p.tags ?? {},
    properties: p.properties ?? {},
    displayName: p.displayName ?? id,
    experimentName: p.experimentName ?? 'Default',
    services: {
      Studio: { jobServiceType: 'Studio', port: null, endpoint: `https://ml.azure.com/runs/${id}?wsid=${w.id}`, status: null, errorMessage: null, properties: null },
    },
    computeId: cmp.id,
    isArchived: false,
    identity: p.identity ?? { identityType: 'AMLToken' },
    jobType: 'Command',
    resources: { instanceCount: p.resources?.instanceCount ?? 1, instanceType, properties: p.resources?.properties ?? null, shmSize: p.resources?.shmSize ?? '2g' },
    codeId: p.codeId ?? null,
    command: p.command,
    environmentId: p.environmentId,
    environmentVariables: p.environmentVariables ?? {},
    inputs: p.inputs ?? {},
    outputs: p.outputs ?? {},
    distribution: p.distribution ?? null,
    limits: p.limits ?? null,
    parameters: {},
  };
  const job = {
    id: `${w.id}/jobs/${id}`,
    name: id,
    workspaceId: w.id,
    compute: cmp,
    spec,
    status: 'NotStarted',
    k8sName: k8sJobName(id),
    createdAt: t,
    createdBy: c.who,
    modifiedAt: t,
    modifiedBy: c.who,
  };
  c.s.state.jobs.set(lc(job.id), job);
  job.launch = launchJob(c.s, job);
  return { status: 201, body: jobBody(job) };
}

function k8sJobName(id) {
  const clean = lc(id).replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const hash = crypto.createHash('sha256').update(id).digest('hex').slice(0, 6);
  return `aml-${clean.slice(0, 48)}-${hash}`.replace(/-+/g, '-');
}

/** environmentId → image: options.environments map, else an image reference used as-is, else options.defaultImage. */
function imageFor(s, environmentId) {
  const mapped = s.options.environments?.[environmentId];
  if (mapped) return mapped;
  if (!/^azureml:|^\/subscriptions\//i.test(environmentId) && /^[a-z0-9.-]+(:\d+)?\/?[a-z0-9._/-]*(:[\w.-]+|@sha256:[a-f0-9]+)?$/i.test(environmentId)) return environmentId;
  return s.options.defaultImage;
}

function cleanQuantities(m) {
  if (!m) return undefined;
  const out = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
  return Object.keys(out).length ? out : undefined;
}

async function launchJob(s, job) {
  const cmp = job.compute;
  const cluster = s.state.clusters.get(cmp.clusterKey);
  const it = cmp.instanceTypes[job.spec.resources.instanceType] ?? {};
  const nodeSelector = it.nodeSelector ? Object.fromEntries(Object.entries(it.nodeSelector).filter(([, v]) => v !== null)) : undefined;
  const podAnnotations = Object.fromEntries(Object.entries(job.spec.properties ?? {}).filter(([k]) => k.startsWith('harbormaster.io/sim-')));
  const labels = { 'ml.azure.com/job-name': job.k8sName, 'ml.azure.com/compute': cmp.name, 'app.kubernetes.io/managed-by': 'arm-stand-in' };
  const count = Math.max(1, Number(job.spec.resources.instanceCount) || 1);
  const body = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.k8sName, namespace: cmp.namespace, labels, annotations: { 'ml.azure.com/job-id': job.id } },
    spec: {
      completions: count,
      parallelism: count,
      backoffLimit: 0,
      template: {
        metadata: { labels, annotations: podAnnotations },
        spec: {
          restartPolicy: 'Never',
          ...(nodeSelector && Object.keys(nodeSelector).length ? { nodeSelector } : {}),
          tolerations: [
            { key: 'ml.azure.com/amlarc', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'ml.azure.com/amlarc-workload', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'main',
              image: imageFor(s, job.spec.environmentId),
              command: ['/bin/sh', '-c', job.spec.command],
              env: Object.entries(job.spec.environmentVariables ?? {}).map(([name, value]) => ({ name, value: String(value) })),
              resources: { requests: cleanQuantities(it.resources?.requests), limits: cleanQuantities(it.resources?.limits) },
            },
          ],
        },
      },
    },
  };
  try {
    if (!cluster) throw new Error(`cluster ${cmp.resourceId} is not known to the stand-in`);
    await kubeClients(cluster).batch.createNamespacedJob({ namespace: cmp.namespace, body });
    if (job.status === 'NotStarted') job.status = 'Queued';
  } catch (err) {
    job.status = 'Failed';
    job.error = { code: 'JobSubmissionFailed', message: `Could not create the Kubernetes job on the compute: ${err?.body?.message ?? err?.message ?? err}` };
    s.log(`job ${job.name}: ${job.error.message}`);
  }
}

async function refreshJob(s, job) {
  if (TERMINAL_JOB.has(job.status)) return;
  await job.launch;
  if (TERMINAL_JOB.has(job.status) || job.status === 'CancelRequested') return;
  if (job.refreshing) return job.refreshing;
  job.refreshing = readJobStatus(s, job)
    .catch((err) => s.log(`job ${job.name}: status not read (${err?.message ?? err}); keeping ${job.status}`))
    .finally(() => {
      job.refreshing = null;
    });
  return job.refreshing;
}

/** Status from the Kubernetes Job and its pods; an unreachable cluster leaves the last known status. */
async function readJobStatus(s, job) {
  const cluster = s.state.clusters.get(job.compute.clusterKey);
  if (!cluster) return;
  const { batch, core } = kubeClients(cluster);
  const ns = job.compute.namespace;
  const settled = () => job.status === 'CancelRequested' || TERMINAL_JOB.has(job.status);
  let k;
  try {
    k = await batch.readNamespacedJob({ name: job.k8sName, namespace: ns });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    if (!settled()) {
      job.status = 'Failed';
      job.error = { code: 'JobDeleted', message: 'The Kubernetes job was deleted outside Azure ML.' };
    }
    return;
  }
  const conds = k.status?.conditions ?? [];
  const failed = conds.find((x) => x.type === 'Failed' && x.status === 'True');
  let status;
  if (conds.some((x) => x.type === 'Complete' && x.status === 'True')) status = 'Completed';
  else if (failed) status = 'Failed';
  else {
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `batch.kubernetes.io/job-name=${job.k8sName}` });
    if (pods.items.some((p) => p.status?.phase === 'Running')) status = 'Running';
    else if (pods.items.some((p) => p.spec?.nodeName)) status = 'Preparing';
    else status = 'Queued';
  }
  if (settled()) return; // a cancel arrived while reading
  job.status = status;
  // Like Azure ML, jobs.get says only Failed: why is on the job's pods (and in Azure ML studio, its services.Studio).
  if (failed) job.error = { code: 'JobFailed', message: `${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim() };
}

async function cancelJob(c) {
  const { job } = jobOf(c);
  await refreshJob(c.s, job);
  if (TERMINAL_JOB.has(job.status)) return { status: 200 };
  const previous = job.status;
  job.status = 'CancelRequested';
  const w = c.s.state.workspaces.get(lc(job.workspaceId));
  const op = startLro(c, {
    location: w?.location ?? 'eastus',
    statusKind: 'mfeOperationsStatus',
    resultKind: 'mfeOperationResults',
    kind: 'post',
    onSuccess: async () => {
      const cluster = c.s.state.clusters.get(job.compute.clusterKey);
      try {
        await kubeClients(cluster).batch.deleteNamespacedJob({ name: job.k8sName, namespace: job.compute.namespace, propagationPolicy: 'Background' });
      } catch (err) {
        if (!isNotFound(err)) throw Object.assign(new Error(`Could not delete the Kubernetes job: ${err?.body?.message ?? err?.message}`), { code: 'InternalServerError' });
      }
      job.status = 'Canceled';
      job.modifiedAt = now();
    },
    onFailure: () => {
      job.status = previous;
    },
  });
  return { status: 202, headers: lroHeaders(op, { location: true }) };
}

// --- managed / connected clusters ---
function listClusters(c, kind) {
  requireSubscription(c);
  const items = [...c.s.state.clusters.values()].filter(
    (x) => x.kind === kind && lc(x.subscriptionId) === lc(c.groups.sub) && (!c.groups.rg || lc(x.resourceGroup) === lc(c.groups.rg)),
  );
  return Promise.all(items.map((x) => clusterBody(x, c.s.options.tenantId))).then((bodies) => paged(c, bodies));
}

function clusterOf(c, kind) {
  requireSubscription(c);
  const provider = kind === 'aks' ? 'Microsoft.ContainerService/managedClusters' : 'Microsoft.Kubernetes/connectedClusters';
  const rp = c.groups.rp ? `${c.groups.rp}/${c.groups.crn}` : provider;
  if (lc(rp) !== lc(provider)) throw new ArmError(400, 'InvalidClusterResourceType', `Cluster resource type '${rp}' is not supported.`);
  const cl = c.s.state.clusters.get(lc(`/subscriptions/${c.groups.sub}/resourceGroups/${c.groups.rg}/providers/${rp}/${c.groups.cluster}`));
  if (!cl || cl.kind !== kind) {
    throw new ArmError(404, 'ResourceNotFound', `The Resource '${provider}/${c.groups.cluster}' under resource group '${c.groups.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return cl;
}

async function getCluster(c, kind) {
  return { status: 200, body: await clusterBody(clusterOf(c, kind), c.s.options.tenantId) };
}

function clusterCredential(c, kind) {
  const cl = clusterOf(c, kind);
  const value = Buffer.from(armKubeconfig(cl, c.s.options.tenantId)).toString('base64');
  if (kind === 'aks') return { status: 200, body: { kubeconfigs: [{ name: 'clusterUser', value }] } };
  // Arc: the real answer is a kubeconfig for the cluster-connect relay (https://<guid>.k8sconnect.<region>...), which
  // cannot run here; the stand-in returns a direct kubeconfig to the local cluster, and no hybridConnectionConfig.
  return { status: 200, body: { kubeconfigs: [{ name: 'credentialName1', value }], hybridConnectionConfig: null } };
}

// --- cluster extensions ---
function extClusterOf(c) {
  const kind = lc(c.groups.rp) === 'microsoft.containerservice' ? 'aks' : 'arc';
  if ((kind === 'aks') !== (lc(c.groups.crn) === 'managedclusters')) {
    throw new ArmError(400, 'InvalidClusterResourceType', `Cluster resource type '${c.groups.rp}/${c.groups.crn}' is not supported.`);
  }
  return clusterOf(c, kind);
}
function extensionOf(c, { required = true } = {}) {
  const cl = extClusterOf(c);
  const e = c.s.state.extensions.get(lc(`${cl.id}/providers/Microsoft.KubernetesConfiguration/extensions/${c.groups.ext}`));
  if (!e && required) throw new ArmError(404, 'ResourceNotFound', `Extension '${c.groups.ext}' was not found on cluster '${cl.name}'.`);
  return { cl, e };
}
function listExtensions(c) {
  const cl = extClusterOf(c);
  return paged(c, [...c.s.state.extensions.values()].filter((e) => e.clusterKey === lc(cl.id)).map(extensionBody));
}
function getExtension(c) {
  return { status: 200, body: extensionBody(extensionOf(c).e) };
}

function stringMap(m, what) {
  if (m === undefined || m === null) return undefined;
  if (typeof m !== 'object' || Array.isArray(m)) throw new ArmError(400, 'InvalidRequestContent', `${what} must be a map of strings.`);
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? null : String(v)]));
}

/** Installing: the stand-in does the one real thing an install does first, making the release namespace. */
async function installOnCluster(cl, e) {
  const ns = e.scope?.cluster?.releaseNamespace ?? e.scope?.namespace?.targetNamespace;
  if (!ns) return;
  const { core } = kubeClients(cl);
  try {
    await core.readNamespace({ name: ns });
  } catch (err) {
    if (!isNotFound(err)) throw Object.assign(new Error(`Helm could not reach the cluster: ${err?.message ?? err}`), { code: 'ExtensionOperationFailed' });
    await core.createNamespace({ body: { metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'arm-stand-in' } } } });
  }
}

/**
 * Uninstalling: the release namespace goes again when the stand-in made it (as `helm uninstall` of a chart that owns
 * its namespace) — so tests sharing one local cluster find it as they left it.
 */
async function uninstallFromCluster(cl, e) {
  const ns = e.scope?.cluster?.releaseNamespace ?? e.scope?.namespace?.targetNamespace;
  if (!ns) return;
  const { core } = kubeClients(cl);
  try {
    const existing = await core.readNamespace({ name: ns });
    if (existing.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'arm-stand-in') await core.deleteNamespace({ name: ns });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function succeededStatuses(e) {
  return [{ code: 'InstallSucceeded', displayStatus: 'Deployed', level: 'Information', message: `Release ${e.name} deployed in namespace ${e.scope?.cluster?.releaseNamespace ?? e.scope?.namespace?.targetNamespace ?? 'default'} (stand-in)`, time: now() }];
}

/** Install / update as an LRO: the release namespace on the real cluster, then Succeeded; or Failed with errorInfo. */
function installLro(c, cl, e, { currentVersion, restore }) {
  return startLro(c, {
    location: cl.location,
    extensionId: e.id,
    onSuccess: async () => {
      await installOnCluster(cl, e);
      e.provisioningState = 'Succeeded';
      e.currentVersion = currentVersion();
      e.statuses = succeededStatuses(e);
      e.errorInfo = null;
    },
    onFailure: (error) => {
      restore?.();
      e.provisioningState = 'Failed';
      e.errorInfo = error;
      e.statuses = [{ code: error.code, displayStatus: 'Failed', level: 'Error', message: error.message, time: now() }];
    },
  });
}

function putExtension(c) {
  const { cl, e: existing } = extensionOf(c, { required: false });
  const p = c.body?.properties ?? {};
  if (!p.extensionType) throw new ArmError(400, 'InvalidRequestContent', 'properties.extensionType is required.');
  if (existing && ['Creating', 'Updating', 'Deleting'].includes(existing.provisioningState)) {
    throw new ArmError(409, 'Conflict', `Extension '${existing.name}' has an operation in progress (${existing.provisioningState}).`);
  }
  const t = now();
  const isAml = lc(p.extensionType) === AZUREML_EXTENSION_TYPE;
  const e = {
    id: `${cl.id}/providers/Microsoft.KubernetesConfiguration/extensions/${c.groups.ext}`,
    name: c.groups.ext,
    clusterKey: lc(cl.id),
    extensionType: p.extensionType,
    autoUpgradeMinorVersion: p.autoUpgradeMinorVersion ?? true,
    releaseTrain: p.releaseTrain ?? 'Stable',
    version: p.version ?? null,
    scope: p.scope ?? { cluster: { releaseNamespace: isAml ? 'azureml' : c.groups.ext } },
    configurationSettings: stringMap(p.configurationSettings, 'configurationSettings') ?? {},
    protectedSettings: stringMap(p.configurationProtectedSettings, 'configurationProtectedSettings') ?? {},
    provisioningState: existing ? 'Updating' : 'Creating',
    currentVersion: existing?.currentVersion ?? null,
    statuses: [],
    errorInfo: null,
    principalId: existing?.principalId ?? uuid(),
    tenantId: c.s.options.tenantId,
    createdAt: existing?.createdAt ?? t,
    createdBy: existing?.createdBy ?? c.who,
    modifiedAt: t,
    modifiedBy: c.who,
  };
  c.s.state.extensions.set(lc(e.id), e);
  const op = installLro(c, cl, e, { currentVersion: () => e.version ?? (isAml ? '1.1.64' : '1.0.0') });
  return { status: existing ? 200 : 201, body: extensionBody(e), headers: { ...lroHeaders(op, { location: false }), 'x-ms-async-operation-timeout': 'PT48H' } };
}

function patchExtension(c) {
  const { cl, e } = extensionOf(c);
  const p = c.body?.properties ?? {};
  if (['Creating', 'Updating', 'Deleting'].includes(e.provisioningState)) {
    throw new ArmError(409, 'Conflict', `Extension '${e.name}' has an operation in progress (${e.provisioningState}).`);
  }
  const settings = stringMap(p.configurationSettings, 'configurationSettings');
  const prot = stringMap(p.configurationProtectedSettings, 'configurationProtectedSettings');
  const before = { ...e, configurationSettings: { ...e.configurationSettings }, protectedSettings: { ...e.protectedSettings } };
  // `--config` merges (a null value removes the key); protected settings are replaced wholesale (aml-kubernetes.md §1).
  if (settings) {
    for (const [k, v] of Object.entries(settings)) {
      if (v === null) delete e.configurationSettings[k];
      else e.configurationSettings[k] = v;
    }
  }
  if (prot) e.protectedSettings = Object.fromEntries(Object.entries(prot).filter(([, v]) => v !== null));
  for (const k of ['autoUpgradeMinorVersion', 'releaseTrain', 'version']) if (k in p) e[k] = p[k];
  e.provisioningState = 'Updating';
  e.modifiedAt = now();
  e.modifiedBy = c.who;
  const op = installLro(c, cl, e, {
    currentVersion: () => e.version ?? e.currentVersion,
    restore: () => Object.assign(e, { configurationSettings: before.configurationSettings, protectedSettings: before.protectedSettings }),
  });
  // PATCH: 202 with Azure-AsyncOperation only, so the SDK's final GET is the extension itself.
  return { status: 202, body: extensionBody(e), headers: lroHeaders(op, { location: false }) };
}

function deleteExtension(c) {
  const { cl, e } = extensionOf(c);
  const previous = e.provisioningState;
  e.provisioningState = 'Deleting';
  const op = startLro(c, {
    location: cl.location,
    extensionId: e.id,
    kind: 'delete',
    onSuccess: async () => {
      await uninstallFromCluster(cl, e);
      c.s.state.extensions.delete(lc(e.id));
    },
    onFailure: (error) => {
      e.provisioningState = previous === 'Succeeded' ? 'Failed' : previous;
      e.errorInfo = error;
    },
  });
  return { status: 202, headers: lroHeaders(op, { location: true }) };
}

// ---------------------------------------------------------------------------------------------------------------
// Long-running operations: status `InProgress` for the first `lroPolls` polls (so SDK polling is exercised), then
// the operation settles (its effect is applied) → `Succeeded`, or `Failed` with {code,message}. An operation nobody
// polls settles by itself after `lroSettleMs`.
function startLro(c, { location, statusKind, resultKind, extensionId, kind = 'put', onSuccess, onFailure }) {
  const s = c.s;
  const id = uuid();
  const fault = takeFault(s, c, ['lroFail']);
  const ns = extensionId ? 'microsoft.kubernetesconfiguration' : 'microsoft.machinelearningservices';
  const apiVersion = API_VERSIONS[ns][0];
  const statusPath = extensionId
    ? `${extensionId}/operations/${id}`
    : `/subscriptions/${c.groups.sub}/providers/${ML}/locations/${lc(location)}/${statusKind}/${id}`;
  const resultPath = extensionId
    ? `/subscriptions/${c.groups.sub}/providers/Microsoft.KubernetesConfiguration/locations/${lc(location)}/operationResults/${id}`
    : `/subscriptions/${c.groups.sub}/providers/${ML}/locations/${lc(location)}/${resultKind}/${id}`;
  const op = {
    id,
    ns,
    apiVersion,
    kind,
    statusPath,
    resultPath,
    requestPath: c.path,
    status: 'InProgress',
    startTime: now(),
    endTime: null,
    error: null,
    polls: 0,
    fault,
    onSuccess,
    onFailure,
    settling: null,
  };
  op.timer = setTimeout(() => void settle(op), s.options.lroSettleMs);
  op.timer.unref?.();
  s.state.operations.set(id, op);
  return op;
}

function settle(op) {
  if (!op.settling) {
    clearTimeout(op.timer);
    op.settling = (async () => {
      if (op.fault) {
        op.error = { code: op.fault.code ?? 'InternalServerError', message: op.fault.message ?? 'The operation failed.' };
      } else {
        try {
          await op.onSuccess?.();
        } catch (err) {
          op.error = { code: err?.code && typeof err.code === 'string' ? err.code : 'InternalServerError', message: String(err?.message ?? err) };
        }
      }
      if (op.error) {
        op.status = 'Failed';
        try {
          op.onFailure?.(op.error);
        } catch {
          /* ignore */
        }
      } else {
        op.status = 'Succeeded';
      }
      op.endTime = now();
    })();
  }
  return op.settling;
}

/** Marker the server turns into absolute `Azure-AsyncOperation` (+ `Location`) and `Retry-After: 0` headers. */
function lroHeaders(op, { location }) {
  return { __lro: op, location };
}

function operationOf(c) {
  const op = c.s.state.operations.get(lc(c.groups.op));
  if (!op) throw new ArmError(404, 'ResourceNotFound', `Operation '${c.groups.op}' was not found.`);
  checkApiVersion(c, op.ns);
  return op;
}

async function operationStatus(c) {
  const op = operationOf(c);
  op.polls += 1;
  if (op.status === 'InProgress' && op.polls > c.s.options.lroPolls) await settle(op);
  const body = { id: op.statusPath, name: op.id, status: op.status, startTime: op.startTime, ...(op.endTime ? { endTime: op.endTime } : {}) };
  if (op.ns === 'microsoft.kubernetesconfiguration') body.properties = {};
  if (op.error) body.error = op.error;
  return { status: 200, body, headers: op.status === 'InProgress' ? { 'Retry-After': '0' } : {} };
}

function operationResult(c) {
  const op = operationOf(c);
  if (op.status === 'InProgress') {
    return { status: 202, headers: { Location: `${c.s.url}${op.resultPath}?api-version=${op.apiVersion}`, 'Retry-After': '0' } };
  }
  if (op.status === 'Failed') throw new ArmError(400, op.error.code, op.error.message);
  return { status: op.kind === 'delete' ? 204 : 200 };
}

// ---------------------------------------------------------------------------------------------------------------
// Faults.
const FAULT_KINDS = new Set(['throttle', 'forbidden', 'error', 'outage', 'lroFail']);

function normalizeFault(spec, seq) {
  if (!spec || !FAULT_KINDS.has(spec.kind)) throw new Error(`fault kind must be one of ${[...FAULT_KINDS].join(', ')}`);
  const unlimitedByDefault = spec.kind === 'outage';
  const count = spec.count === undefined ? (unlimitedByDefault ? -1 : 1) : spec.count === null ? -1 : Number(spec.count);
  return {
    id: spec.id ?? `fault-${seq}`,
    kind: spec.kind,
    method: spec.method ? String(spec.method).toUpperCase() : null,
    path: spec.path ?? null,
    re: spec.path ? new RegExp(spec.path, 'i') : null,
    remaining: count,
    retryAfter: spec.retryAfter ?? 1,
    status: spec.status ?? (spec.kind === 'error' ? 500 : spec.kind === 'outage' ? 503 : undefined),
    mode: spec.mode ?? '503',
    code: spec.code,
    message: spec.message,
    hits: 0,
  };
}

function takeFault(s, c, kinds) {
  const faults = s.state.faults;
  for (let i = 0; i < faults.length; i++) {
    let f = faults[i];
    if (!f.re && f.path) f = faults[i] = normalizeFault(f, ++s.faultSeq); // pushed directly onto state.faults
    if (f.remaining === undefined) f = faults[i] = normalizeFault(f, ++s.faultSeq);
    if (!kinds.includes(f.kind)) continue;
    if (f.method && f.method !== c.method) continue;
    if (f.re && !f.re.test(c.path)) continue;
    f.hits += 1;
    if (f.remaining > 0) {
      f.remaining -= 1;
      if (f.remaining === 0) faults.splice(i, 1);
    }
    return f;
  }
  return null;
}

function armAction(method, p) {
  const segs = p.split('/').filter(Boolean);
  const lastProv = segs.map(lc).lastIndexOf('providers');
  if (lastProv < 0) return segs.length <= 2 ? 'Microsoft.Resources/subscriptions/read' : 'Microsoft.Resources/subscriptions/resourceGroups/read';
  const ns = segs[lastProv + 1];
  const rest = segs.slice(lastProv + 2);
  const types = rest.filter((_, i) => i % 2 === 0);
  let verb = { GET: 'read', PUT: 'write', PATCH: 'write', DELETE: 'delete' }[method] ?? 'action';
  if (method === 'POST' && rest.length % 2 === 1) {
    verb = `${types.pop()}/action`;
  }
  return `${ns}/${types.join('/')}/${verb}`;
}

function faultResponse(s, c, f) {
  const scope = c.path.replace(/\/+$/, '');
  if (f.kind === 'throttle') {
    const kind = c.method === 'GET' ? 'read' : c.method === 'DELETE' ? 'delete' : 'write';
    throw new ArmError(
      429,
      f.code ?? 'SubscriptionRequestsThrottled',
      f.message ?? `Number of '${kind}' requests for subscription '${c.groups?.sub ?? scope.split('/')[2] ?? ''}' actor '${c.principal}' exceeded. Please try after '${f.retryAfter}' seconds after the time at which the request was made.`,
      { 'Retry-After': String(f.retryAfter) },
    );
  }
  if (f.kind === 'forbidden') {
    const action = armAction(c.method, scope.replace(/\/(?:operations|[a-z]*operationsstatus|[a-z]*operationresults)\/[^/]+$/i, ''));
    throw new ArmError(
      403,
      f.code ?? 'AuthorizationFailed',
      f.message ??
        `The client '${c.principal}' with object id '${c.principal}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  if (f.kind === 'error') {
    const corr = uuid();
    throw new ArmError(
      f.status,
      f.code ?? (f.status === 503 ? 'ServiceUnavailable' : 'InternalServerError'),
      f.message ?? `Encountered internal server error. Diagnostic information: timestamp '${now()}', tracking id '${uuid()}', request correlation id '${corr}'.`,
    );
  }
  throw new Error(`unexpected fault ${f.kind}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Auth.
function fetchWithCa(ca) {
  return (url, opts = {}) =>
    new Promise((resolve, reject) => {
      const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca, signal: opts.signal }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: res.headers })));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
}

async function makeVerifier(issuer) {
  if (!issuer) return null;
  let key;
  if (issuer.jwksUri) {
    key = createRemoteJWKSet(new URL(issuer.jwksUri), issuer.ca ? { [customFetch]: fetchWithCa(issuer.ca) } : {});
  } else if (typeof issuer.publicKey === 'string') {
    key = await importSPKI(issuer.publicKey, issuer.algorithm ?? 'RS256');
  } else if (issuer.publicKey && typeof issuer.publicKey === 'object' && 'kty' in issuer.publicKey) {
    key = await importJWK(issuer.publicKey, issuer.algorithm ?? issuer.publicKey.alg ?? 'RS256');
  } else if (issuer.publicKey) {
    key = issuer.publicKey; // KeyObject / CryptoKey
  } else {
    throw new Error('issuer needs jwksUri or publicKey');
  }
  const audience = issuer.audience ? [].concat(issuer.audience) : ARM_AUDIENCES;
  return async (token) => {
    const { payload } = await jwtVerify(token, key, { audience, ...(issuer.issuer ? { issuer: issuer.issuer } : {}), clockTolerance: 30 });
    return payload;
  };
}

async function authenticate(s, req) {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  if (!m) {
    throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", {
      'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
    });
  }
  const token = m[1];
  let claims = null;
  if (s.verify) {
    try {
      claims = await s.verify(token);
    } catch (err) {
      const aud = err?.claim === 'aud';
      throw new ArmError(
        401,
        aud ? 'InvalidAuthenticationTokenAudience' : 'InvalidAuthenticationToken',
        aud
          ? `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences '${ARM_AUDIENCES.join("','")}'.`
          : `The access token is invalid. (${err?.code ?? err?.message ?? 'verification failed'})`,
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
  } else {
    try {
      claims = decodeJwt(token);
    } catch {
      claims = null;
    }
  }
  return {
    token,
    claims,
    principal: claims?.oid ?? claims?.appid ?? claims?.azp ?? claims?.sub ?? '00000000-0000-0000-0000-000000000000',
    who: claims?.upn ?? claims?.preferred_username ?? claims?.email ?? claims?.oid ?? claims?.sub ?? 'test-user@example.com',
  };
}

function checkApiVersion(c, ns) {
  const v = c.query.get('api-version');
  const supported = API_VERSIONS[ns] ?? [];
  if (!v) throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  if (!supported.includes(v)) {
    throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${v}' is invalid. The supported versions are '${supported.join(',')}'.`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Server.
function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'x-ms-request-id': uuid(),
    'x-ms-correlation-request-id': uuid(),
    ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

async function readBody(req) {
  const chunks = [];
  for await (const ch of req) chunks.push(ch);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
}

function publicFault(f) {
  const { re, ...rest } = f;
  void re;
  return rest;
}

function protectedDigest(e) {
  return Object.fromEntries(Object.entries(e.protectedSettings).map(([k, v]) => [k, crypto.createHash('sha256').update(v).digest('hex')]));
}

async function admin(s, req, res, p) {
  const sub = p.slice('/__standin'.length).replace(/\/+$/, '') || '/';
  const method = req.method;
  if (sub === '/health') return send(res, 200, { ok: true, url: s.url });
  if (sub === '/faults' && method === 'POST') {
    const body = await readBody(req);
    const specs = Array.isArray(body) ? body : Array.isArray(body?.faults) ? body.faults : [body];
    try {
      return send(res, 201, { ids: specs.map((f) => s.addFault(f)) });
    } catch (err) {
      return send(res, 400, { error: { code: 'BadRequest', message: err.message } });
    }
  }
  if (sub === '/faults' && method === 'GET') return send(res, 200, { value: s.state.faults.map(publicFault) });
  if (sub === '/faults' && method === 'DELETE') {
    s.clearFaults();
    return send(res, 204);
  }
  const fm = /^\/faults\/([^/]+)$/.exec(sub);
  if (fm && method === 'DELETE') {
    s.removeFault(decodeURIComponent(fm[1]));
    return send(res, 204);
  }
  if (sub === '/requests' && method === 'GET') return send(res, 200, { value: s.state.requests });
  if (sub === '/requests' && method === 'DELETE') {
    s.state.requests.length = 0;
    return send(res, 204);
  }
  if (sub === '/extensions' && method === 'GET') {
    // Settings as received; protected ones only as names and SHA-256 digests (never the values).
    const value = [...s.state.extensions.values()].map((e) => ({
      id: e.id,
      extensionType: e.extensionType,
      provisioningState: e.provisioningState,
      configurationSettings: e.configurationSettings,
      protectedSettingNames: Object.keys(e.protectedSettings),
      protectedSettingsSha256: protectedDigest(e),
    }));
    return send(res, 200, { value });
  }
  return send(res, 404, { error: { code: 'NotFound', message: `No stand-in admin route ${method} ${sub}` } });
}

async function handle(s, req, res) {
  const u = new URL(req.url, s.url);
  const p = decodeURIComponent(u.pathname).replace(/\/+$/, '') || '/';
  if (p === '/__standin' || p.startsWith('/__standin/')) return admin(s, req, res, p);

  const entry = { time: now(), method: req.method, path: p, apiVersion: u.searchParams.get('api-version'), status: 0 };
  s.state.requests.push(entry);
  if (s.state.requests.length > s.options.requestLogLimit) s.state.requests.splice(0, s.state.requests.length - s.options.requestLogLimit);
  const c = { s, method: req.method, path: p, query: u.searchParams, groups: {}, principal: '00000000-0000-0000-0000-000000000000', who: 'test-user@example.com' };
  const reply = (status, body, headers) => {
    entry.status = status;
    send(res, status, body, headers);
  };
  try {
    const outage = takeFault(s, c, ['outage']);
    if (outage) {
      entry.fault = 'outage';
      if (outage.mode === 'reset') {
        entry.status = -1;
        req.socket.destroy();
        return;
      }
      throw new ArmError(outage.status ?? 503, outage.code ?? 'ServiceUnavailable', outage.message ?? 'The server is currently unable to receive requests. Please retry your request.', outage.retryAfter && outage.status === 429 ? { 'Retry-After': String(outage.retryAfter) } : {});
    }
    const auth = await authenticate(s, req);
    Object.assign(c, { principal: auth.principal, who: auth.who, claims: auth.claims });
    const route = s.routes.find((r) => r.method === req.method && r.re.test(p));
    const anyRoute = route ?? s.routes.find((r) => r.re.test(p));
    if (anyRoute) c.groups = anyRoute.re.exec(p).groups ?? {};
    const fault = takeFault(s, c, ['throttle', 'forbidden', 'error']);
    if (fault) {
      entry.fault = fault.kind;
      faultResponse(s, c, fault);
    }
    if (!route) {
      if (anyRoute) throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
      throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found for path '${p}' (not served by the ARM stand-in).`);
    }
    if (route.ns) checkApiVersion(c, route.ns);
    c.body = ['PUT', 'PATCH', 'POST'].includes(req.method) ? await readBody(req) : undefined;
    const out = await route.handler(c);
    let headers = out.headers ?? {};
    if (headers.__lro) {
      const op = headers.__lro;
      const extra = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== '__lro' && k !== 'location'));
      headers = {
        ...extra,
        'Azure-AsyncOperation': `${s.url}${op.statusPath}?api-version=${op.apiVersion}`,
        ...(headers.location ? { Location: `${s.url}${op.resultPath}?api-version=${op.apiVersion}` } : {}),
        'Retry-After': '0',
      };
    }
    reply(out.status, out.body, headers);
  } catch (err) {
    if (err instanceof ArmError) reply(err.status, { error: { code: err.code, message: err.message } }, err.headers);
    else {
      s.log(`stand-in error on ${req.method} ${p}: ${err?.stack ?? err}`);
      reply(500, { error: { code: 'InternalServerError', message: `ARM stand-in error: ${err?.message ?? err}` } });
    }
  }
}

function addClusterTo(s, spec) {
  if (!['aks', 'arc'].includes(spec.kind)) throw new Error("cluster kind must be 'aks' or 'arc'");
  const kubeconfig = spec.kubeconfig ?? (spec.kubeconfigPath ? fs.readFileSync(spec.kubeconfigPath, 'utf8') : null);
  if (!kubeconfig) throw new Error(`cluster ${spec.name}: kubeconfig (YAML) or kubeconfigPath is required`);
  const provider = spec.kind === 'aks' ? 'Microsoft.ContainerService/managedClusters' : 'Microsoft.Kubernetes/connectedClusters';
  const id = `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/${provider}/${spec.name}`;
  const cl = {
    ...spec,
    kubeconfig,
    id,
    location: spec.location ?? 'westeurope',
    principalId: uuid(),
    suffix: crypto.createHash('sha256').update(id).digest('hex').slice(0, 8),
    agentPublicKeyCertificate: crypto.randomBytes(48).toString('base64'),
    createdAt: now(),
    createdBy: 'ops@example.com',
    k8s: null,
    facts: null,
  };
  s.state.clusters.set(lc(id), cl);
  ensureSubscription(s, spec.subscriptionId);
  return cl;
}

function addWorkspaceTo(s, spec) {
  const id = `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/${ML}/workspaces/${spec.name}`;
  const w = { ...spec, id, location: spec.location ?? 'westeurope', workspaceId: uuid(), principalId: uuid(), createdAt: now(), createdBy: 'ops@example.com' };
  s.state.workspaces.set(lc(id), w);
  ensureSubscription(s, spec.subscriptionId);
  return w;
}

function ensureSubscription(s, subscriptionId, displayName) {
  if (!s.state.subscriptions.has(lc(subscriptionId))) {
    s.state.subscriptions.set(lc(subscriptionId), { subscriptionId, displayName: displayName ?? `Harbormaster test subscription ${s.state.subscriptions.size + 1}` });
  }
}

/**
 * Starts the stand-in. Options (all optional):
 *   port (0 = any free), host ('127.0.0.1'), dataDir (CA + cert cache; default .testbed/arm-stand-in),
 *   tenantId, subscriptions [{subscriptionId, displayName, tenantId?, state?}],
 *   workspaces [{subscriptionId, resourceGroup, name, location, friendlyName?, description?, tags?}],
 *   clusters [{kind:'aks'|'arc', subscriptionId, resourceGroup, name, location, kubeconfig | kubeconfigPath, aad?}],
 *   issuer {jwksUri | publicKey (PEM SPKI, JWK or KeyObject), audience?, issuer?, algorithm?, ca?} — verify JWTs,
 *   pageSize (50), lroPolls (1: polls answered InProgress before an LRO settles), lroSettleMs (2000),
 *   environments {environmentId: image}, defaultImage ('busybox:1.36'), requestLogLimit (5000), log (fn).
 */
export async function startArmStandIn(options = {}) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const opts = {
    host: '127.0.0.1',
    port: 0,
    dataDir: path.resolve(here, '../../.testbed/arm-stand-in'),
    tenantId: '8f1d9c2e-5b7a-4c3d-9e0f-1a2b3c4d5e6f',
    pageSize: 50,
    lroPolls: 1,
    lroSettleMs: 2000,
    defaultImage: 'busybox:1.36',
    requestLogLimit: 5000,
    ...options,
  };
  const tls = ensureLocalTls(path.join(opts.dataDir, 'tls'), { caName: 'Harbormaster ARM stand-in test CA' });
  const s = {
    options: opts,
    url: '',
    routes: routes(),
    faultSeq: 0,
    verify: await makeVerifier(opts.issuer),
    log: opts.log ?? ((m) => process.stderr.write(`[arm-stand-in] ${m}\n`)),
    state: {
      subscriptions: new Map(),
      workspaces: new Map(),
      clusters: new Map(),
      extensions: new Map(),
      computes: new Map(),
      jobs: new Map(),
      operations: new Map(),
      faults: [],
      requests: [],
    },
  };
  for (const sub of opts.subscriptions ?? []) ensureSubscription(s, sub.subscriptionId, sub.displayName);
  for (const sub of opts.subscriptions ?? []) Object.assign(s.state.subscriptions.get(lc(sub.subscriptionId)), sub);
  for (const c of opts.clusters ?? []) addClusterTo(s, c);
  for (const w of opts.workspaces ?? []) addWorkspaceTo(s, w);

  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(s, req, res).catch((err) => {
      s.log(`unhandled: ${err?.stack ?? err}`);
      send(res, 500, { error: { code: 'InternalServerError', message: String(err?.message ?? err) } });
    });
  });
  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host, () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const port = await listen(opts.port);
  s.url = `https://${opts.host === '127.0.0.1' || opts.host === '::1' ? '127.0.0.1' : opts.host}:${port}`;

  // 'refuse' outages close the listener (connection refused) until the fault is removed or its durationMs passes.
  let refusing = false;
  const syncRefuse = async () => {
    const want = s.state.faults.some((f) => f.kind === 'outage' && f.mode === 'refuse');
    if (want && !refusing) {
      refusing = true;
      await new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      });
    } else if (!want && refusing) {
      refusing = false;
      await listen(port);
    }
  };

  s.addFault = (spec) => {
    const f = normalizeFault(spec, ++s.faultSeq);
    s.state.faults.push(f);
    if (spec.durationMs) setTimeout(() => s.removeFault(f.id), spec.durationMs).unref?.();
    if (f.kind === 'outage' && f.mode === 'refuse') void syncRefuse();
    return f.id;
  };
  s.removeFault = (id) => {
    const i = s.state.faults.findIndex((f) => f.id === id);
    if (i >= 0) s.state.faults.splice(i, 1);
    return syncRefuse();
  };
  s.clearFaults = () => {
    s.state.faults.length = 0;
    return syncRefuse();
  };

  return {
    url: s.url,
    port,
    caPem: tls.caPem,
    caFile: tls.caFile,
    state: s.state,
    /** Adds a fault (see README: kind throttle|forbidden|error|outage|lroFail, method, path regex, count, …) → id. */
    addFault: s.addFault,
    removeFault: s.removeFault,
    clearFaults: s.clearFaults,
    /** Request log entries {time, method, path, apiVersion, status, fault?} (never bodies). */
    requests: () => s.state.requests.slice(),
    clearRequests: () => {
      s.state.requests.length = 0;
    },
    addCluster: (spec) => addClusterTo(s, spec).id,
    addWorkspace: (spec) => addWorkspaceTo(s, spec).id,
    close: async () => {
      for (const op of s.state.operations.values()) clearTimeout(op.timer);
      if (refusing) return;
      await new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections?.();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CLI.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const config = arg('config') ? JSON.parse(fs.readFileSync(arg('config'), 'utf8')) : {};
  const standIn = await startArmStandIn({
    ...config,
    port: Number(arg('port') ?? config.port ?? 0),
    ...(arg('data') ? { dataDir: path.resolve(arg('data')) } : {}),
  });
  process.stdout.write(`url: ${standIn.url}\nca: ${standIn.caFile}\n`);
  const stop = () => standIn.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

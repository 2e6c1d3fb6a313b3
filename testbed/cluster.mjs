#!/usr/bin/env node
// Local Kubernetes testbed: a real control plane (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) on 127.0.0.1 with KWOK playing the nodes and the pod lifecycle (testbed/README.md).
//
//   node testbed/cluster.mjs up     [--profile NAME] [--state-dir DIR] [--fresh]
//   node testbed/cluster.mjs down   [--profile NAME | --state-dir DIR | --all]
//   node testbed/cluster.mjs status
//
// Besides the Kubernetes binaries, `up` starts testbed/sim-logs.mjs (per-pod logs produced from a pod's own
// command, for pods annotated harbormaster.io/sim-log: command) as a sixth process.
//
// Plain Node ESM (no TypeScript, no build step) so that it runs before anything else is built; the only
// dependency is `yaml`. Also imported by scripts/demo.mjs and testbed/vitest-global-setup.ts (`up`, `down`).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const TESTBED_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(TESTBED_DIR, '..');
export const DEFAULT_PROFILE = 'aks-westeurope';
export const VERSIONS = {
  kubernetes: process.env.K8S_VERSION || '1.37.2',
  etcd: process.env.ETCD_VERSION || '3.6.16',
  kwok: process.env.KWOK_VERSION || '0.8.0',
};
/** The binaries build.sh makes (kubectl aside) that a cluster runs. */
export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];
/** Start order; `down` stops in the reverse order (an apiserver whose etcd is gone ignores SIGTERM). */
export const COMPONENTS = [...BINARIES, 'sim-logs'];
const PORT_NAMES = ['etcdClient', 'etcdPeer', 'apiserver', 'controllerManager', 'scheduler', 'kwok'];
const TESTBED_STATE_ROOT = path.join(REPO_ROOT, '.testbed');
const REGISTRY_DIR = path.join(TESTBED_STATE_ROOT, 'registry');
const SERVICE_CIDR = '10.0.0.0/24';
const POD_CIDR = '10.244.0.0/16';
/** Label that takes a node away from KWOK: its lease stops being renewed and the node goes NotReady. */
export const NODE_DOWN_LABEL = 'harbormaster.io/sim-node-down';
const PROFILE_ANNOTATION = 'harbormaster.io/testbed-profile';
/** The CRI-format log every container serves, unless testbed/sim-logs.mjs gives its pod a log of its own. */
export const SAMPLE_LOG = path.join(TESTBED_DIR, 'logs', 'train-sample.log');
/** kwok reads its `Logs` objects (one per pod, made by testbed/sim-logs.mjs) from the API: --enable-crds=Logs. */
const LOGS_CRD = path.join(TESTBED_DIR, 'crds', 'kwok.x-k8s.io_logs.yaml');

// ---------------------------------------------------------------------------------------------- helpers

function makeLogger(tag, quiet) {
  const t0 = Date.now();
  return (msg) => {
    if (quiet) return;
    process.stderr.write(`[testbed ${tag} +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Go-style duration ("20s", "1m30s", "500ms", "0") → milliseconds. */
export function parseDuration(value, what = 'duration') {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value * 1000;
  const s = String(value).trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2]];
    consumed += m[0];
  }
  if (consumed !== s) throw new Error(`invalid ${what} ${JSON.stringify(value)} (use e.g. "20s", "1m30s", "500ms")`);
  return Math.round(total);
}

function defaultStateDir(profile) {
  return path.join(TESTBED_STATE_ROOT, 'clusters', profile);
}

export function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeJson(file, value) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

function tail(file, lines = 15) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ------------------------------------------------------------------------------------------- binaries

export function binaryDir() {
  if (process.env.HARBORMASTER_TESTBED_BIN) return path.resolve(process.env.HARBORMASTER_TESTBED_BIN);
  const cache = process.env.HARBORMASTER_CACHE || path.join(os.homedir(), '.cache', 'harbormaster');
  const { kubernetes, etcd, kwok } = VERSIONS;
  return path.join(cache, 'testbed', `k8s-${kubernetes}-etcd-${etcd}-kwok-${kwok}`, 'bin');
}

export function missingBinaries(dir = binaryDir()) {
  return BINARIES.filter((name) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/** Returns the bin dir, running testbed/build.sh first (progress on stderr) when a binary is missing. */
export async function ensureBinaries({ log = makeLogger('build') } = {}) {
  const dir = binaryDir();
  const missing = missingBinaries(dir);
  if (missing.length === 0) return dir;
  if (process.env.HARBORMASTER_TESTBED_BIN) {
    throw new Error(`HARBORMASTER_TESTBED_BIN=${dir} lacks ${missing.join(', ')}`);
  }
  log(`missing ${missing.join(', ')} in ${dir}: running testbed/build.sh (a cold build takes 10–13 min on 2 cores)`);
  const out = await new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(TESTBED_DIR, 'build.sh')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      stderr = (stderr + d).slice(-2000);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) return resolve(stdout);
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`testbed/build.sh exited with ${code}: ${last}`));
    });
  });
  const built = out.trim().split('\n').pop();
  const stillMissing = missingBinaries(built);
  if (stillMissing.length) throw new Error(`testbed/build.sh finished but ${stillMissing.join(', ')} are missing in ${built}`);
  return built;
}

// -------------------------------------------------------------------------------------------- profiles

export function profilePath(name) {
  if (name.endsWith('.yaml') || name.includes('/')) return path.resolve(name);
  return path.join(TESTBED_DIR, 'profiles', `${name}.yaml`);
}

export function listProfiles() {
  return fs
    .readdirSync(path.join(TESTBED_DIR, 'profiles'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5));
}

/** Reads and checks a node profile (testbed/profiles/*.yaml), with defaults filled in. */
export function loadProfile(name) {
  const file = profilePath(name);
  if (!fs.existsSync(file)) {
    throw new Error(`unknown testbed profile ${JSON.stringify(name)} (available: ${listProfiles().join(', ')})`);
  }
  const raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  const where = `profile ${file}`;
  if (!raw || !Array.isArray(raw.pools) || raw.pools.length === 0) throw new Error(`${where}: needs a non-empty pools list`);
  const profile = {
    name: raw.name || path.basename(file, '.yaml'),
    description: raw.description || '',
    jobs: {
      durationMs: parseDuration(raw.jobs?.duration ?? '20s', 'jobs.duration'),
      jitterMs: parseDuration(raw.jobs?.jitter ?? '0s', 'jobs.jitter'),
    },
    pods: {
      startDelayMs: parseDuration(raw.pods?.startDelay ?? '0s', 'pods.startDelay'),
      startJitterMs: parseDuration(raw.pods?.startJitter ?? '0s', 'pods.startJitter'),
      crashLoopBackOffMs: parseDuration(raw.pods?.crashLoopBackOff ?? '10s', 'pods.crashLoopBackOff'),
    },
    heartbeat: {
      leaseSeconds: Number(raw.heartbeat?.leaseSeconds ?? 40),
      nodeMonitorGracePeriodMs: parseDuration(raw.heartbeat?.nodeMonitorGracePeriod ?? '50s', 'nodeMonitorGracePeriod'),
    },
    commonLabels: raw.commonLabels || {},
    pools: raw.pools,
  };
  for (const [i, pool] of profile.pools.entries()) {
    if (!pool.name) throw new Error(`${where}: pools[${i}] needs a name`);
    if (!Number.isInteger(pool.count) || pool.count < 1) throw new Error(`${where}: pool ${pool.name} needs count >= 1`);
    if (!pool.capacity?.cpu || !pool.capacity?.memory) throw new Error(`${where}: pool ${pool.name} needs capacity.cpu and capacity.memory`);
  }
  return profile;
}

function nodeName(pattern, index) {
  return pattern
    .replaceAll('{index6}', index.toString(36).padStart(6, '0'))
    .replaceAll('{num2}', String(index + 1).padStart(2, '0'))
    .replaceAll('{index}', String(index));
}

/** Node objects (with status) for a profile. */
export function profileNodes(profile) {
  const nodes = [];
  for (const pool of profile.pools) {
    const arch = pool.arch || 'amd64';
    const zones = pool.zones?.length ? pool.zones : [undefined];
    const capacity = { pods: '110', 'ephemeral-storage': '100Gi', ...stringValues(pool.capacity) };
    const allocatable = { ...capacity, ...stringValues(pool.allocatable || {}) };
    for (let i = 0; i < pool.count; i++) {
      const name = nodeName(pool.nodeName || `${profile.name}-${pool.name}-{index}`, i);
      const zone = zones[i % zones.length];
      const labels = {
        ...stringValues(profile.commonLabels),
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': arch,
        'kubernetes.io/arch': arch,
        ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}),
        ...stringValues(pool.labels || {}),
        'kubernetes.io/hostname': name,
      };
      nodes.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels,
          annotations: {
            'kwok.x-k8s.io/node': 'fake',
            'node.alpha.kubernetes.io/ttl': '0',
            [PROFILE_ANNOTATION]: profile.name,
          },
        },
        spec: { taints: (pool.taints || []).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: String(t.value) } : {}), effect: t.effect })) },
        status: {
          capacity,
          allocatable,
          // The apiserver reaches "kubelet" endpoints (pod logs) on the InternalIP, which is KWOK on loopback.
          addresses: [
            { type: 'InternalIP', address: '127.0.0.1' },
            { type: 'Hostname', address: name },
          ],
          nodeInfo: {
            architecture: arch,
            operatingSystem: 'linux',
            osImage: pool.osImage || 'Ubuntu 22.04.5 LTS',
            kernelVersion: pool.kernelVersion || (arch === 'arm64' ? '6.8.0-1015-raspi' : '5.15.0-1079-azure'),
            kubeletVersion: `v${VERSIONS.kubernetes}`,
            kubeProxyVersion: '',
            containerRuntimeVersion: 'containerd://1.7.29',
            machineID: '',
            systemUUID: '',
            bootID: '',
          },
        },
      });
    }
  }
  return nodes;
}

function stringValues(obj) {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, String(v)]));
}

// ---------------------------------------------------------------------------------------------- stages

/**
 * kwok.yaml: the committed stages with the profile's timings, plus ClusterLogs for `kubectl logs`. Only Logs
 * (per pod) come from the API (--enable-crds=Logs); kwok rejects a --config holding a kind it reads as CRs.
 */
export function kwokConfig(profile) {
  const dir = path.join(TESTBED_DIR, 'stages');
  const docs = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const stage = doc.toJS();
      if (!stage) continue;
      const delay = stage.spec?.delay;
      const set = (ms, jitterMs) => {
        delay.durationMilliseconds = ms;
        if (jitterMs !== undefined) delay.jitterDurationMilliseconds = jitterMs;
      };
      switch (stage.metadata?.name) {
        case 'pod-ready':
        case 'harbormaster-pod-never-ready':
          set(profile.pods.startDelayMs, profile.pods.startDelayMs + profile.pods.startJitterMs);
          break;
        case 'pod-complete':
        case 'harbormaster-pod-exit-nonzero':
          set(profile.jobs.durationMs, profile.jobs.durationMs + profile.jobs.jitterMs);
          break;
        case 'harbormaster-pod-crash-restart':
          set(profile.pods.crashLoopBackOffMs);
          break;
      }
      docs.push(stage);
    }
  }
  docs.push({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'ClusterLogs',
    metadata: { name: 'harbormaster-sample-training-log' },
    // No selector: every container of every pod serves the same CRI-format sample training log — except in pods
    // that have a Logs object of their own (kwok looks for one first), which testbed/sim-logs.mjs makes.
    spec: { logs: [{ containers: [], logsFile: SAMPLE_LOG }] },
  });
  return docs.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}

// ------------------------------------------------------------------------------------------------- PKI

function openssl(args, cwd) {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Error(`openssl is required for the testbed PKI: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

function writeKey(file) {
  const { privateKey } = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  fs.writeFileSync(file, privateKey, { mode: 0o600 });
}

const CERTS = {
  // name: [subject, extensions]
  apiserver: [
    '/CN=kube-apiserver',
    'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.0.0.1',
  ],
  admin: ['/O=system:masters/CN=harbormaster-testbed-admin', 'extendedKeyUsage=clientAuth'],
  'kube-controller-manager': ['/CN=system:kube-controller-manager', 'extendedKeyUsage=clientAuth'],
  'kube-scheduler': ['/CN=system:kube-scheduler', 'extendedKeyUsage=clientAuth'],
  // KWOK acts for every fake node (status, leases, events): it gets cluster-admin rights.
  kwok: ['/O=system:masters/CN=kwok-controller', 'extendedKeyUsage=clientAuth'],
  'front-proxy-client': ['/CN=front-proxy-client', 'extendedKeyUsage=clientAuth'],
};

/** CA, serving and client certificates (EC P-256, generated once per state dir), and the SA signing key. */
function ensurePki(pki, log) {
  const needed = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub', ...Object.keys(CERTS).flatMap((n) => [`${n}.crt`, `${n}.key`])];
  if (needed.every((f) => fs.existsSync(path.join(pki, f)))) return;
  log('generating PKI (CA, apiserver serving cert, client certs, service-account key)');
  fs.rmSync(pki, { recursive: true, force: true });
  fs.mkdirSync(pki, { recursive: true, mode: 0o700 });
  writeKey(path.join(pki, 'ca.key'));
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=harbormaster-testbed-ca', '-days', '3650', '-out', 'ca.crt'], pki);
  for (const [name, [subject, ext]] of Object.entries(CERTS)) {
    writeKey(path.join(pki, `${name}.key`));
    fs.writeFileSync(path.join(pki, `${name}.ext`), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${ext}\n`);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], pki);
    openssl(
      ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${crypto.randomBytes(8).toString('hex')}`,
        '-days', '3650', '-extfile', `${name}.ext`, '-out', `${name}.crt`],
      pki,
    );
    fs.rmSync(path.join(pki, `${name}.csr`));
    fs.rmSync(path.join(pki, `${name}.ext`));
  }
  const sa = crypto.generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  fs.writeFileSync(path.join(pki, 'sa.key'), sa.privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(pki, 'sa.pub'), sa.publicKey);
}

function kubeconfigYaml({ clusterName, server, pki, user }) {
  const b64 = (f) => fs.readFileSync(path.join(pki, f)).toString('base64');
  return YAML.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': b64('ca.crt') } }],
      users: [{ name: `${clusterName}-${user}`, user: { 'client-certificate-data': b64(`${user}.crt`), 'client-key-data': b64(`${user}.key`) } }],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user: `${clusterName}-${user}` } }],
      'current-context': clusterName,
    },
    { lineWidth: 0 },
  );
}

// --------------------------------------------------------------------------------------- processes/ports

function procAlive(pid) {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** True when `pid` is alive and is one of this state dir's processes (guards against PID reuse). */
function ownedAlive(pid, stateDir) {
  if (!procAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stateDir + path.sep);
  } catch {
    return process.platform !== 'linux';
  }
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function freePort(exclude) {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
    if (!exclude.has(port)) return port;
  }
}

/** Reuses last start's ports when they are still free (a kubeconfig stored elsewhere stays valid), else picks new ones. */
async function pickPorts(previous = {}) {
  const ports = {};
  const taken = new Set();
  for (const name of PORT_NAMES) {
    const prev = previous[name];
    if (prev && !taken.has(prev) && (await portFree(prev))) ports[name] = prev;
    else ports[name] = await freePort(taken);
    taken.add(ports[name]);
  }
  return ports;
}

// ------------------------------------------------------------------------------------------ HTTP client

/** A small client of the apiserver with the admin certificate: request() buffers JSON, stream() is for watches. */
export function apiClient(server, pki) {
  const url = new URL(server);
  const ca = fs.readFileSync(path.join(pki, 'ca.crt'));
  const cert = fs.readFileSync(path.join(pki, 'admin.crt'));
  const key = fs.readFileSync(path.join(pki, 'admin.key'));
  const agent = new https.Agent({ ca, cert, key, keepAlive: true });
  const request = (method, p, body, contentType = 'application/json') =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: p,
          method,
          agent,
          timeout: 10_000,
          headers: { accept: 'application/json', ...(data ? { 'content-type': contentType, 'content-length': Buffer.byteLength(data) } : {}) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            let json;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode, body: json, text });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${p} timed out`)));
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  const stream = (p) =>
    new Promise((resolve, reject) => {
      const req = https.request({ host: url.hostname, port: url.port, path: p, method: 'GET', agent, headers: { accept: 'application/json' } }, resolve);
      req.on('error', reject);
      req.end();
    });
  return { request, stream, close: () => agent.destroy() };
}

/** GET over http or https: { status, text }, status 0 when unreachable (2 s timeout). */
export function httpGet(url, { insecure = false } = {}) {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { timeout: 2000, rejectUnauthorized: !insecure }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, text: '' }));
  });
}

// ------------------------------------------------------------------------------------------- registry

function registryFile(stateDir) {
  return path.join(REGISTRY_DIR, crypto.createHash('sha1').update(stateDir).digest('hex').slice(0, 16) + '.json');
}

function register(stateDir, profile) {
  fs.mkdirSync(REGISTRY_DIR, { recursive: true });
  writeJson(registryFile(stateDir), { stateDir, profile });
}

function unregister(stateDir) {
  fs.rmSync(registryFile(stateDir), { force: true });
}

/** Every state dir we know of: registered ones (custom --state-dir, vitest) plus .testbed/clusters/*. */
function knownStateDirs() {
  const dirs = new Set();
  for (const f of safeReaddir(REGISTRY_DIR)) {
    const entry = readJson(path.join(REGISTRY_DIR, f));
    if (entry?.stateDir && fs.existsSync(path.join(entry.stateDir, 'state.json'))) dirs.add(entry.stateDir);
    else fs.rmSync(path.join(REGISTRY_DIR, f), { force: true }); // state dir deleted (e.g. a removed temp dir)
  }
  const clusters = path.join(TESTBED_STATE_ROOT, 'clusters');
  for (const d of safeReaddir(clusters)) dirs.add(path.join(clusters, d));
  return [...dirs].filter((d) => fs.existsSync(path.join(d, 'state.json')));
}

function safeReaddir(dir) {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

// ------------------------------------------------------------------------------------------ lifecycle

function resolveStateDir({ profile, stateDir }) {
  return path.resolve(stateDir || defaultStateDir(profile || DEFAULT_PROFILE));
}

function clusterInfo(state) {
  return {
    kubeconfigPath: path.join(state.stateDir, 'kubeconfig'),
    apiServerUrl: `https://127.0.0.1:${state.ports.apiserver}`,
    profile: state.profile,
    stateDir: state.stateDir,
    pids: { ...state.pids },
    ports: { ...state.ports },
  };
}

async function healthy(state) {
  if (!state?.running || !(state.components ?? COMPONENTS).every((c) => ownedAlive(state.pids?.[c], state.stateDir))) return false;
  const api = apiClient(`https://127.0.0.1:${state.ports.apiserver}`, path.join(state.stateDir, 'pki'));
  try {
    const r = await api.request('GET', '/readyz');
    return r.status === 200;
  } catch {
    return false;
  } finally {
    api.close();
  }
}

function acquireLock(stateDir) {
  const lock = path.join(stateDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lock, 'utf8'));
      if (holder && holder !== process.pid && procAlive(holder)) {
        throw new Error(`another testbed command (pid ${holder}) is working on ${stateDir}`);
      }
      fs.rmSync(lock, { force: true });
    }
  }
  throw new Error(`cannot lock ${stateDir}`);
}

/**
 * @typedef {object} ClusterInfo
 * @property {string} kubeconfigPath admin kubeconfig (client certificate, system:masters)
 * @property {string} apiServerUrl e.g. https://127.0.0.1:37857
 * @property {string} profile
 * @property {string} stateDir
 * @property {Record<string, number>} pids by component (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, sim-logs)
 * @property {Record<string, number>} ports etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok
 */

/**
 * Starts (or reuses) a cluster. Resolves once every profile node is Ready and the controller manager and
 * scheduler answer /healthz. Options: profile (default aks-westeurope), stateDir (default
 * .testbed/clusters/<profile>), fresh (wipe etcd data and start empty), quiet (no progress lines).
 */
/**
 * For a test's own second cluster (never the default one): `apiserverArgs` are added to kube-apiserver's arguments
 * (e.g. `--authentication-config=<file>`: a JWT authenticator pointed at the local issuer), and `controlPlaneOnly`
 * starts etcd and kube-apiserver alone (no controller manager, scheduler, nodes or kwok). A running cluster is reused
 * only when it was started with the same choices.
 * @param {{ profile?: string, stateDir?: string, fresh?: boolean, quiet?: boolean, apiserverArgs?: string[], controlPlaneOnly?: boolean }} [options]
 * @returns {Promise<ClusterInfo>}
 */
export async function up({ profile = DEFAULT_PROFILE, stateDir, fresh = false, quiet = false, apiserverArgs = [], controlPlaneOnly = false } = {}) {
  const prof = loadProfile(profile);
  const dir = resolveStateDir({ profile: prof.name, stateDir });
  const log = makeLogger(prof.name, quiet);
  fs.mkdirSync(dir, { recursive: true });
  const bin = await ensureBinaries({ log });
  const release = acquireLock(dir);
  try {
    const stateFile = path.join(dir, 'state.json');
    const previous = readJson(stateFile);
    if (previous) previous.stateDir = dir;
    if (previous && previous.profile !== prof.name && !fresh) {
      throw new Error(`${dir} holds a cluster of profile ${previous.profile}; use another --state-dir or --fresh`);
    }
    const sameChoices = JSON.stringify(previous?.apiserverArgs ?? []) === JSON.stringify(apiserverArgs) && !!previous?.controlPlaneOnly === controlPlaneOnly;
    if (!fresh && sameChoices && (await healthy(previous))) {
      log(`already running (apiserver https://127.0.0.1:${previous.ports.apiserver})`);
      register(dir, prof.name);
      return clusterInfo(previous);
    }
    if (previous && COMPONENTS.some((c) => ownedAlive(previous.pids?.[c], dir))) {
      log('found leftover processes of an earlier start: stopping them');
      await stopProcesses(previous, log);
    }
    if (fresh) fs.rmSync(path.join(dir, 'etcd'), { recursive: true, force: true });
    return await start(prof, dir, bin, previous, log, { apiserverArgs, controlPlaneOnly });
  } finally {
    release();
  }
}

async function start(prof, dir, bin, previous, log, { apiserverArgs = [], controlPlaneOnly = false } = {}) {
  const t0 = Date.now();
  const pki = path.join(dir, 'pki');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  ensurePki(pki, log);
  const ports = await pickPorts(previous?.ports);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const clusterName = `harbormaster-${prof.name}`;
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, kubeconfigYaml({ clusterName, server, pki, user: 'admin' }), { mode: 0o600 });
  for (const user of ['kube-controller-manager', 'kube-scheduler', 'kwok']) {
    fs.writeFileSync(path.join(pki, `${user}.kubeconfig`), kubeconfigYaml({ clusterName, server, pki, user }), { mode: 0o600 });
  }
  fs.writeFileSync(
    path.join(dir, 'scheduler.yaml'),
    YAML.stringify({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: path.join(pki, 'kube-scheduler.kubeconfig'), qps: 100, burst: 200 },
      leaderElection: { leaderElect: false },
    }),
  );
  fs.writeFileSync(path.join(dir, 'kwok.yaml'), kwokConfig(prof));

  const state = {
    profile: prof.name,
    stateDir: dir,
    binDir: bin,
    versions: VERSIONS,
    running: true,
    startedAt: new Date().toISOString(),
    ports,
    pids: {},
    ...(apiserverArgs.length ? { apiserverArgs } : {}),
    ...(controlPlaneOnly ? { controlPlaneOnly, components: ['etcd', 'kube-apiserver'] } : {}),
  };
  const stateFile = path.join(dir, 'state.json');
  writeJson(stateFile, state);
  register(dir, prof.name);
  const exited = {};
  const launch = (name, args, command = path.join(bin, name)) => {
    const logFile = path.join(logs, `${name}.log`);
    // One log per start; the previous start's log is kept beside it (post-mortem of a crashed cluster).
    if (fs.existsSync(logFile)) fs.renameSync(logFile, path.join(logs, `${name}.previous.log`));
    const fd = fs.openSync(logFile, 'w');
    fs.writeSync(fd, `\n==== ${new Date().toISOString()} ${name} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.on('exit', (code, signal) => (exited[name] = signal || code));
    child.unref();
    state.pids[name] = child.pid;
    writeJson(stateFile, state); // recorded at once so that a crashed `up` can be cleaned by the next one
  };
  const check = (name) => {
    if (name in exited) throw new Error(`${name} exited (${exited[name]}) during start; last log lines:\n${tail(path.join(logs, `${name}.log`))}`);
  };
  const waitFor = async (what, names, fn, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      names.forEach(check);
      if (await fn()) return;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; last log lines of ${names.at(-1)}:\n${tail(path.join(logs, `${names.at(-1)}.log`))}`);
      }
      await sleep(100);
    }
  };

  try {
    log(`starting etcd on 127.0.0.1:${ports.etcdClient}`);
    launch('etcd', [
      '--name=node0',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
      `--initial-cluster=node0=http://127.0.0.1:${ports.etcdPeer}`,
      '--initial-cluster-state=new',
      '--unsafe-no-fsync=true',
      '--auto-compaction-retention=1',
      '--quota-backend-bytes=2147483648',
      '--log-level=warn',
    ]);
    await waitFor('etcd /health', ['etcd'], async () => (await httpGet(`http://127.0.0.1:${ports.etcdClient}/health`)).status === 200);

    log(`starting kube-apiserver on ${server}`);
    const p = (f) => path.join(pki, f);
    launch('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${ports.apiserver}`,
      `--cert-dir=${pki}`,
      `--tls-cert-file=${p('apiserver.crt')}`,
      `--tls-private-key-file=${p('apiserver.key')}`,
      `--client-ca-file=${p('ca.crt')}`,
      `--requestheader-client-ca-file=${p('ca.crt')}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      `--proxy-client-cert-file=${p('front-proxy-client.crt')}`,
      `--proxy-client-key-file=${p('front-proxy-client.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${p('sa.pub')}`,
      `--service-account-signing-key-file=${p('sa.key')}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      // No kube-proxy/endpoints for a loopback apiserver; KWOK's "kubelet" (logs) listens on the InternalIP.
      '--endpoint-reconciler-type=none',
      '--kubelet-preferred-address-types=InternalIP',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      ...apiserverArgs,
    ]);
    const api = apiClient(server, pki);
    try {
      await waitFor('kube-apiserver /readyz', ['etcd', 'kube-apiserver'], async () => {
        try {
          return (await api.request('GET', '/readyz')).status === 200;
        } catch {
          return false;
        }
      });
      if (controlPlaneOnly) {
        log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (etcd and kube-apiserver only) — kubeconfig ${kubeconfigPath}`);
        return clusterInfo(state);
      }
      log('kube-apiserver ready; starting kube-controller-manager and kube-scheduler');
      const grace = Math.max(2, Math.round(prof.heartbeat.nodeMonitorGracePeriodMs / 1000));
      launch('kube-controller-manager', [
        `--kubeconfig=${p('kube-controller-manager.kubeconfig')}`,
        `--authentication-kubeconfig=${p('kube-controller-manager.kubeconfig')}`,
        `--authorization-kubeconfig=${p('kube-controller-manager.kubeconfig')}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.controllerManager}`,
        '--leader-elect=false',
        '--controllers=*',
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${p('sa.key')}`,
        `--root-ca-file=${p('ca.crt')}`,
        `--cluster-signing-cert-file=${p('ca.crt')}`,
        `--cluster-signing-key-file=${p('ca.key')}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        `--cluster-name=${clusterName}`,
        `--node-monitor-grace-period=${grace}s`,
        `--node-monitor-period=${Math.min(5, Math.max(1, Math.floor(grace / 5)))}s`,
        '--kube-api-qps=200',
        '--kube-api-burst=400',
        '--profiling=false',
      ]);
      launch('kube-scheduler', [
        `--config=${path.join(dir, 'scheduler.yaml')}`,
        `--authentication-kubeconfig=${p('kube-scheduler.kubeconfig')}`,
        `--authorization-kubeconfig=${p('kube-scheduler.kubeconfig')}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${ports.scheduler}`,
        '--profiling=false',
      ]);

      const nodes = profileNodes(prof);
      await applyNodes(api, nodes);
      // Leases held by an earlier KWOK make its nodes "read only" to the new one until they expire.
      await api.request('DELETE', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
      // kwok watches Logs objects but does not install their CRD itself.
      await applyCrd(api, YAML.parse(fs.readFileSync(LOGS_CRD, 'utf8')));
      await waitFor('the Logs CRD to be established', ['kube-apiserver'], async () => {
        const r = await api.request('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/logs.kwok.x-k8s.io');
        return r.body?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      });
      log(`${nodes.length} nodes registered; starting kwok (node lease ${prof.heartbeat.leaseSeconds}s)`);
      launch('kwok', [
        `--kubeconfig=${p('kwok.kubeconfig')}`,
        `--config=${path.join(dir, 'kwok.yaml')}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        `--manage-nodes-with-label-selector=!${NODE_DOWN_LABEL}`,
        '--node-name=localhost',
        '--node-ip=127.0.0.1',
        `--node-port=${ports.kwok}`,
        `--server-address=127.0.0.1:${ports.kwok}`,
        `--node-lease-duration-seconds=${prof.heartbeat.leaseSeconds}`,
        `--cidr=${POD_CIDR}`,
        // Per-pod Logs objects from the API (testbed/sim-logs.mjs); stages and ClusterLogs stay in kwok.yaml.
        '--enable-crds=Logs',
        // INFO logs every lease renewal and pod patch (MBs per hour); HM_TESTBED_VERBOSE=1 brings them back.
        `--v=${process.env.HM_TESTBED_VERBOSE ? 'INFO' : 'WARN'}`,
      ]);
      // Plain Node; the paths in its arguments carry the state dir, which is how `down` recognises the process.
      launch(
        'sim-logs',
        [
          path.join(TESTBED_DIR, 'sim-logs.mjs'),
          `--apiserver=${server}`,
          `--pki=${pki}`,
          `--kwok=http://127.0.0.1:${ports.kwok}`,
          `--log-dir=${path.join(dir, 'sim-logs')}`,
        ],
        process.execPath,
      );

      let lastReported = -1;
      await waitFor('nodes Ready', COMPONENTS, async () => {
        const [nodeList, leaseList] = await Promise.all([
          api.request('GET', '/api/v1/nodes'),
          api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases'),
        ]);
        const leased = new Set((leaseList.body?.items || []).map((l) => l.metadata.name));
        const wanted = new Set(nodes.map((n) => n.metadata.name));
        const ready = (nodeList.body?.items || []).filter(
          (n) => wanted.has(n.metadata.name) && leased.has(n.metadata.name) && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ).length;
        if (ready !== lastReported) {
          log(`nodes Ready ${ready}/${wanted.size}`);
          lastReported = ready;
        }
        return ready === wanted.size;
      });
      await waitFor('kube-controller-manager and kube-scheduler /healthz', COMPONENTS, async () => {
        const [kcm, sched] = await Promise.all([
          httpGet(`https://127.0.0.1:${ports.controllerManager}/healthz`, { insecure: true }),
          httpGet(`https://127.0.0.1:${ports.scheduler}/healthz`, { insecure: true }),
        ]);
        return kcm.status === 200 && sched.status === 200;
      });
    } finally {
      api.close();
    }
  } catch (err) {
    log(`start failed: stopping what was started`);
    await stopProcesses(state, log).catch(() => {});
    state.running = false;
    writeJson(stateFile, state);
    throw err;
  }
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s — kubeconfig ${kubeconfigPath}`);
  return clusterInfo(state);
}

/** Creates a CustomResourceDefinition, or replaces an existing one with this version. */
async function applyCrd(api, crd) {
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  let r = await api.request('POST', base, crd);
  if (r.status === 409) {
    const current = await api.request('GET', `${base}/${crd.metadata.name}`);
    r = await api.request('PUT', `${base}/${crd.metadata.name}`, { ...crd, metadata: { ...crd.metadata, resourceVersion: current.body?.metadata?.resourceVersion } });
  }
  if (r.status >= 300) throw new Error(`applying CRD ${crd.metadata.name}: ${r.status} ${r.text}`);
}

/** Creates the profile's nodes, resets existing ones to the profile (labels, taints, capacity), deletes strays. */
async function applyNodes(api, nodes) {
  const existing = await api.request('GET', '/api/v1/nodes');
  const have = new Map((existing.body?.items || []).map((n) => [n.metadata.name, n]));
  const wanted = new Set(nodes.map((n) => n.metadata.name));
  const work = [];
  for (const node of nodes) {
    const current = have.get(node.metadata.name);
    if (!current) {
      work.push(
        api.request('POST', '/api/v1/nodes', node).then((r) => {
          if (r.status >= 300) throw new Error(`creating node ${node.metadata.name}: ${r.status} ${r.text}`);
        }),
      );
      continue;
    }
    const labels = { ...node.metadata.labels };
    for (const k of Object.keys(current.metadata.labels || {})) if (!(k in labels)) labels[k] = null;
    work.push(
      (async () => {
        const merge = 'application/merge-patch+json';
        const r1 = await api.request('PATCH', `/api/v1/nodes/${node.metadata.name}`, { metadata: { labels, annotations: node.metadata.annotations }, spec: { taints: node.spec.taints, unschedulable: null } }, merge);
        const r2 = await api.request('PATCH', `/api/v1/nodes/${node.metadata.name}/status`, { status: { capacity: node.status.capacity, allocatable: node.status.allocatable, addresses: node.status.addresses } }, merge);
        for (const r of [r1, r2]) if (r.status >= 300) throw new Error(`updating node ${node.metadata.name}: ${r.status} ${r.text}`);
      })(),
    );
  }
  for (const [name, n] of have) {
    if (!wanted.has(name) && n.metadata.annotations?.[PROFILE_ANNOTATION]) work.push(api.request('DELETE', `/api/v1/nodes/${name}`));
  }
  await Promise.all(work);
}

async function stopProcesses(state, log) {
  const dir = state.stateDir;
  for (const name of [...COMPONENTS].reverse()) {
    const pid = state.pids?.[name];
    if (!ownedAlive(pid, dir)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    let deadline = Date.now() + 10_000;
    while (ownedAlive(pid, dir) && Date.now() < deadline) await sleep(50);
    if (ownedAlive(pid, dir)) {
      log(`${name} (pid ${pid}) ignored SIGTERM for 10s: SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      deadline = Date.now() + 5_000;
      while (ownedAlive(pid, dir) && Date.now() < deadline) await sleep(50);
    }
    if (ownedAlive(pid, dir)) throw new Error(`${name} (pid ${pid}) is still running after SIGKILL`);
  }
}

async function portsFree(ports) {
  const busy = [];
  for (const [name, port] of Object.entries(ports || {})) {
    let free = false;
    for (let i = 0; i < 50 && !free; i++) {
      free = await portFree(port);
      if (!free) await sleep(100);
    }
    if (!free) busy.push(`${name}=${port}`);
  }
  return busy;
}

/** Stops a cluster by the PIDs in its state.json (sim-logs, kwok, scheduler, KCM, apiserver, etcd) and checks its ports are free. */
/**
 * @param {{ profile?: string, stateDir?: string, all?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<string[]>} the state dirs that were stopped
 */
export async function down({ profile, stateDir, all = false, quiet = false } = {}) {
  const dirs = all ? knownStateDirs() : [resolveStateDir({ profile, stateDir })];
  const stopped = [];
  for (const dir of dirs) {
    const state = readJson(path.join(dir, 'state.json'));
    if (state) state.stateDir = dir; // the dir may have been moved since
    const log = makeLogger(state?.profile || path.basename(dir), quiet);
    if (!state) {
      log(`no cluster state in ${dir}`);
      unregister(dir);
      continue;
    }
    const release = acquireLock(dir);
    try {
      const alive = COMPONENTS.filter((c) => ownedAlive(state.pids?.[c], dir));
      if (alive.length) log(`stopping ${alive.reverse().join(', ')}`);
      await stopProcesses(state, log);
      const busy = await portsFree(state.ports);
      if (busy.length) throw new Error(`ports still in use after stopping ${dir}: ${busy.join(', ')}`);
      if (state.running || alive.length) log('stopped; ports free');
      state.running = false;
      state.stoppedAt = new Date().toISOString();
      writeJson(path.join(dir, 'state.json'), state);
      unregister(dir);
      stopped.push(dir);
    } finally {
      release();
    }
  }
  return stopped;
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** One entry per known cluster: profile, state dir, apiserver URL, per-process liveness and RSS, readiness. */
export async function status() {
  const out = [];
  for (const dir of knownStateDirs()) {
    const state = readJson(path.join(dir, 'state.json'));
    if (!state) continue;
    const processes = Object.fromEntries(
      COMPONENTS.map((c) => {
        const pid = state.pids?.[c];
        const alive = ownedAlive(pid, dir);
        return [c, { pid, alive, rssMiB: alive ? rssMiB(pid) : 0 }];
      }),
    );
    out.push({
      ...clusterInfo(state),
      running: Object.values(processes).some((p) => p.alive),
      ready: await healthy(state),
      processes,
      rssMiB: Object.values(processes).reduce((s, p) => s + p.rssMiB, 0),
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ CLI

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--profile' || flag === '-p') opts.profile = value();
    else if (flag === '--state-dir') opts.stateDir = value();
    else if (flag === '--all') opts.all = true;
    else if (flag === '--fresh') opts.fresh = true;
    else if (flag === '--quiet' || flag === '-q') opts.quiet = true;
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

const USAGE = `usage: node testbed/cluster.mjs <command> [options]
  up      [--profile NAME] [--state-dir DIR] [--fresh]   start (or reuse) a cluster; prints the kubeconfig path
  down    [--profile NAME | --state-dir DIR | --all]      stop a cluster (or every known one)
  status                                                   list clusters, processes, RSS
  profiles                                                 list node profiles
Profiles: ${listProfiles().join(', ')} (default ${DEFAULT_PROFILE}). State: .testbed/clusters/<profile>/.`;

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const opts = parseArgs(rest);
  if (!cmd || opts.help) {
    console.log(USAGE);
    return;
  }
  if (cmd === 'up') {
    const info = await up(opts);
    process.stderr.write(`[testbed] export KUBECONFIG=${info.kubeconfigPath}\n`);
    console.log(info.kubeconfigPath);
  } else if (cmd === 'down') {
    await down(opts);
  } else if (cmd === 'status') {
    const list = await status();
    if (list.length === 0) console.log('no testbed clusters');
    for (const c of list) {
      const procs = COMPONENTS.map((n) => `${n}=${c.processes[n].alive ? `${c.processes[n].pid}(${c.processes[n].rssMiB}MiB)` : 'down'}`).join(' ');
      console.log(`${c.profile}\t${c.ready ? 'ready' : c.running ? 'NOT READY' : 'stopped'}\t${c.apiServerUrl}\t${c.kubeconfigPath}`);
      if (c.running) console.log(`  ${procs}  total RSS ${c.rssMiB} MiB`);
    }
  } else if (cmd === 'profiles') {
    for (const name of listProfiles()) {
      const p = loadProfile(name);
      console.log(`${name}\t${profileNodes(p).length} nodes\t${p.description}`);
    }
  } else {
    throw new Error(`unknown command ${cmd}\n${USAGE}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[testbed] ${err.message}\n`);
    process.exit(1);
  });
}
